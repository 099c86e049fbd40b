package models_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"codecredit/models"
)

// scratchCustomers and scratchMonths are the report rollups computed
// from scratch over the conversions, written as the customers report
// was before the rollups.
const (
	scratchCredited  = "affiliate_id IS NOT NULL AND status NOT IN ('flagged', 'unattributed')"
	scratchCustomer  = "CASE WHEN customer_email <> '' THEN lower(customer_email) WHEN customer_id <> '' THEN 'id:' || connection_id || ':' || customer_id END"
	scratchCustomers = "SELECT account_id, currency, affiliate_id, " + scratchCustomer + " AS customer, MIN(placed_at) AS first_at, " +
		"COUNT(*) AS orders, SUM(subtotal - refunded_subtotal) AS revenue FROM conversions WHERE " + scratchCredited +
		" AND " + scratchCustomer + " IS NOT NULL GROUP BY 1, 2, 3, 4"
	rolledCustomers = "SELECT account_id, currency, affiliate_id, customer, first_at, orders, revenue FROM affiliate_customers"
	scratchMonths   = "SELECT account_id, %s AS month, currency, affiliate_id, COUNT(*) AS orders, " +
		"SUM(CASE WHEN lifetime THEN 1 ELSE 0 END) AS repeat_orders, SUM(subtotal) AS sales, SUM(refunded_subtotal) AS refunded " +
		"FROM conversions WHERE " + scratchCredited + " GROUP BY 1, 2, 3, 4"
	rolledMonths = "SELECT account_id, month, currency, affiliate_id, SUM(orders) AS orders, SUM(repeat_orders) AS repeat_orders, " +
		"SUM(sales) AS sales, SUM(refunded) AS refunded FROM affiliate_months GROUP BY 1, 2, 3, 4 " +
		"HAVING SUM(orders) <> 0 OR SUM(repeat_orders) <> 0 OR SUM(sales) <> 0 OR SUM(refunded) <> 0"
)

// checkReportRollups compares the rollups with their sums from scratch,
// both ways, and each account's customers report with the same figures
// worked out from its conversions.
func checkReportRollups(t *testing.T, s *models.Store, w *rollupWorld) {
	t.Helper()
	month := "strftime('%Y-%m', placed_at)"
	if s.IsPostgres() {
		month = "to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM')"
	}
	months := strings.Replace(scratchMonths, "%s", month, 1)
	for _, c := range []struct{ what, got, want string }{
		{"affiliate_customers", rolledCustomers, scratchCustomers},
		{"affiliate_months", rolledMonths, months},
	} {
		for _, d := range [][2]string{{c.got, c.want}, {c.want, c.got}} {
			var rows []map[string]any
			if err := s.DB().Raw(d[0] + " EXCEPT " + d[1]).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				t.Errorf("%s: %v in %q only", c.what, r, d[0][:40])
			}
		}
	}
	var n int64
	if err := s.DB().Raw("SELECT COUNT(*) FROM affiliate_customers").Scan(&n).Error; err != nil || n == 0 {
		t.Fatalf("affiliate_customers: %d rows (%v)", n, err)
	}
	for _, a := range w.accts {
		checkCustomerReport(t, s, a.id)
	}
}

// checkCustomerReport compares the customers report of acct, over a few
// ranges, with the figures worked out by hand from its conversions.
func checkCustomerReport(t *testing.T, s *models.Store, acct uint64) {
	t.Helper()
	var convs []models.Conversion
	if err := s.DB().Where("account_id = ? AND currency = ?", acct, "USD").Find(&convs).Error; err != nil {
		t.Fatal(err)
	}
	for _, rg := range [][2]int{{0, 0}, {0, 11}, {2, 4}, {7, 7}, {9, 20}} {
		q := models.ReportQuery{From: rollupBase.AddDate(0, rg[0], 0), To: rollupBase.AddDate(0, rg[1], 0)}
		want := map[uint64]models.CustomerRow{}
		type cust struct {
			aff uint64
			key string
		}
		first, revenue := map[cust]time.Time{}, map[cust]int64{}
		end := q.To.AddDate(0, 1, 0)
		for _, c := range convs {
			if c.AffiliateID == nil || c.Status == models.ConversionFlagged || c.Status == models.ConversionUnattributed {
				continue
			}
			if !c.PlacedAt.Before(q.From) && c.PlacedAt.Before(end) {
				row := want[*c.AffiliateID]
				row.AffiliateID, row.Sales, row.Refunded = *c.AffiliateID, row.Sales+c.Subtotal, row.Refunded+c.RefundedSubtotal
				if c.Lifetime {
					row.RepeatOrders++
				}
				want[*c.AffiliateID] = row
			}
			key := strings.ToLower(c.CustomerEmail)
			if key == "" && c.CustomerID != "" {
				key = "id:" + strconv.FormatUint(c.ConnectionID, 10) + ":" + c.CustomerID
			}
			if key == "" {
				continue
			}
			k := cust{*c.AffiliateID, key}
			if f, ok := first[k]; !ok || c.PlacedAt.Before(f) {
				first[k] = c.PlacedAt
			}
			revenue[k] += c.Subtotal - c.RefundedSubtotal
		}
		for k, f := range first {
			if f.Before(q.From) || !f.Before(end) {
				continue
			}
			row := want[k.aff]
			row.AffiliateID, row.CustomersAcquired, row.Revenue = k.aff, row.CustomersAcquired+1, row.Revenue+revenue[k]
			want[k.aff] = row
		}
		r, err := s.CustomerReport(context.Background(), acct, q)
		if err != nil {
			t.Fatal(err)
		}
		got := map[uint64]models.CustomerRow{}
		for _, a := range r.Affiliates {
			a.Name, a.RevenuePerCustomer, a.RefundRateBP = "", 0, 0
			got[a.AffiliateID] = a
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("customers report %v of account %d\n got %+v\nwant %+v", rg, acct, got, want)
		}
	}
}
