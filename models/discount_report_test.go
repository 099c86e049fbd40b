package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

func TestDiscountReport(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 1, 0)
		in := from.Add(36 * time.Hour)

		shop, shopConn := discountAccount(t, s, "Shop")
		other, otherConn := discountAccount(t, s, "Other")
		jane := models.Affiliate{AccountID: shop.ID, Name: "Jane", Email: "jane@example.com", Status: models.AffiliateActive}
		mustCreate(t, s, &jane)
		theirs := models.Affiliate{AccountID: other.ID, Name: "Theirs", Email: "t@example.com", Status: models.AffiliateActive}
		mustCreate(t, s, &theirs)
		code := func(acct uint64, aff *uint64, name, typ string, value int64, cur string) uint64 {
			c := models.Code{AccountID: acct, Code: name, Normalized: name, Source: models.SourceManual, Active: true,
				AffiliateID: aff, DiscountType: typ, DiscountValue: value, Currency: cur}
			mustCreate(t, s, &c)
			return c.ID
		}
		p10 := code(shop.ID, &jane.ID, "TEN", models.DiscountPercentage, 1000, "")
		p10b := code(shop.ID, nil, "TENTOO", models.DiscountPercentage, 1000, "")
		p20 := code(shop.ID, &jane.ID, "TWENTY", models.DiscountPercentage, 2000, "")
		f5 := code(shop.ID, &jane.ID, "FIVE", models.DiscountFixedAmount, 500, "USD")
		gone := code(shop.ID, &jane.ID, "GONE", models.DiscountPercentage, 5000, "")
		gone2 := code(shop.ID, &jane.ID, "GONE2", models.DiscountPercentage, 3000, "")
		theirCode := code(other.ID, &theirs.ID, "THEIRS", models.DiscountPercentage, 9000, "")

		n := 0
		conv := func(acct, conn, aff, codeID uint64, cur string, sub, refunded int64, status string, at time.Time) {
			n++
			mustCreate(t, s, &models.Conversion{AccountID: acct, ConnectionID: conn, ExternalOrderID: fmt.Sprint(n),
				AffiliateID: &aff, CodeID: &codeID, Currency: cur, Subtotal: sub, RefundedSubtotal: refunded,
				Commission: sub / 10, ReversedCommission: refunded / 10, Status: models.ConversionStatus(status),
				PlacedAt: at, ApproveAt: at})
		}
		conv(shop.ID, shopConn, jane.ID, p10, "USD", 10000, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, jane.ID, p10b, "USD", 5001, 0, models.ConversionApproved, in)
		conv(shop.ID, shopConn, jane.ID, p10, "USD", 3000, 1000, models.ConversionPending, in) // partly refunded
		conv(shop.ID, shopConn, jane.ID, p20, "USD", 1001, 0, models.ConversionPaid, in)
		conv(shop.ID, shopConn, jane.ID, p20, "USD", 2000, 0, models.ConversionPending, to.Add(-time.Second))
		conv(shop.ID, shopConn, jane.ID, f5, "USD", 7000, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, jane.ID, f5, "EUR", 4000, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, jane.ID, gone, "USD", 6000, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, jane.ID, gone2, "USD", 1000, 0, models.ConversionPending, in)
		// Left out: flagged, fully refunded, outside the range, another account's.
		conv(shop.ID, shopConn, jane.ID, p10, "USD", 4000, 0, models.ConversionFlagged, in)
		conv(shop.ID, shopConn, jane.ID, p20, "USD", 8000, 8000, models.ConversionReversed, in)
		conv(shop.ID, shopConn, jane.ID, p20, "USD", 8000, 8000, models.ConversionReversed, in.Add(time.Hour))
		conv(shop.ID, shopConn, jane.ID, p10, "USD", 90000, 0, models.ConversionPending, from.Add(-time.Second))
		conv(shop.ID, shopConn, jane.ID, p10, "USD", 90000, 0, models.ConversionPending, to)
		conv(other.ID, otherConn, theirs.ID, theirCode, "USD", 90000, 0, models.ConversionPending, in)
		for _, id := range []uint64{gone, gone2} {
			if err := s.DB().Delete(&models.Code{}, id).Error; err != nil {
				t.Fatal(err)
			}
		}

		t.Run("per code and per discount level, flagged and refunded orders left out and counted", func(t *testing.T) {
			r, err := s.DiscountReport(ctx, shop.ID, from, to, "")
			if err != nil {
				t.Fatal(err)
			}
			wantCodes := []string{
				"TEN Jane percentage/1000: 2 orders, 12000 sales, 6000 avg, 1200 commission",
				"(removed) - removed: 2 orders, 7000 sales, 3500 avg, 700 commission",
				"FIVE Jane fixed_amount/500/USD: 1 orders, 7000 sales, 7000 avg, 700 commission",
				"TENTOO - percentage/1000: 1 orders, 5001 sales, 5001 avg, 500 commission",
				"TWENTY Jane percentage/2000: 2 orders, 3001 sales, 1500 avg, 300 commission", // 1500.5 half to even
			}
			if got := codeLines(r.Codes); strings.Join(got, "\n") != strings.Join(wantCodes, "\n") {
				t.Fatalf("codes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantCodes, "\n"))
			}
			wantLevels := []string{
				"fixed_amount/500/USD (1 codes): 1 orders, 7000 sales, 7000 avg, 700 commission",
				"percentage/1000 (2 codes): 3 orders, 17001 sales, 5667 avg, 1700 commission",
				"percentage/2000 (1 codes): 2 orders, 3001 sales, 1500 avg, 300 commission",
				"removed (1 codes): 2 orders, 7000 sales, 3500 avg, 700 commission",
			}
			if got := levelLines(r.Levels); strings.Join(got, "\n") != strings.Join(wantLevels, "\n") {
				t.Fatalf("levels:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLevels, "\n"))
			}
			if r.Currency != "USD" || strings.Join(r.Currencies, ",") != "EUR,USD" || r.Flagged != 1 || r.Refunded != 2 {
				t.Fatalf("report = %s %v, %d flagged, %d refunded", r.Currency, r.Currencies, r.Flagged, r.Refunded)
			}
			if r.Total.Orders != 8 || r.Total.Sales != 34002 || r.Total.Commission != 3400 || r.Total.Average != 4250 {
				t.Fatalf("total = %+v", r.Total)
			}
			b, _ := json.Marshal(r.Codes[0])
			if strings.Contains(string(b), "visits") || strings.Contains(string(b), "conversion_rate") {
				t.Fatalf("visits shown before they exist: %s", b)
			}
		})

		t.Run("another currency, and a range cut inside days", func(t *testing.T) {
			r, err := s.DiscountReport(ctx, shop.ID, from, to, "eur")
			if err != nil {
				t.Fatal(err)
			}
			if got := codeLines(r.Codes); len(got) != 1 || got[0] != "FIVE Jane fixed_amount/500/USD: 1 orders, 4000 sales, 4000 avg, 400 commission" {
				t.Fatalf("EUR codes = %v", got)
			}
			// From the middle of day two to the middle of the last day:
			// the orders at 12:00 on day two and the last second drop out.
			r, err = s.DiscountReport(ctx, shop.ID, in.Add(time.Minute), to.Add(-time.Hour), "USD")
			if err != nil {
				t.Fatal(err)
			}
			if r.Total.Orders != 0 || r.Refunded != 1 || len(r.Codes) != 0 || len(r.Levels) != 0 {
				t.Fatalf("cut range = %+v", r)
			}
		})

		t.Run("another account sees none of it; bad input is refused", func(t *testing.T) {
			r, err := s.DiscountReport(ctx, other.ID, from, to, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := codeLines(r.Codes); len(got) != 1 || !strings.HasPrefix(got[0], "THEIRS Theirs") || r.Flagged+r.Refunded != 0 {
				t.Fatalf("other account = %v", got)
			}
			for _, c := range []struct {
				from, to time.Time
				cur      string
			}{{to, from, ""}, {from, from, ""}, {from, to, "DOLLARS"}} {
				if _, err := s.DiscountReport(ctx, shop.ID, c.from, c.to, c.cur); !errors.Is(err, models.ErrInvalid) {
					t.Fatalf("%v..%v %q: %v", c.from, c.to, c.cur, err)
				}
			}
		})

		t.Run("visits joined later give conversion rates per code, level and total", func(t *testing.T) {
			r, err := s.DiscountReport(ctx, shop.ID, from, to, "")
			if err != nil {
				t.Fatal(err)
			}
			twenty := models.Discount{DiscountType: ptr(models.DiscountPercentage), DiscountValue: ptr(int64(2000))}
			r.JoinVisits([]models.CodeVisits{
				{CodeRef: models.CodeRef{CodeID: p10}, Visits: 40},
				{CodeRef: models.CodeRef{CodeID: p10b}, Visits: 10},
				{CodeRef: models.CodeRef{CodeID: 999999, Code: "NEW20", Discount: twenty}, Visits: 30},
			})
			rates := map[string]string{}
			for _, l := range r.Levels {
				rates[levelLines([]models.DiscountLevelRow{l})[0][:15]] = rate(l.DiscountFigures)
			}
			want := map[string]string{"percentage/1000": "50 visits 6.00%", "percentage/2000": "30 visits 6.67%",
				"fixed_amount/50": "0 visits -", "removed (1 code": "0 visits -"}
			if fmt.Sprint(rates) != fmt.Sprint(want) {
				t.Fatalf("level rates = %v, want %v", rates, want)
			}
			if rate(r.Total) != "80 visits 10.00%" || len(r.Codes) != 6 {
				t.Fatalf("total %s over %d codes", rate(r.Total), len(r.Codes))
			}
		})
	})
}

func rate(f models.DiscountFigures) string {
	v, r := "nil", "-"
	if f.Visits != nil {
		v = fmt.Sprint(*f.Visits)
	}
	if f.ConversionRate != nil {
		r = fmt.Sprintf("%.2f%%", 100**f.ConversionRate)
	}
	return v + " visits " + r
}

func discountLabel(d models.Discount) string {
	if d.DiscountType == nil {
		return "removed"
	}
	s := fmt.Sprintf("%s/%d", *d.DiscountType, *d.DiscountValue)
	if d.DiscountCurrency != nil {
		s += "/" + *d.DiscountCurrency
	}
	return s
}

func figures(f models.DiscountFigures) string {
	return fmt.Sprintf("%d orders, %d sales, %d avg, %d commission", f.Orders, f.Sales, f.Average, f.Commission)
}

func codeLines(rows []models.DiscountCodeRow) []string {
	out := []string{}
	for _, r := range rows {
		name, aff := r.Code, r.Affiliate
		if name == "" {
			name = "(removed)"
		}
		if aff == "" {
			aff = "-"
		}
		out = append(out, fmt.Sprintf("%s %s %s: %s", name, aff, discountLabel(r.Discount), figures(r.DiscountFigures)))
	}
	return out
}

func levelLines(rows []models.DiscountLevelRow) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s (%d codes): %s", discountLabel(r.Discount), r.Codes, figures(r.DiscountFigures)))
	}
	return out
}
