package models

import (
	"context"
	"sort"
)

// CustomerReport returns, per affiliate with orders credited to it in q's
// months (in the account's currency), the customers whose first order
// credited to it was in q and what all their orders credited to it
// brought to date, its lifetime-credited orders in q, and its refund
// rate over q's orders. The total sums the affiliates (a customer
// brought by two counts twice).
func (s *Store) CustomerReport(ctx context.Context, accountID uint64, q ReportQuery) (*CustomerReport, error) {
	acct, err := s.checkReport(ctx, accountID, &q)
	if err != nil {
		return nil, wrapErr("customer report", err)
	}
	r := &CustomerReport{Currency: acct.Currency, From: q.From.Format("2006-01"), To: q.To.Format("2006-01"), Affiliates: []CustomerRow{}}
	var inRange []CustomerRow
	err = s.db.WithContext(ctx).Raw("SELECT affiliate_id, SUM(repeat_orders) AS repeat_orders, SUM(sales) AS sales, "+
		"SUM(refunded) AS refunded FROM affiliate_months WHERE account_id = ? AND currency = ? AND month >= ? AND month <= ? "+
		"GROUP BY affiliate_id HAVING SUM(orders) > 0", acct.ID, acct.Currency, r.From, r.To).Scan(&inRange).Error
	if err != nil {
		return nil, wrapErr("customer report", err)
	}
	var acquired []struct {
		AffiliateID uint64
		Customers   int64
		Revenue     int64
	}
	err = s.db.WithContext(ctx).Raw("SELECT affiliate_id, COUNT(*) AS customers, SUM(revenue) AS revenue FROM affiliate_customers "+
		"WHERE account_id = ? AND currency = ? AND first_at >= ? AND first_at < ? GROUP BY affiliate_id",
		acct.ID, acct.Currency, q.From, q.To.AddDate(0, 1, 0)).Scan(&acquired).Error
	if err != nil {
		return nil, wrapErr("customer report", err)
	}
	rows := map[uint64]*CustomerRow{}
	for i := range inRange {
		rows[inRange[i].AffiliateID] = &inRange[i]
	}
	for _, a := range acquired {
		if rows[a.AffiliateID] == nil {
			rows[a.AffiliateID] = &CustomerRow{AffiliateID: a.AffiliateID}
		}
		rows[a.AffiliateID].CustomersAcquired, rows[a.AffiliateID].Revenue = a.Customers, a.Revenue
	}
	ids := make([]uint64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	names, err := s.AffiliatesByIDs(ctx, accountID, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		a := rows[id]
		a.Name = names[id].Name
		ratios(a)
		r.Affiliates = append(r.Affiliates, *a)
		t := &r.Total
		t.CustomersAcquired, t.Revenue, t.RepeatOrders = t.CustomersAcquired+a.CustomersAcquired, t.Revenue+a.Revenue, t.RepeatOrders+a.RepeatOrders
		t.Sales, t.Refunded = t.Sales+a.Sales, t.Refunded+a.Refunded
	}
	ratios(&r.Total)
	sort.Slice(r.Affiliates, func(i, j int) bool {
		a, b := r.Affiliates[i], r.Affiliates[j]
		return a.Revenue > b.Revenue || (a.Revenue == b.Revenue && a.AffiliateID < b.AffiliateID)
	})
	return r, nil
}

// ratios fills in a row's revenue per customer and refund rate.
func ratios(a *CustomerRow) {
	if a.CustomersAcquired > 0 {
		a.RevenuePerCustomer = a.Revenue / a.CustomersAcquired
	}
	if a.Sales > 0 {
		a.RefundRateBP = a.Refunded * 10000 / a.Sales
	}
}
