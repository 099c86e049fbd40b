package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// reportHandlers serve the recurring revenue, retention and customer
// reports by affiliate, as JSON for the charts and as CSV.
//
// Every report takes ?from=YYYY-MM&to=YYYY-MM (UTC months, both included;
// the default is the 12 months up to this one, at most 36), and the
// recurring and retention reports ?affiliate_id= (one of the account's
// affiliates, else 404). A bad parameter is a 400 naming it. Amounts are
// minor units of the account's currency.
type reportHandlers struct {
	store *models.Store
}

// GetRecurringReport shows monthly recurring revenue (MRR) per affiliate
// and for the account:
//
//	{"currency": "USD", "from": "2026-01", "to": "2026-12",
//	 "affiliates": [{"affiliate_id": 7, "name": "Sofia",
//	   "mrr": 12000,                 // now: subscriptions active or past due
//	   "active_subscriptions": 3, "active_customers": 2,
//	   "months": [{"month": "2026-01", "new": 5000, "expansion": 1000,
//	     "contraction": -500, "churn": -2000, "reactivation": 0,
//	     "net": 3500, "mrr_end": 9000}, ...]}],   // every month of the range
//	 "total": {same fields, affiliate_id 0, name ""},
//	 "other_currencies": [{"currency": "EUR", "mrr": 900, "active_subscriptions": 1}]}
//
// Contraction and churn are negative; net is the month's sum; mrr_end is
// MRR at the month's end. Affiliates are those with a subscription, most
// MRR first; subscriptions in other currencies are only counted, apart,
// in other_currencies.
func (h *reportHandlers) GetRecurringReport(c echo.Context) error {
	r, err := h.recurring(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// GetRetentionReport shows retention by cohort, for a heat map:
//
//	{"affiliate_id": 0, "from": "2026-01", "to": "2026-12",
//	 "cohorts": [{"cohort": "2026-01", "subscriptions": 40,
//	   "months": [{"months_since": 0, "paying": 38, "share_bp": 9500}, ...]}]}
//
// A cohort is the subscriptions whose first attributed payment was in its
// month (of the range); months_since 0 is that month, and each cell says
// how many of them were paying (not churned, paused or ended) at the end
// of the month, and their share in basis points (10000 = all). A cohort's
// cells stop at the range's last month or this month.
func (h *reportHandlers) GetRetentionReport(c echo.Context) error {
	r, err := h.retention(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// GetCustomerReport shows what each affiliate's customers brought:
//
//	{"currency": "USD", "from": "2026-01", "to": "2026-12",
//	 "affiliates": [{"affiliate_id": 7, "name": "Sofia",
//	   "customers_acquired": 10,     // first order credited to it in the range
//	   "revenue": 50000,             // their orders credited to it, to date, net of refunds
//	   "revenue_per_customer": 5000, // revenue / customers_acquired
//	   "repeat_orders": 4,           // lifetime-credited orders placed in the range
//	   "sales": 60000, "refunded": 3000, // subtotal and refunded subtotal, orders of the range
//	   "refund_rate_bp": 500}],      // refunded / sales, basis points
//	 "total": {same fields, affiliate_id 0}}
//
// A customer is known by email, else by the store's customer id.
func (h *reportHandlers) GetCustomerReport(c echo.Context) error {
	r, err := h.customers(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (h *reportHandlers) recurring(c echo.Context) (*models.RecurringReport, error) {
	q, err := reportQuery(c, h.store.Now(), true)
	if err != nil {
		return nil, err
	}
	return h.store.RecurringReport(c.Request().Context(), account(c).ID, q)
}

func (h *reportHandlers) retention(c echo.Context) (*models.RetentionReport, error) {
	q, err := reportQuery(c, h.store.Now(), true)
	if err != nil {
		return nil, err
	}
	return h.store.RetentionReport(c.Request().Context(), account(c).ID, q)
}

func (h *reportHandlers) customers(c echo.Context) (*models.CustomerReport, error) {
	q, err := reportQuery(c, h.store.Now(), false)
	if err != nil {
		return nil, err
	}
	return h.store.CustomerReport(c.Request().Context(), account(c).ID, q)
}

// reportQuery reads from and to (months) and, where taken, affiliate_id.
func reportQuery(c echo.Context, now time.Time, byAffiliate bool) (models.ReportQuery, error) {
	var q models.ReportQuery
	if byAffiliate {
		id, err := queryUint(c, "affiliate_id")
		if err != nil {
			return q, err
		}
		q.AffiliateID = id
	} else if c.QueryParam("affiliate_id") != "" {
		return q, badRequest("affiliate_id is not taken by this report")
	}
	now = now.UTC()
	q.To = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"to", &q.To}, {"from", &q.From}} {
		if v := c.QueryParam(p.name); v != "" {
			t, err := time.Parse("2006-01", v)
			if err != nil {
				return q, badRequest("%s must be a month like 2026-01, not %q", p.name, v)
			}
			*p.t = t
		}
	}
	if c.QueryParam("from") == "" {
		q.From = q.To.AddDate(0, -11, 0)
	}
	switch {
	case q.From.After(q.To):
		return q, badRequest("from (%s) is after to (%s)", q.From.Format("2006-01"), q.To.Format("2006-01"))
	case q.To.AddDate(0, -models.MaxReportMonths+1, 0).After(q.From):
		return q, badRequest("from: the range is at most %d months", models.MaxReportMonths)
	}
	return q, nil
}

// ExportRecurringReport is GetRecurringReport as CSV: a line per affiliate
// and month, then the account's (affiliate_id 0, name "All affiliates").
func (h *reportHandlers) ExportRecurringReport(c echo.Context) error {
	r, err := h.recurring(c)
	if err != nil {
		return err
	}
	w := csvStart(c, "recurring", r.From, r.To)
	w.Write([]string{"affiliate_id", "name", "currency", "month", "new", "expansion", "contraction", "churn",
		"reactivation", "net", "mrr_end", "mrr_now", "active_subscriptions", "active_customers"})
	total := r.Total
	total.Name = "All affiliates"
	for _, a := range append(r.Affiliates, total) {
		for _, m := range a.Months {
			w.Write([]string{strconv.FormatUint(a.AffiliateID, 10), csvSafe(a.Name), r.Currency, m.Month,
				models.FormatMinor(m.New, r.Currency), models.FormatMinor(m.Expansion, r.Currency),
				models.FormatMinor(m.Contraction, r.Currency), models.FormatMinor(m.Churn, r.Currency),
				models.FormatMinor(m.Reactivation, r.Currency), models.FormatMinor(m.Net, r.Currency),
				models.FormatMinor(m.MRREnd, r.Currency), models.FormatMinor(a.MRR, r.Currency),
				strconv.FormatInt(a.ActiveSubscriptions, 10), strconv.FormatInt(a.ActiveCustomers, 10)})
		}
	}
	w.Flush()
	return w.Error()
}

// ExportRetentionReport is GetRetentionReport as CSV: a line per cohort
// and month since.
func (h *reportHandlers) ExportRetentionReport(c echo.Context) error {
	r, err := h.retention(c)
	if err != nil {
		return err
	}
	w := csvStart(c, "retention", r.From, r.To)
	w.Write([]string{"cohort", "subscriptions", "months_since", "paying", "share_bp"})
	for _, co := range r.Cohorts {
		for _, m := range co.Months {
			w.Write([]string{co.Cohort, strconv.FormatInt(co.Subscriptions, 10), strconv.FormatInt(m.MonthsSince, 10),
				strconv.FormatInt(m.Paying, 10), strconv.FormatInt(m.ShareBP, 10)})
		}
	}
	w.Flush()
	return w.Error()
}

// ExportCustomerReport is GetCustomerReport as CSV: a line per affiliate,
// then the account's (affiliate_id 0, name "All affiliates").
func (h *reportHandlers) ExportCustomerReport(c echo.Context) error {
	r, err := h.customers(c)
	if err != nil {
		return err
	}
	w := csvStart(c, "customers", r.From, r.To)
	w.Write([]string{"affiliate_id", "name", "currency", "customers_acquired", "revenue", "revenue_per_customer",
		"repeat_orders", "sales", "refunded", "refund_rate_bp"})
	total := r.Total
	total.Name = "All affiliates"
	for _, a := range append(r.Affiliates, total) {
		w.Write([]string{strconv.FormatUint(a.AffiliateID, 10), csvSafe(a.Name), r.Currency,
			strconv.FormatInt(a.CustomersAcquired, 10), models.FormatMinor(a.Revenue, r.Currency),
			models.FormatMinor(a.RevenuePerCustomer, r.Currency), strconv.FormatInt(a.RepeatOrders, 10),
			models.FormatMinor(a.Sales, r.Currency), models.FormatMinor(a.Refunded, r.Currency),
			strconv.FormatInt(a.RefundRateBP, 10)})
	}
	w.Flush()
	return w.Error()
}

// csvStart sends the headers of a CSV download named after the report
// and its months.
func csvStart(c echo.Context, name, from, to string) *csv.Writer {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%s-%s.csv"`, name, from, to))
	res.WriteHeader(http.StatusOK)
	return csv.NewWriter(res)
}
