package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"codecredit/models"
)

// listEnv is a shop with affiliates Ann (two orders, codes ANN10 and
// ANN20), Bob (one order, code BOB5), Cy (no code, nothing sold), and
// another shop with Dee.
type listEnv struct {
	*env
	shop, other  tenant
	ann, bob, cy models.Affiliate
	dee          models.Affiliate
}

func newListEnv(t *testing.T) *listEnv {
	v := &listEnv{env: newEnv(t)}
	v.shop, v.other = v.tenant("Shop"), v.tenant("Other")
	for _, a := range []struct {
		dst         *models.Affiliate
		key         string
		name, email string
	}{
		{&v.ann, v.shop.key, "Ann Lee", "ann@example.com"},
		{&v.bob, v.shop.key, "Bob Marsh", "bob@example.com"},
		{&v.cy, v.shop.key, "=HYPERLINK(\"http://x\")", "cy@example.com"},
		{&v.dee, v.other.key, "Dee", "dee@example.com"},
	} {
		v.must(http.StatusCreated, "POST", "/api/v1/affiliates", a.key, map[string]string{"name": a.name, "email": a.email}, a.dst)
	}
	for _, c := range []struct {
		code string
		aff  uint64
	}{{"ANN10", v.ann.ID}, {"ANN20", v.ann.ID}, {"BOB5", v.bob.ID}} {
		v.must(http.StatusCreated, "POST", "/api/v1/codes", v.shop.key,
			map[string]any{"code": c.code, "discount_type": "percentage", "discount_value": 1000, "affiliate_id": c.aff}, nil)
	}
	v.must(http.StatusCreated, "POST", "/api/v1/codes", v.other.key,
		map[string]any{"code": "DEE5", "discount_type": "percentage", "discount_value": 500, "affiliate_id": v.dee.ID}, nil)
	conn, err := v.store.APIConnection(context.Background(), v.shop.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i, o := range []struct {
		aff      uint64
		status   string
		subtotal int64
	}{
		{v.ann.ID, models.ConversionPending, 12000},
		{v.ann.ID, models.ConversionApproved, 3000},
		{v.ann.ID, models.ConversionFlagged, 50000}, // her own purchase: not counted
		{v.bob.ID, models.ConversionPending, 20000},
		{v.bob.ID, models.ConversionReversed, 90000}, // refunded: not counted
	} {
		c := models.Conversion{AccountID: v.shop.acct.ID, ConnectionID: conn.ID, ExternalOrderID: fmt.Sprint("order-", i),
			AffiliateID: &o.aff, Code: "X", Currency: "USD", Subtotal: o.subtotal, Commission: o.subtotal / 10,
			Status: models.ConversionStatus(o.status), PlacedAt: now, ApproveAt: now}
		if err := v.store.DB().Create(&c).Error; err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// names lists affiliates with query and returns their names and the page.
func (v *listEnv) names(key, query string) ([]string, listOf[models.AffiliateRow]) {
	v.t.Helper()
	var page listOf[models.AffiliateRow]
	v.must(http.StatusOK, "GET", "/api/v1/affiliates?"+query, key, nil, &page)
	var names []string
	for _, r := range page.Data {
		names = append(names, r.Name)
	}
	return names, page
}

// errorField decodes an error answer's message and field.
func errorField(t *testing.T, body []byte) (msg, field string) {
	t.Helper()
	var e struct{ Error, Field string }
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("error answer %q", body)
	}
	return e.Error, e.Field
}

func TestListAffiliatesSortsAndFilters(t *testing.T) {
	v := newListEnv(t)
	cy := v.cy.Name
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{cy, "Bob Marsh", "Ann Lee"}},
		{"sort=sales&dir=desc", []string{"Bob Marsh", "Ann Lee", cy}},
		{"sort=orders&dir=desc", []string{"Ann Lee", "Bob Marsh", cy}},
		{"sort=name&dir=asc", []string{cy, "Ann Lee", "Bob Marsh"}}, // "=" sorts before letters
		{"sort=created&dir=asc&per_page=2&page=2", []string{cy}},
		{"sort=sales&q=EXAMPLE.COM&per_page=1", []string{"Bob Marsh"}},
		{"q=marsh", []string{"Bob Marsh"}},
	}
	for _, tc := range tests {
		if got, _ := v.names(v.shop.key, tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("?%s: %q, want %q", tc.query, got, tc.want)
		}
	}
	_, page := v.names(v.shop.key, "sort=sales&dir=desc")
	bob, ann := page.Data[0], page.Data[1]
	if page.Total != 3 || bob.Orders != 1 || bob.Sales != 20000 || bob.Pending != 0 || bob.Currency != "USD" ||
		ann.Orders != 2 || ann.Sales != 15000 || ann.CodeCount != 2 || !slices.Equal(ann.Codes, []string{"ANN10", "ANN20"}) {
		t.Fatalf("rows: %+v", page)
	}
	v.must(http.StatusOK, "POST", "/api/v1/affiliates/bulk", v.shop.key, map[string]any{"action": "deactivate", "ids": []uint64{v.bob.ID}}, nil)
	if got, _ := v.names(v.shop.key, "status=disabled"); !slices.Equal(got, []string{"Bob Marsh"}) {
		t.Errorf("status=disabled: %q", got)
	}
	if got, _ := v.names(v.shop.key, "status=active&sort=name&dir=asc"); !slices.Equal(got, []string{cy, "Ann Lee"}) {
		t.Errorf("status=active: %q", got)
	}
	for _, bad := range []struct{ query, field, msg string }{
		{"sort=commission", "sort", "sort must be one of"},
		{"sort=name&dir=sideways", "dir", "dir must be asc or desc"},
		{"status=gone", "status", "status must be"},
		{"page=0", "", "page must be"},
	} {
		rec := v.call("GET", "/api/v1/affiliates?"+bad.query, v.shop.key, nil)
		msg, field := errorField(t, rec.Body.Bytes())
		if rec.Code != http.StatusBadRequest || field != bad.field || !strings.Contains(msg, bad.msg) {
			t.Errorf("?%s: %d %q field %q", bad.query, rec.Code, msg, field)
		}
	}
}

func TestBulkAffiliateActions(t *testing.T) {
	v := newListEnv(t)
	ctx := context.Background()
	bulk := func(action string, ids ...uint64) (res struct {
		Changed []uint64          `json:"changed"`
		Skipped []models.BulkSkip `json:"skipped"`
		Message string            `json:"message"`
	}) {
		v.must(http.StatusOK, "POST", "/api/v1/affiliates/bulk", v.shop.key, map[string]any{"action": action, "ids": ids}, &res)
		return res
	}
	outbox := func() int64 {
		var list listOf[models.OutboxEmail]
		v.must(http.StatusOK, "GET", "/api/v1/emails", v.shop.key, nil, &list)
		return list.Total
	}
	v.step("sending codes emails each affiliate with codes once and skips one without", func(t *testing.T) {
		before := outbox()
		res := bulk("send_codes", v.ann.ID, v.bob.ID, v.cy.ID, v.ann.ID)
		if res.Message != "Codes emailed to 2 affiliates; 1 has no code" || len(res.Changed) != 2 ||
			len(res.Skipped) != 1 || res.Skipped[0].ID != v.cy.ID || res.Skipped[0].Reason != models.SkipNoCode {
			t.Fatalf("send codes: %+v", res)
		}
		var list listOf[models.OutboxEmail]
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/emails?affiliate_id=%d", v.ann.ID), v.shop.key, nil, &list)
		if outbox() != before+2 || list.Total < 1 || !strings.Contains(list.Data[0].Text, "ANN10") || !strings.Contains(list.Data[0].Text, "ANN20") {
			t.Fatalf("outbox after sending codes: %d emails (was %d); Ann's: %+v", outbox(), before, list.Data)
		}
	})

	v.step("deactivate and activate say what they changed, and a disabled affiliate gets no codes email", func(t *testing.T) {
		res := bulk("deactivate", v.ann.ID, v.bob.ID)
		if res.Message != "Deactivated 2 affiliates" {
			t.Fatalf("deactivate: %+v", res)
		}
		res = bulk("deactivate", v.ann.ID, v.cy.ID)
		if res.Message != "Deactivated 1 affiliate; 1 was already disabled" {
			t.Fatalf("deactivate again: %+v", res)
		}
		res = bulk("send_codes", v.ann.ID)
		if res.Message != "Codes emailed to 0 affiliates; 1 is disabled" {
			t.Fatalf("send codes to a disabled affiliate: %+v", res)
		}
		res = bulk("activate", v.ann.ID, v.bob.ID)
		if res.Message != "Activated 2 affiliates" {
			t.Fatalf("activate: %+v", res)
		}
		for _, id := range []uint64{v.ann.ID, v.bob.ID} {
			if a, _ := v.store.GetAffiliate(ctx, v.shop.acct.ID, id); a.Status != models.AffiliateActive {
				t.Fatalf("affiliate %d is %s after activate", id, a.Status)
			}
		}
	})

	v.step("refused bulk actions say why and change no status", func(t *testing.T) {
		tooMany := make([]uint64, models.MaxBulkIDs+1)
		for i := range tooMany {
			tooMany[i] = uint64(i + 1)
		}
		for _, bad := range []struct {
			body   any
			status int
			msg    string
		}{
			{map[string]any{"action": "delete", "ids": []uint64{v.ann.ID}}, 400, "action must be"},
			{map[string]any{"action": "deactivate", "ids": []uint64{}}, 400, "select at least one affiliate"},
			{map[string]any{"action": "deactivate"}, 400, "select at least one affiliate"},
			{map[string]any{"action": "deactivate", "ids": tooMany}, 400, "at most 250 affiliates"},
			{map[string]any{"action": "deactivate", "ids": []uint64{v.ann.ID}, "all": true}, 400, "unknown field"},
			{map[string]any{"action": "deactivate", "ids": []any{"1"}}, 400, "ids"},
			{`{"action": "deactivate", "ids": [-1]}`, 400, "ids"},
			{map[string]any{"action": "deactivate", "ids": []uint64{v.ann.ID, v.cy.ID, 999999}}, 404, "affiliate 999999 not found"},
		} {
			rec := v.call("POST", "/api/v1/affiliates/bulk", v.shop.key, bad.body)
			if msg := errorOf(t, rec); rec.Code != bad.status || !strings.Contains(msg, bad.msg) {
				t.Errorf("%v: %d %q, want %d %q", bad.body, rec.Code, msg, bad.status, bad.msg)
			}
		}
		if got, _ := v.names(v.shop.key, "status=disabled"); len(got) != 1 || got[0] != v.cy.Name {
			t.Fatalf("refused bulk actions changed statuses: disabled now %q", got)
		}
	})
}

// exportCSV downloads the export and parses it.
func (v *listEnv) exportCSV(key, query string) (int, [][]string) {
	v.t.Helper()
	rec := v.call("GET", "/api/v1/affiliates/export.csv?"+query, key, nil)
	if rec.Code != http.StatusOK {
		return rec.Code, nil
	}
	if ct, cd := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"); !strings.HasPrefix(ct, "text/csv") ||
		!strings.Contains(cd, `attachment; filename="affiliates-`) {
		v.t.Fatalf("export headers: %q %q", ct, cd)
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		v.t.Fatal(err)
	}
	return rec.Code, rows
}

func TestExportAffiliatesCSV(t *testing.T) {
	v := newListEnv(t)
	_, rows := v.exportCSV(v.shop.key, "sort=sales&dir=desc")
	want := [][]string{
		{"affiliate_id", "name", "email", "status", "codes", "orders", "sales", "pending", "payable", "currency", "added"},
		{fmt.Sprint(v.bob.ID), "Bob Marsh", "bob@example.com", "active", "BOB5", "1", "200.00", "0.00", "0.00", "USD", v.bob.CreatedAt.UTC().Format(time.DateOnly)},
		{fmt.Sprint(v.ann.ID), "Ann Lee", "ann@example.com", "active", "ANN10 ANN20", "2", "150.00", "0.00", "0.00", "USD", v.ann.CreatedAt.UTC().Format(time.DateOnly)},
		{fmt.Sprint(v.cy.ID), `'=HYPERLINK("http://x")`, "cy@example.com", "active", "", "0", "0.00", "0.00", "0.00", "USD", v.cy.CreatedAt.UTC().Format(time.DateOnly)},
	}
	if len(rows) != len(want) {
		t.Fatalf("export: %q", rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
	if _, rows := v.exportCSV(v.shop.key, "q=marsh"); len(rows) != 2 || rows[1][1] != "Bob Marsh" {
		t.Errorf("export with a search: %q", rows)
	}
	_, rows = v.exportCSV(v.shop.key, fmt.Sprintf("id=%d&id=%d&q=nobody&sort=name&dir=asc", v.cy.ID, v.ann.ID))
	if len(rows) != 3 || rows[1][0] != fmt.Sprint(v.cy.ID) || rows[2][0] != fmt.Sprint(v.ann.ID) {
		t.Errorf("export of the selected: %q", rows)
	}
	for _, bad := range []struct {
		query  string
		status int
	}{
		{"id=abc", 400},
		{"id=0", 400},
		{"sort=commission", 400},
		{"status=gone", 400},
		{"id=" + strings.Repeat("1&id=", 251) + "1", 400},
		{fmt.Sprintf("id=%d&id=%d", v.ann.ID, v.dee.ID), 404},
	} {
		if code, _ := v.exportCSV(v.shop.key, bad.query); code != bad.status {
			t.Errorf("?%s: %d, want %d", bad.query, code, bad.status)
		}
	}
}

func TestAffiliateListIsolation(t *testing.T) {
	v := newListEnv(t)
	ctx := context.Background()
	// The other shop sees only Dee, in its list and in its export.
	if got, _ := v.names(v.other.key, "sort=sales"); !slices.Equal(got, []string{"Dee"}) {
		t.Fatalf("other shop's list: %q", got)
	}
	if _, rows := v.exportCSV(v.other.key, ""); len(rows) != 2 || rows[1][1] != "Dee" {
		t.Fatalf("other shop's export: %q", rows)
	}
	// Naming the shop's affiliates, alone or beside its own, is a 404 and
	// changes nothing.
	for _, ids := range [][]uint64{{v.ann.ID}, {v.dee.ID, v.bob.ID}} {
		for _, action := range []string{"deactivate", "send_codes", "activate"} {
			rec := v.call("POST", "/api/v1/affiliates/bulk", v.other.key, map[string]any{"action": action, "ids": ids})
			if msg := errorOf(t, rec); rec.Code != http.StatusNotFound || !strings.HasSuffix(msg, "not found") {
				t.Errorf("%s %v from the other shop: %d %q", action, ids, rec.Code, msg)
			}
		}
		if code, _ := v.exportCSV(v.other.key, fmt.Sprintf("id=%d", ids[len(ids)-1])); code != http.StatusNotFound {
			t.Errorf("export of %v from the other shop: %d", ids, code)
		}
	}
	for _, id := range []uint64{v.ann.ID, v.bob.ID} {
		if a, _ := v.store.GetAffiliate(ctx, v.shop.acct.ID, id); a.Status != models.AffiliateActive {
			t.Fatalf("the other shop disabled affiliate %d", id)
		}
	}
	if d, _ := v.store.GetAffiliate(ctx, v.other.acct.ID, v.dee.ID); d.Status != models.AffiliateActive {
		t.Fatal("a refused batch changed its own affiliate")
	}
	var list listOf[models.OutboxEmail]
	v.must(http.StatusOK, "GET", "/api/v1/emails", v.other.key, nil, &list)
	for _, e := range list.Data {
		if e.To != "dee@example.com" {
			t.Fatalf("the other shop emailed %s", e.To)
		}
	}
}

func TestAffiliateFormErrorsNameTheirField(t *testing.T) {
	v := newListEnv(t)
	path := fmt.Sprintf("/api/v1/affiliates/%d", v.bob.ID)
	for _, tc := range []struct {
		method, path string
		body         map[string]string
		status       int
		field, msg   string
	}{
		{"POST", "/api/v1/affiliates", map[string]string{"name": "Ann Two", "email": "ANN@example.com"}, 409, "email", "already used by affiliate"},
		{"POST", "/api/v1/affiliates", map[string]string{"name": "Zed", "email": "zed@"}, 400, "email", "is not a valid address"},
		{"POST", "/api/v1/affiliates", map[string]string{"name": "  ", "email": "zed@example.com"}, 400, "name", "name is required"},
		{"POST", "/api/v1/affiliates", map[string]string{"name": "Zed", "email": ""}, 400, "email", "email is required"},
		{"PATCH", path, map[string]string{"email": "ann@example.com"}, 409, "email", "already used"},
		{"PATCH", path, map[string]string{"name": ""}, 400, "name", "name is required"},
		{"PATCH", path, map[string]string{"status": "gone"}, 400, "status", "status must be"},
	} {
		rec := v.call(tc.method, tc.path, v.shop.key, tc.body)
		msg, field := errorField(t, rec.Body.Bytes())
		if rec.Code != tc.status || field != tc.field || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s %v: %d %q field %q; want %d %q under %q", tc.method, tc.body, rec.Code, msg, field, tc.status, tc.msg, tc.field)
		}
	}
	// An error about no one field has none.
	rec := v.call("POST", "/api/v1/affiliates", v.shop.key, `{"name": "Zed", "email": "zed@example.com", "age": 3}`)
	if _, field := errorField(t, rec.Body.Bytes()); rec.Code != 400 || field != "" {
		t.Errorf("unknown member: %d field %q", rec.Code, field)
	}
}
