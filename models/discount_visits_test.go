package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// The discount report joins each code's link visits over the range's
// days: a conversion rate per code and level, a visited code without
// orders gets its row, and another account's visits stay out.
func TestDiscountReportJoinsLinkVisits(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, 10)
		shop, conn := discountAccount(t, s, "Shop")
		other, _ := discountAccount(t, s, "Other")
		jane := models.Affiliate{AccountID: shop.ID, Name: "Jane", Email: "jane@example.com", Status: models.AffiliateActive}
		mustCreate(t, s, &jane)
		code := func(acct uint64, name string, bp int64) uint64 {
			c := models.Code{AccountID: acct, Code: name, Normalized: name, Source: models.SourceManual, Active: true,
				AffiliateID: &jane.ID, DiscountType: models.DiscountPercentage, DiscountValue: bp}
			mustCreate(t, s, &c)
			return c.ID
		}
		ten, twenty, quiet := code(shop.ID, "TEN", 1000), code(shop.ID, "TWENTY", 2000), code(shop.ID, "QUIET", 2000)
		theirs := code(other.ID, "THEIRS", 1000)
		for i, id := range []uint64{ten, ten, twenty} {
			mustCreate(t, s, &models.Conversion{AccountID: shop.ID, ConnectionID: conn, ExternalOrderID: string(rune('a' + i)),
				AffiliateID: &jane.ID, CodeID: &id, Currency: "USD", Subtotal: 5000, Commission: 500,
				Status: models.ConversionPending, PlacedAt: from.Add(time.Hour), ApproveAt: from})
		}
		links, err := s.EnsureLinks(ctx, shop.ID, []uint64{ten, twenty, quiet})
		if err != nil {
			t.Fatal(err)
		}
		theirLinks, err := s.EnsureLinks(ctx, other.ID, []uint64{theirs})
		if err != nil {
			t.Fatal(err)
		}
		err = s.AddLinkVisits(ctx, []models.LinkVisits{
			{AccountID: shop.ID, LinkID: links[ten].ID, Day: from, Visits: 30},
			{AccountID: shop.ID, LinkID: links[ten].ID, Day: to.AddDate(0, 0, -1), Visits: 10},
			{AccountID: shop.ID, LinkID: links[ten].ID, Day: to, Visits: 500}, // after the range
			{AccountID: shop.ID, LinkID: links[twenty].ID, Day: from, Visits: 4},
			{AccountID: other.ID, LinkID: theirLinks[theirs].ID, Day: from, Visits: 900},
		})
		if err != nil {
			t.Fatal(err)
		}

		r, err := s.DiscountReport(ctx, shop.ID, from, to, "")
		if err != nil {
			t.Fatal(err)
		}
		visits, err := s.DiscountVisits(ctx, shop.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		r.JoinVisits(visits)
		got := map[string]string{}
		for _, c := range r.Codes {
			got[c.Code] = visitFigures(c.DiscountFigures)
		}
		want := map[string]string{
			"TEN":    "2 orders / 40 visits = 0.0500", // 30 + 10; the day after the range is out
			"TWENTY": "1 orders / 4 visits = 0.2500",
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s, want %s", k, got[k], w)
			}
		}
		if _, ok := got["QUIET"]; ok {
			t.Errorf("a code with neither visits nor orders got a row: %v", got)
		}
		if len(got) != 2 {
			t.Errorf("rows %v, want TEN and TWENTY only (another account's visits stay out)", got)
		}
		if f := visitFigures(r.Total); f != "3 orders / 44 visits = 0.0682" {
			t.Errorf("total: %s", f)
		}

		// Visits alone make a row: TWENTY's orders are refunded away.
		if err := s.DB().Model(&models.Conversion{}).Where("code_id = ?", twenty).
			Updates(map[string]any{"status": models.ConversionReversed, "refunded_subtotal": 5000, "reversed_commission": 500}).Error; err != nil {
			t.Fatal(err)
		}
		r, _ = s.DiscountReport(ctx, shop.ID, from, to, "")
		r.JoinVisits(visits)
		for _, c := range r.Codes {
			if c.Code == "TWENTY" && visitFigures(c.DiscountFigures) != "0 orders / 4 visits = 0.0000" {
				t.Errorf("visited code without orders: %s", visitFigures(c.DiscountFigures))
			}
		}

		none, err := s.DiscountVisits(ctx, shop.ID, to.AddDate(0, 0, 5), to.AddDate(0, 0, 6))
		if err != nil || len(none) != 0 {
			t.Errorf("a range without visits: %v, %v", none, err)
		}
	})
}

func visitFigures(f models.DiscountFigures) string {
	v, rate := int64(-1), -1.0
	if f.Visits != nil {
		v = *f.Visits
	}
	if f.ConversionRate != nil {
		rate = *f.ConversionRate
	} else if v == 0 {
		rate = 0
	}
	return fmt.Sprintf("%d orders / %d visits = %.4f", f.Orders, v, rate)
}
