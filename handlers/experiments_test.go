package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// experimentShop is a Shopify account holding codes, and its codes by name.
func (v *linkEnv) experimentShop(shop string, codes ...string) (tenant, map[string]models.Code) {
	v.t.Helper()
	var dc []platforms.DiscountCode
	for i, c := range codes {
		dc = append(dc, platforms.DiscountCode{PlatformID: fmt.Sprint(i + 1), Code: c, DiscountType: "percentage", DiscountValue: int64(1000 * (i + 1)), Active: true})
	}
	acct, _ := testdb.ConnectedAccount(v.t, v.store, shop, "owner@"+shop, models.Install{Platform: platforms.Shopify,
		ExternalID: shop, Currency: "USD"}, dc)
	key, err := v.store.CreateAPIKey(context.Background(), acct.ID)
	if err != nil {
		v.t.Fatal(err)
	}
	rows, _, err := v.store.ListCodes(context.Background(), acct.ID, models.CodeFilter{})
	if err != nil {
		v.t.Fatal(err)
	}
	out := map[string]models.Code{}
	for _, c := range rows {
		out[c.Code] = c
	}
	return tenant{acct: acct, key: key}, out
}

type experimentJSON struct {
	ID            uint64 `json:"id"`
	Slug, URL     string
	Status        string
	FinalPosition int  `json:"final_position"`
	FinalWinner   bool `json:"final_winner"`
	Variants      []struct {
		Code string
	}
}

type experimentReportJSON struct {
	Verdict, Reason string
	MinSample       int64 `json:"min_sample"`
	MoreVisitors    int64 `json:"more_visitors"`
	Variants        []struct {
		Code     string
		Visitors int64
	}
}

func TestCreateExperimentValidates(t *testing.T) {
	v := newLinkEnv(t)
	a, codes := v.experimentShop("hats.myshopify.com", "TEN", "TWENTY", "THIRTY", "FORTY", "FIFTY")
	b, theirs := v.experimentShop("caps.myshopify.com", "CAPS10")
	jane := models.Affiliate{AccountID: a.acct.ID, Name: "Jane", Email: "jane@example.com", Status: models.AffiliateActive}
	if err := v.store.DB().Create(&jane).Error; err != nil {
		t.Fatal(err)
	}
	mustExec(t, v.store, "UPDATE codes SET affiliate_id = ? WHERE id IN ?", jane.ID, []uint64{codes["TEN"].ID, codes["TWENTY"].ID})
	mustExec(t, v.store, "UPDATE codes SET active = false WHERE id = ?", codes["FIFTY"].ID)
	ids := func(names ...string) []uint64 {
		var out []uint64
		for _, n := range names {
			out = append(out, codes[n].ID)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		body  map[string]any
		code  int
		field string
		msg   string
	}{
		{"one code", map[string]any{"name": "X", "code_ids": ids("TEN")}, 400, "code_ids", "pick 2 to 4 codes, not 1"},
		{"five codes", map[string]any{"name": "X", "code_ids": append(ids("TEN", "TWENTY", "THIRTY", "FORTY"), theirs["CAPS10"].ID)}, 400, "code_ids", "not 5"},
		{"a code twice", map[string]any{"name": "X", "code_ids": ids("TEN", "TEN")}, 400, "code_ids", "one variant only"},
		{"another account's code", map[string]any{"name": "X", "code_ids": []uint64{codes["TEN"].ID, theirs["CAPS10"].ID}}, 400, "code_ids", "not one of this account's codes"},
		{"a code that is off", map[string]any{"name": "X", "code_ids": ids("TEN", "FIFTY")}, 400, "code_ids", "FIFTY is off"},
		{"not the affiliate's code", map[string]any{"name": "X", "affiliate_id": jane.ID, "code_ids": ids("TEN", "THIRTY")}, 400, "code_ids", "THIRTY is not this affiliate's"},
		{"unknown affiliate", map[string]any{"name": "X", "affiliate_id": 999999, "code_ids": ids("TEN", "TWENTY")}, 400, "affiliate_id", "no such affiliate"},
		{"no name", map[string]any{"name": " ", "code_ids": ids("TEN", "TWENTY")}, 400, "name", "1 to 120 characters"},
		{"impossible plan", map[string]any{"name": "X", "code_ids": ids("TEN", "TWENTY"), "baseline_rate": 1.5}, 400, "baseline_rate", "above 0% and below 100%"},
		{"impossible lift", map[string]any{"name": "X", "code_ids": ids("TEN", "TWENTY"), "baseline_rate": 0.6, "min_lift": 1}, 400, "min_lift", "keep the expected rate below 100%"},
		{"a code link's slug", map[string]any{"name": "X", "code_ids": ids("TEN", "TWENTY"), "slug": "thirty"}, 409, "slug", "is taken"},
		{"not JSON", nil, 400, "", ""},
	} {
		var body any = c.body
		if c.body == nil {
			body = "{"
		}
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/codes/%d/link", codes["THIRTY"].ID), a.key, nil, nil)
		rec := v.call("POST", "/api/v1/experiments", a.key, body)
		msg := errorOf(t, rec)
		if rec.Code != c.code || !strings.Contains(msg, c.msg) || !strings.Contains(rec.Body.String(), `"field":"`+c.field+`"`) && c.field != "" {
			t.Errorf("%s: %d %s", c.name, rec.Code, rec.Body.String())
		}
	}
	var list listOf[experimentJSON]
	v.must(http.StatusOK, "GET", "/api/v1/experiments", a.key, nil, &list)
	if len(list.Data) != 0 {
		t.Fatalf("refused experiments were kept: %+v", list.Data)
	}
	var e experimentJSON
	v.must(http.StatusCreated, "POST", "/api/v1/experiments", a.key, map[string]any{"name": "Jane's spring test", "affiliate_id": jane.ID, "code_ids": ids("TWENTY", "TEN")}, &e)
	if e.Slug != "jane-s-spring-test" || e.URL != "https://app.example/r/jane-s-spring-test" || e.Status != "running" || len(e.Variants) != 2 || e.Variants[0].Code != "TWENTY" {
		t.Fatalf("created %+v", e)
	}
	rec := v.call("POST", "/api/v1/experiments", a.key, map[string]any{"name": "x", "code_ids": ids("THIRTY", "FORTY"), "slug": "jane-s-spring-test"})
	if rec.Code != http.StatusConflict {
		t.Fatalf("an experiment's slug again: %d %s", rec.Code, rec.Body.String())
	}
	var second experimentJSON
	v.must(http.StatusCreated, "POST", "/api/v1/experiments", a.key, map[string]any{"name": "Jane's spring test", "code_ids": ids("THIRTY", "FORTY")}, &second)
	if second.Slug != "jane-s-spring-test-2" {
		t.Fatalf("a name taken gets the next free slug, not %q", second.Slug)
	}
	rec = v.call("PUT", fmt.Sprintf("/api/v1/codes/%d/link", codes["FORTY"].ID), a.key, map[string]any{"slug": "jane-s-spring-test"})
	if rec.Code != http.StatusConflict {
		t.Fatalf("a code link renamed to an experiment's slug: %d %s", rec.Code, rec.Body.String())
	}
	for _, path := range []string{"", "/report"} {
		if rec := v.call("GET", fmt.Sprintf("/api/v1/experiments/%d%s", e.ID, path), b.key, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("another account reads %q: %d", path, rec.Code)
		}
	}
	if rec := v.call("POST", fmt.Sprintf("/api/v1/experiments/%d/stop", e.ID), b.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("another account stops it: %d", rec.Code)
	}
	v.must(http.StatusOK, "GET", "/api/v1/experiments", b.key, nil, &list)
	if len(list.Data) != 0 {
		t.Fatalf("another account lists %+v", list.Data)
	}
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/experiments/%d", e.ID), a.key, nil, &e)
	if e.Status != "running" {
		t.Fatalf("after the other account's stop: %+v", e)
	}
}

func mustExec(t *testing.T, s *models.Store, sql string, args ...any) {
	t.Helper()
	if err := s.DB().Exec(sql, args...).Error; err != nil {
		t.Fatal(err)
	}
}

// visitWith requests slug with a cookie header (empty: none).
func (v *linkEnv) visitWith(method, slug, cookie, ua string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/r/"+slug, nil)
	req.RemoteAddr = "203.0.113.50:5000" // every visitor behind one address
	req.Header.Set("User-Agent", ua)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	return serve(v.env, req)
}

func TestExperimentLinkKeepsEachVisitorOnTheirVariant(t *testing.T) {
	v := newLinkEnv(t)
	a, codes := v.experimentShop("hats.myshopify.com", "TEN", "TWENTY", "THIRTY")
	var e experimentJSON
	v.must(http.StatusCreated, "POST", "/api/v1/experiments", a.key, map[string]any{"name": "Spring",
		"code_ids": []uint64{codes["TEN"].ID, codes["TWENTY"].ID, codes["THIRTY"].ID}}, &e)
	dest := map[string]string{}
	for _, c := range []string{"TEN", "TWENTY", "THIRTY"} {
		dest["https://hats.myshopify.com/discount/"+c+"?redirect=%2F"] = c
	}
	cookieName := fmt.Sprintf("cc_exp_%d", e.ID)
	seen := map[string]int{}
	for i := range 30 {
		rec := v.visitWith("GET", "SPRING", "", browserUA)
		code, ok := dest[rec.Header().Get("Location")]
		if rec.Code != http.StatusFound || !ok {
			t.Fatalf("visitor %d: %d to %q", i, rec.Code, rec.Header().Get("Location"))
		}
		seen[code]++
		ck := rec.Result().Cookies()
		if len(ck) != 1 || ck[0].Name != cookieName || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteLaxMode ||
			ck[0].Path != "/r/" || ck[0].MaxAge != 90*24*3600 {
			t.Fatalf("cookie %+v", ck)
		}
		for range 3 { // the same visitor comes back: same variant, not counted again
			back := v.visitWith("GET", "spring", cookieName+"="+ck[0].Value, browserUA)
			if back.Header().Get("Location") != rec.Header().Get("Location") {
				t.Fatalf("visitor %d came back to %q, first sent to %q", i, back.Header().Get("Location"), rec.Header().Get("Location"))
			}
		}
	}
	if len(seen) != 3 {
		t.Fatalf("30 visitors saw %v: every variant should get some", seen)
	}
	// A forged or another experiment's cookie is ignored: a fresh draw.
	const forged = "AAAAAAAAAAEBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	rec := v.visitWith("GET", "spring", cookieName+"="+forged, browserUA)
	if ck := rec.Result().Cookies(); len(ck) != 1 || ck[0].Value == forged {
		t.Fatalf("forged cookie kept: %+v", ck)
	}
	seen[dest[rec.Header().Get("Location")]]++
	// Bots, link checkers and prefetches are sent on, not counted.
	v.visitWith("HEAD", "spring", "", browserUA)
	v.visitWith("GET", "spring", "", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
	v.visitWith("GET", "spring", "", "")
	if err := v.counter.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var r experimentReportJSON
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/experiments/%d/report", e.ID), a.key, nil, &r)
	total := int64(0)
	for _, vr := range r.Variants {
		if vr.Visitors != int64(seen[vr.Code]) {
			t.Errorf("%s: %d visitors counted, %d sent there", vr.Code, vr.Visitors, seen[vr.Code])
		}
		total += vr.Visitors
	}
	if total != 31 || r.Verdict != "keep_running" || r.MoreVisitors != 3*r.MinSample-31 ||
		!strings.Contains(r.Reason, " more visitors are needed before the test is run") {
		t.Fatalf("report %+v", r)
	}
	// The code's own link is untouched by the experiment.
	if rec := v.visit("GET", "ten", "198.51.100.9", browserUA); rec.Header().Get("Location") != "https://hats.myshopify.com/discount/TEN?redirect=%2F" {
		t.Fatalf("TEN's own link: %d %q", rec.Code, rec.Header().Get("Location"))
	}

	var stopped experimentJSON
	v.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/experiments/%d/stop", e.ID), a.key, nil, &stopped)
	if stopped.Status != "stopped" || stopped.FinalPosition != 0 || stopped.FinalWinner {
		t.Fatalf("stopped without a winner: %+v", stopped)
	}
	for range 5 { // everyone, cookie or not, goes to the first variant; nothing is counted
		for _, ck := range []string{"", cookieName + "=x"} {
			rec := v.visitWith("GET", "spring", ck, browserUA)
			if rec.Header().Get("Location") != "https://hats.myshopify.com/discount/TEN?redirect=%2F" || len(rec.Result().Cookies()) != 0 {
				t.Fatalf("stopped link: %q %+v", rec.Header().Get("Location"), rec.Result().Cookies())
			}
		}
	}
	if err := v.counter.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var after experimentReportJSON
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/experiments/%d/report", e.ID), a.key, nil, &after)
	for i := range after.Variants {
		if after.Variants[i].Visitors != r.Variants[i].Visitors {
			t.Fatalf("visits counted after the stop: %+v", after.Variants)
		}
	}
	if rec := v.call("POST", fmt.Sprintf("/api/v1/experiments/%d/stop", e.ID), a.key, nil); rec.Code != http.StatusConflict {
		t.Fatalf("stopped twice: %d", rec.Code)
	}
	var c models.Code
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/codes/%d", codes["TWENTY"].ID), a.key, nil, &c)
	if !c.Active {
		t.Fatal("stopping turned a code off")
	}
}
