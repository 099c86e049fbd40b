package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

func TestDiscountSummary(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 1, 0)
		in := from.Add(36 * time.Hour)

		shop, shopConn := discountAccount(t, s, "Shop")
		other, otherConn := discountAccount(t, s, "Other")
		code := func(acct uint64, name, typ string, value int64, cur string) uint64 {
			c := models.Code{AccountID: acct, Code: name, Normalized: name, Source: models.SourceManual, Active: true,
				DiscountType: typ, DiscountValue: value, Currency: cur}
			mustCreate(t, s, &c)
			return c.ID
		}
		p10 := code(shop.ID, "TEN", models.DiscountPercentage, 1000, "")
		p10b := code(shop.ID, "TENTOO", models.DiscountPercentage, 1000, "")
		p20 := code(shop.ID, "TWENTY", models.DiscountPercentage, 2000, "")
		f5 := code(shop.ID, "FIVE", models.DiscountFixedAmount, 500, "USD")
		ship := code(shop.ID, "SHIP", models.DiscountFreeShipping, 0, "")
		gone := code(shop.ID, "GONE", models.DiscountPercentage, 5000, "")
		if err := s.DB().Delete(&models.Code{}, gone).Error; err != nil {
			t.Fatal(err)
		}
		foreign := code(other.ID, "THEIRS", models.DiscountPercentage, 9000, "")

		n := 0
		conv := func(acct, conn, codeID uint64, cur string, sub, refunded int64, status string, at time.Time) {
			n++
			mustCreate(t, s, &models.Conversion{AccountID: acct, ConnectionID: conn, ExternalOrderID: fmt.Sprint(n),
				CodeID: &codeID, Currency: cur, Subtotal: sub, RefundedSubtotal: refunded, Status: models.ConversionStatus(status),
				PlacedAt: at, ApproveAt: at})
		}
		conv(shop.ID, shopConn, p10, "USD", 10000, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, p10b, "USD", 5001, 0, models.ConversionApproved, in)
		conv(shop.ID, shopConn, p10, "USD", 3000, 1000, models.ConversionPending, in) // partly refunded
		conv(shop.ID, shopConn, p20, "USD", 1001, 0, models.ConversionPaid, in)
		conv(shop.ID, shopConn, p20, "USD", 2000, 0, models.ConversionPending, to.Add(-time.Second))
		conv(shop.ID, shopConn, f5, "USD", 7000, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, f5, "EUR", 4000, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, ship, "USD", 2500, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, gone, "USD", 6000, 0, models.ConversionPending, in)
		conv(shop.ID, shopConn, foreign, "USD", 1000, 0, models.ConversionPending, in) // another account's code: not this one's discount
		// Not counted: a flagged self-referral, a fully refunded order,
		// unattributed, outside the window, another account's.
		conv(shop.ID, shopConn, ship, "USD", 4000, 0, models.ConversionFlagged, in)
		conv(shop.ID, shopConn, p20, "USD", 8000, 8000, models.ConversionReversed, in)
		conv(shop.ID, shopConn, p10, "USD", 90000, 0, models.ConversionUnattributed, in)
		conv(shop.ID, shopConn, p10, "USD", 90000, 0, models.ConversionPending, from.Add(-time.Second))
		conv(shop.ID, shopConn, p10, "USD", 90000, 0, models.ConversionPending, to)
		conv(other.ID, otherConn, foreign, "USD", 90000, 0, models.ConversionPending, in)
		conv(other.ID, otherConn, p10, "USD", 90000, 0, models.ConversionPending, in)

		t.Run("the account's summary groups its counted orders by discount, a removed code as removed", func(t *testing.T) {
			rows, err := s.DiscountSummary(ctx, shop.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"percentage 1000 - USD: 3 orders, 17001 revenue, 5667 average",
				"removed - - USD: 2 orders, 7000 revenue, 3500 average",
				"percentage 2000 - USD: 2 orders, 3001 revenue, 1500 average", // 1500.5 rounds half to even
				"fixed_amount 500 USD USD: 1 orders, 7000 revenue, 7000 average",
				"fixed_amount 500 USD EUR: 1 orders, 4000 revenue, 4000 average",
				"free_shipping 0 - USD: 1 orders, 2500 revenue, 2500 average",
			}
			if got := discountRows(rows); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})

		t.Run("another account's summary counts its own orders only, the shop's code as removed", func(t *testing.T) {
			rows, err := s.DiscountSummary(ctx, other.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"percentage 9000 - USD: 1 orders, 90000 revenue, 90000 average",
				"removed - - USD: 1 orders, 90000 revenue, 90000 average", // the shop's code is not the other's
			}
			if got := discountRows(rows); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("other account's rows:\n%s", strings.Join(got, "\n"))
			}
		})

		t.Run("an order placed at the end of the window counts in the next one", func(t *testing.T) {
			if rows, err := s.DiscountSummary(ctx, shop.ID, to, to.AddDate(0, 0, 1)); err != nil || len(rows) != 1 {
				t.Fatalf("the day after: %v, %v", discountRows(rows), err)
			}
		})
	})
}

func discountAccount(t *testing.T, s *models.Store, name string) (*models.Account, uint64) {
	t.Helper()
	a, err := s.CreateAccount(context.Background(), name, "", "USD")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.APIConnection(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a, conn.ID
}

func discountRows(rows []models.DiscountSummary) []string {
	out := []string{}
	for _, r := range rows {
		typ, value, cur := "removed", "-", "-"
		if r.DiscountType != nil {
			typ = *r.DiscountType
		}
		if r.DiscountValue != nil {
			value = fmt.Sprint(*r.DiscountValue)
		}
		if r.DiscountCurrency != nil {
			cur = *r.DiscountCurrency
		}
		out = append(out, fmt.Sprintf("%s %s %s %s: %d orders, %d revenue, %d average", typ, value, cur, r.Currency, r.Orders, r.Revenue, r.Average))
	}
	return out
}
