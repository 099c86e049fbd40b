package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// listShop is an account whose three affiliates have known results:
// Ann sells most, Bob has the largest balance, Cy has nothing.
type listShop struct {
	acct           *models.Account
	ann, bob, cy   *models.Affiliate
	annCodes       []string
	otherAccount   *models.Account
	otherAffiliate *models.Affiliate
}

func newListShop(t *testing.T, s *models.Store) *listShop {
	t.Helper()
	ctx := context.Background()
	acct := opsAccount(t, s, "List shop")
	conn, err := s.APIConnection(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	ls := &listShop{acct: acct}
	ls.ann = opsAffiliate(t, s, acct.ID, "ann Lee", "ann@example.com")
	ls.bob = opsAffiliate(t, s, acct.ID, "Bob Marsh", "bob@example.com")
	ls.cy = opsAffiliate(t, s, acct.ID, "Cy Young", "cy@shop.example")
	for _, c := range []string{"ANN10", "ANN20", "ANN30"} {
		mustCreate(t, s, &models.Code{AccountID: acct.ID, Code: c, Normalized: models.NormalizeCode(c), Source: models.SourceManual,
			AffiliateID: &ls.ann.ID, Active: true, DiscountType: models.DiscountPercentage, DiscountValue: 1000})
	}
	mustCreate(t, s, &models.Code{AccountID: acct.ID, Code: "ANNOLD", Normalized: "ANNOLD", Source: models.SourceManual,
		AffiliateID: &ls.ann.ID, Active: false, DiscountType: models.DiscountPercentage, DiscountValue: 1000})
	mustCreate(t, s, &models.Code{AccountID: acct.ID, Code: "BOB5", Normalized: "BOB5", Source: models.SourceManual,
		AffiliateID: &ls.bob.ID, Active: true, DiscountType: models.DiscountPercentage, DiscountValue: 500})
	ls.annCodes = []string{"ANN10", "ANN20"}
	now := time.Now().UTC()
	n := 0
	conv := func(aff *models.Affiliate, currency, status string, subtotal, refunded int64) {
		n++
		mustCreate(t, s, &models.Conversion{AccountID: acct.ID, ConnectionID: conn.ID, ExternalOrderID: fmt.Sprint("o", n),
			AffiliateID: &aff.ID, Code: "X", Currency: currency, Subtotal: subtotal, RefundedSubtotal: refunded,
			Commission: subtotal / 10, Status: models.ConversionStatus(status), PlacedAt: now, ApproveAt: now})
	}
	conv(ls.ann, "USD", models.ConversionPending, 10000, 0)
	conv(ls.ann, "USD", models.ConversionApproved, 5000, 1000) // partly refunded: counts, net 4000
	conv(ls.ann, "USD", models.ConversionReversed, 9000, 9000) // fully refunded: not counted
	conv(ls.ann, "USD", models.ConversionFlagged, 7000, 0)     // self-referral: not counted
	conv(ls.ann, "EUR", models.ConversionPending, 8000, 0)     // another currency: not in USD sales
	conv(ls.bob, "USD", models.ConversionPaid, 3000, 0)
	entry := func(aff *models.Affiliate, kind, status, currency string, amount int64) {
		n++
		key := fmt.Sprint("k", n)
		mustCreate(t, s, &models.LedgerEntry{AccountID: acct.ID, AffiliateID: aff.ID, Kind: kind, Amount: amount,
			Currency: currency, Status: models.LedgerStatus(status), AvailableAt: now, DedupKey: &key})
	}
	entry(ls.ann, models.EntryAccrual, models.EntryPending, "USD", 1000)
	entry(ls.ann, models.EntryAccrual, models.EntryApproved, "USD", 500)
	entry(ls.ann, models.EntryReversal, models.EntryApproved, "USD", -100)
	entry(ls.ann, models.EntryAccrual, models.EntryPending, "EUR", 800)
	entry(ls.bob, models.EntryAccrual, models.EntryPending, "USD", 700)
	entry(ls.bob, models.EntryAccrual, models.EntryApproved, "USD", 2000)
	entry(ls.bob, models.EntryAccrual, models.EntryPaid, "USD", 300)
	entry(ls.bob, models.EntryPayout, models.EntryPaid, "USD", -300)
	ls.otherAccount = opsAccount(t, s, "Other shop")
	ls.otherAffiliate = opsAffiliate(t, s, ls.otherAccount.ID, "Ann Other", "ann@other.example")
	return ls
}

func listNames(rows []models.AffiliateRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return out
}

func TestListAffiliateRows(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		ls := newListShop(t, s)
		rows, total, err := s.ListAffiliateRows(ctx, ls.acct.ID, models.AffiliateListFilter{Sort: "name", Dir: "asc"})
		if err != nil || total != 3 {
			t.Fatalf("list: %d rows, total %d, %v", len(rows), total, err)
		}
		ann, bob, cy := rows[0], rows[1], rows[2]
		if ann.ID != ls.ann.ID || bob.ID != ls.bob.ID || cy.ID != ls.cy.ID {
			t.Fatalf("by name asc (ignoring case): %v", listNames(rows))
		}
		if ann.Orders != 2 || ann.Sales != 14000 || ann.Pending != 1000 || ann.Payable != 400 || ann.Currency != "USD" {
			t.Errorf("Ann: orders %d sales %d pending %d payable %d %s; want 2, 14000, 1000, 400 USD",
				ann.Orders, ann.Sales, ann.Pending, ann.Payable, ann.Currency)
		}
		if ann.CodeCount != 3 || !slices.Equal(ann.Codes, ls.annCodes) {
			t.Errorf("Ann's codes: %d %v, want 3 active, first ANN10 ANN20", ann.CodeCount, ann.Codes)
		}
		if bob.Orders != 1 || bob.Sales != 3000 || bob.Pending != 700 || bob.Payable != 2000 || bob.CodeCount != 1 || !slices.Equal(bob.Codes, []string{"BOB5"}) {
			t.Errorf("Bob: %+v", bob)
		}
		if cy.Orders != 0 || cy.Sales != 0 || cy.Pending != 0 || cy.CodeCount != 0 || cy.Codes == nil {
			t.Errorf("Cy: %+v", cy)
		}

		tests := []struct {
			name string
			f    models.AffiliateListFilter
			want []string
		}{
			{"newest first by default", models.AffiliateListFilter{}, []string{"Cy Young", "Bob Marsh", "ann Lee"}},
			{"sales desc", models.AffiliateListFilter{Sort: "sales", Dir: "desc"}, []string{"ann Lee", "Bob Marsh", "Cy Young"}},
			{"sales asc", models.AffiliateListFilter{Sort: "sales", Dir: "asc"}, []string{"Cy Young", "Bob Marsh", "ann Lee"}},
			{"balance desc", models.AffiliateListFilter{Sort: "balance", Dir: "desc"}, []string{"Bob Marsh", "ann Lee", "Cy Young"}},
			{"orders desc", models.AffiliateListFilter{Sort: "orders"}, []string{"ann Lee", "Bob Marsh", "Cy Young"}},
			{"name desc", models.AffiliateListFilter{Sort: "name", Dir: "desc"}, []string{"Cy Young", "Bob Marsh", "ann Lee"}},
			{"created asc", models.AffiliateListFilter{Sort: "created", Dir: "asc"}, []string{"ann Lee", "Bob Marsh", "Cy Young"}},
			{"search email, sorted by sales", models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Q: "EXAMPLE.com"}, Sort: "sales"}, []string{"ann Lee", "Bob Marsh"}},
			{"search name", models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Q: "young"}}, []string{"Cy Young"}},
			{"ids", models.AffiliateListFilter{IDs: []uint64{ls.ann.ID, ls.cy.ID, ls.otherAffiliate.ID}, Sort: "name", Dir: "asc"}, []string{"ann Lee", "Cy Young"}},
			{"page 2 by sales", models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Page: 2, PerPage: 2}, Sort: "sales"}, []string{"Cy Young"}},
			{"page 2 by name", models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Page: 2, PerPage: 2}, Sort: "name", Dir: "asc"}, []string{"Cy Young"}},
		}
		for _, tc := range tests {
			rows, _, err := s.ListAffiliateRows(ctx, ls.acct.ID, tc.f)
			if err != nil || !slices.Equal(listNames(rows), tc.want) {
				t.Errorf("%s: %v, %v; want %v", tc.name, listNames(rows), err, tc.want)
			}
		}

		if _, _, err := s.SetAffiliatesStatus(ctx, ls.acct.ID, []uint64{ls.bob.ID}, models.AffiliateDisabled); err != nil {
			t.Fatal(err)
		}
		rows, total, err = s.ListAffiliateRows(ctx, ls.acct.ID, models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Status: "disabled"}})
		if err != nil || total != 1 || rows[0].ID != ls.bob.ID {
			t.Fatalf("status=disabled: %v total %d, %v", listNames(rows), total, err)
		}
		rows, total, err = s.ListAffiliateRows(ctx, ls.acct.ID, models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Page: 9, PerPage: 2}})
		if err != nil || len(rows) != 0 || total != 3 {
			t.Fatalf("past the end: %d rows, total %d, %v; want none of 3", len(rows), total, err)
		}
	})
}

func TestListAffiliateRowsRefusesBadInput(t *testing.T) {
	s := testdb.Postgres(t)
	acct := opsAccount(t, s, "Shop")
	for _, tc := range []struct {
		f     models.AffiliateListFilter
		field string
	}{
		{models.AffiliateListFilter{Sort: "commission"}, "sort"},
		{models.AffiliateListFilter{Sort: "name; DROP TABLE affiliates"}, "sort"},
		{models.AffiliateListFilter{Dir: "up"}, "dir"},
		{models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Status: "gone"}}, "status"},
		{models.AffiliateListFilter{IDs: make([]uint64, 1001)}, "ids"},
	} {
		_, _, err := s.ListAffiliateRows(context.Background(), acct.ID, tc.f)
		var fe *models.FieldError
		if !errors.Is(err, models.ErrInvalid) || !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: %v, want invalid %s", tc.f, err, tc.field)
		}
	}
}
