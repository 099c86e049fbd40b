package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"codecredit/models"
)

func TestStoppedExperimentSendsEveryoneToTheWinner(t *testing.T) {
	v := newLinkEnv(t)
	a, codes := v.experimentShop("hats.myshopify.com", "TEN", "TWENTY")
	ctx := context.Background()
	aff := models.Affiliate{AccountID: a.acct.ID, Name: "Jane", Email: "jane@example.com", Status: models.AffiliateActive}
	if err := v.store.DB().Create(&aff).Error; err != nil {
		t.Fatal(err)
	}
	var e experimentJSON
	// 20% expected, a 100% lift worth finding: 82 visitors per variant.
	v.must(http.StatusCreated, "POST", "/api/v1/experiments", a.key, map[string]any{"name": "Deep", "baseline_rate": 0.2, "min_lift": 1,
		"code_ids": []uint64{codes["TEN"].ID, codes["TWENTY"].ID}}, &e)
	for pos, n := range []int64{100, 100} {
		if err := v.store.AddExperimentVisits(ctx, []models.ExperimentVisits{{AccountID: a.acct.ID, ExperimentID: e.ID, Position: pos, Day: time.Now(), Visits: n}}); err != nil {
			t.Fatal(err)
		}
	}
	var conn models.Connection
	if err := v.store.DB().Where("account_id = ?", a.acct.ID).First(&conn).Error; err != nil {
		t.Fatal(err)
	}
	for i := range 65 { // TEN 20 of 100, TWENTY 45 of 100: z = 3.77
		code := codes["TWENTY"]
		if i < 20 {
			code = codes["TEN"]
		}
		c := models.Conversion{AccountID: a.acct.ID, ConnectionID: conn.ID, ExternalOrderID: fmt.Sprint("o", i), AffiliateID: &aff.ID,
			CodeID: &code.ID, Currency: "USD", Subtotal: 4000, Commission: 400, Status: models.ConversionPending, PlacedAt: time.Now(), ApproveAt: time.Now()}
		if err := v.store.DB().Create(&c).Error; err != nil {
			t.Fatal(err)
		}
	}
	var r experimentReportJSON
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/experiments/%d/report", e.ID), a.key, nil, &r)
	if r.Verdict != "winner" {
		t.Fatalf("report %+v", r)
	}
	var stopped experimentJSON
	v.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/experiments/%d/stop", e.ID), a.key, nil, &stopped)
	if stopped.FinalPosition != 1 || !stopped.FinalWinner {
		t.Fatalf("stopped %+v", stopped)
	}
	for _, ck := range []string{"", fmt.Sprintf("cc_exp_%d=x", e.ID)} {
		rec := v.visitWith("GET", "deep", ck, browserUA)
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://hats.myshopify.com/discount/TWENTY?redirect=%2F" {
			t.Fatalf("after the stop: %d %q", rec.Code, rec.Header().Get("Location"))
		}
	}
}
