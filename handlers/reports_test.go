package handlers_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// The reports through HTTP on the hand-worked account: JSON with the
// months asked for (the last 12 by default), CSV with the affiliate's
// name kept from reading as a formula, another account's affiliate not
// found, and each bad parameter a 400 naming it.
func TestReportsThroughHTTP(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		v := newEnvOn(t, s)
		s.SetClock(func() time.Time { return testdb.ReportNow })
		shop, other := v.tenant("Report shop"), v.tenant("Other shop")
		ann, _ := testdb.ReportAccount(t, s, shop.acct.ID)
		otherAnn, _ := testdb.ReportAccount(t, s, other.acct.ID)

		var rec models.RecurringReport
		v.must(http.StatusOK, "GET", "/api/v1/reports/recurring?from=2026-01&to=2026-03", shop.key, nil, &rec)
		if rec.Currency != "USD" || len(rec.Affiliates) != 2 || rec.Affiliates[0].AffiliateID != ann || rec.Affiliates[0].MRR != 7800 ||
			len(rec.Total.Months) != 3 || rec.Total.Months[1].Churn != -6000 || rec.Total.Months[2].MRREnd != 9300 {
			t.Fatalf("recurring: %+v", rec)
		}
		v.must(http.StatusOK, "GET", "/api/v1/reports/recurring", shop.key, nil, &rec)
		if rec.From != "2025-05" || rec.To != "2026-04" || len(rec.Total.Months) != 12 || rec.Total.Months[11].MRREnd != 9300 {
			t.Fatalf("the last 12 months: %s to %s, %d months", rec.From, rec.To, len(rec.Total.Months))
		}
		var ret models.RetentionReport
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/reports/retention?affiliate_id=%d&from=2026-01&to=2026-03", ann), shop.key, nil, &ret)
		if len(ret.Cohorts) != 2 || ret.Cohorts[0].Subscriptions != 3 || ret.Cohorts[0].Months[1].ShareBP != 6666 {
			t.Fatalf("retention: %+v", ret)
		}
		var cus models.CustomerReport
		v.must(http.StatusOK, "GET", "/api/v1/reports/customers?from=2026-01&to=2026-03", shop.key, nil, &cus)
		if len(cus.Affiliates) != 2 || cus.Total.CustomersAcquired != 3 || cus.Total.RefundRateBP != 2307 {
			t.Fatalf("customers: %+v", cus)
		}

		for path, want := range map[string][]string{
			"recurring.csv?from=2026-03&to=2026-03": {fmt.Sprint(ann), "'=Ann", "USD", "2026-03", "0.00", "0.00", "-2.00", "0.00", "20.00", "18.00", "78.00", "78.00", "3", "2"},
			"retention.csv?from=2026-01&to=2026-01": {"2026-01", "3", "0", "3", "10000"},
			"customers.csv?from=2026-01&to=2026-03": {fmt.Sprint(ann), "'=Ann", "USD", "2", "240.00", "120.00", "2", "290.00", "20.00", "689"},
		} {
			r := v.call("GET", "/api/v1/reports/"+path, shop.key, nil)
			rows, err := csv.NewReader(strings.NewReader(r.Body.String())).ReadAll()
			if err != nil || r.Code != http.StatusOK || len(rows) < 2 || strings.Join(rows[1], ",") != strings.Join(want, ",") {
				t.Errorf("%s: %d %v %v", path, r.Code, rows, err)
			}
		}

		for _, path := range []string{"recurring", "retention", "recurring.csv"} {
			r := v.call("GET", fmt.Sprintf("/api/v1/reports/%s?affiliate_id=%d", path, otherAnn), shop.key, nil)
			if r.Code != http.StatusNotFound {
				t.Errorf("%s of another account's affiliate: %d %s", path, r.Code, r.Body.String())
			}
		}
		v.must(http.StatusOK, "GET", "/api/v1/reports/customers?from=2026-01&to=2026-03", other.key, nil, &cus)
		if cus.Total.Sales != 39000 || len(cus.Affiliates) != 2 || cus.Affiliates[0].AffiliateID != otherAnn {
			t.Fatalf("the other account sees its own: %+v", cus)
		}

		for q, field := range map[string]string{
			"recurring?from=2026-13":                   "from",
			"recurring?to=March":                       "to",
			"retention?affiliate_id=x":                 "affiliate_id",
			"retention?affiliate_id=0":                 "affiliate_id",
			"customers?affiliate_id=1":                 "affiliate_id",
			"customers?from=2026-04&to=2026-01":        "from",
			"recurring.csv?from=2020-01&to=2026-01":    "from",
			"retention.csv?from=2026-01-01&to=2026-02": "from",
		} {
			r := v.call("GET", "/api/v1/reports/"+q, shop.key, nil)
			if r.Code != http.StatusBadRequest || !strings.Contains(errorOf(t, r), field) {
				t.Errorf("%s: %d %s, want 400 naming %s", q, r.Code, r.Body.String(), field)
			}
		}
	})
}
