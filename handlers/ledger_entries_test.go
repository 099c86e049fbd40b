package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// ledgerPage is a page of GET /api/v1/ledger.
type ledgerPage struct {
	Entries    []ledgerEntryJSON `json:"entries"`
	NextCursor string            `json:"next_cursor"`
}

// ledgerEntryJSON is one entry of GET /api/v1/ledger.
type ledgerEntryJSON struct {
	ID           uint64  `json:"id"`
	AffiliateID  uint64  `json:"affiliate_id"`
	Kind         string  `json:"kind"`
	Amount       int64   `json:"amount"`
	Currency     string  `json:"currency"`
	ConversionID *uint64 `json:"conversion_id"`
	PayoutID     *uint64 `json:"payout_id"`
	Memo         string  `json:"memo"`
	CreatedAt    string  `json:"created_at"`
}

// readLedger pages through GET /api/v1/ledger?query with limit per page and
// returns the entry ids in the order served.
func readLedger(v *env, key, query string, limit int) []uint64 {
	v.t.Helper()
	var ids []uint64
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			v.t.Fatal("the ledger never ends")
		}
		var p ledgerPage
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/ledger?limit=%d&cursor=%s&%s", limit, url.QueryEscape(cursor), query), key, nil, &p)
		if len(p.Entries) > limit {
			v.t.Fatalf("page of %d entries, limit %d", len(p.Entries), limit)
		}
		for _, e := range p.Entries {
			if e.Kind == "" || e.Currency != "USD" || e.CreatedAt == "" {
				v.t.Fatalf("entry %+v lacks its kind, currency or date", e)
			}
			ids = append(ids, e.ID)
		}
		if p.NextCursor == "" {
			return ids
		}
		cursor = p.NextCursor
	}
}

// entryIDs lists the ledger entries matching where, in id order, from the database.
func entryIDs(t *testing.T, s *models.Store, where string, args ...any) []uint64 {
	t.Helper()
	var ids []uint64
	if err := s.DB().Model(&models.LedgerEntry{}).Where(where, args...).Order("id").Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestLedgerEntriesArePagedPerAffiliateConversionAndPayout(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	shop, other := v.tenant("Shop"), v.tenant("Other")
	jane, mike := addCode(t, v.store, shop.acct.ID, "JANE15"), addCode(t, v.store, shop.acct.ID, "MIKE10")
	addCode(t, v.store, other.acct.ID, "OTHER5")
	conn, _ := v.store.APIConnection(ctx, shop.acct.ID)
	otherConn, _ := v.store.APIConnection(ctx, other.acct.ID)
	placed := time.Date(2025, 1, 10, 10, 0, 0, 0, time.UTC)
	book := func(connID uint64, id, code string) *models.Conversion {
		conv, err := v.store.AttributeOrder(ctx, connID, platforms.Order{ExternalID: id, Codes: []string{code}, Currency: "USD",
			Subtotal: 10000, Total: 10000, PlacedAt: placed})
		if err != nil {
			t.Fatal(err)
		}
		return conv
	}
	refund := func(order, id string) {
		if err := v.store.ReverseRefund(ctx, conn.ID, platforms.Refund{ExternalID: id, OrderExternalID: order, Currency: "USD",
			Subtotal: 2500, CreatedAt: placed.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	first := book(conn.ID, "1", "JANE15")
	for i := 2; i <= 7; i++ {
		book(conn.ID, fmt.Sprint(i), []string{"JANE15", "MIKE10"}[i%2])
	}
	book(otherConn.ID, "1", "OTHER5")
	refund("2", "r1") // a reversal before payout
	if _, err := v.store.ApproveMaturedFor(ctx, shop.acct.ID); err != nil {
		t.Fatal(err)
	}
	payout, err := v.store.CreatePayout(ctx, shop.acct.ID, jane, "USD", "bank 1")
	if err != nil {
		t.Fatal(err)
	}
	refund("1", "r2") // after payout: a clawback adjustment

	all := entryIDs(t, v.store, "account_id = ?", shop.acct.ID)
	if len(all) < 10 {
		t.Fatalf("only %d entries booked", len(all))
	}
	for _, limit := range []int{1, 3, 500} {
		if got := readLedger(v, shop.key, "", limit); !slices.Equal(got, all) {
			t.Fatalf("limit %d: paged %v, want every entry once in order %v", limit, got, all)
		}
	}
	for _, c := range []struct{ query, where string }{
		{fmt.Sprintf("affiliate_id=%d", mike), fmt.Sprintf("affiliate_id = %d", mike)},
		{fmt.Sprintf("conversion_id=%d", first.ID), fmt.Sprintf("conversion_id = %d", first.ID)},
		{fmt.Sprintf("payout_id=%d", payout.ID), fmt.Sprintf("payout_id = %d", payout.ID)},
	} {
		want := entryIDs(t, v.store, c.where)
		if got := readLedger(v, shop.key, c.query, 2); len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("%s: %v, want %v", c.query, got, want)
		}
	}
	var kinds ledgerPage
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/ledger?conversion_id=%d", first.ID), shop.key, nil, &kinds)
	var seen []string
	for _, e := range kinds.Entries {
		seen = append(seen, e.Kind)
	}
	if !slices.Contains(seen, models.EntryAccrual) || !slices.Contains(seen, models.EntryAdjustment) {
		t.Fatalf("conversion paid then refunded shows %v, want its accrual and the clawback", seen)
	}

	var paid ledgerPage
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/ledger?payout_id=%d&limit=500", payout.ID), shop.key, nil, &paid)
	if i := slices.IndexFunc(paid.Entries, func(e ledgerEntryJSON) bool { return e.Kind == models.EntryPayout }); i < 0 ||
		paid.Entries[i].Memo != "bank 1" || paid.Entries[i].Amount >= 0 || paid.Entries[i].AffiliateID != jane {
		t.Fatalf("payout's entries %+v, want its payout entry with the reference as memo", paid.Entries)
	}

	// Another account sees none of these, and naming them is a 404.
	for _, q := range []string{fmt.Sprintf("affiliate_id=%d", jane), fmt.Sprintf("conversion_id=%d", first.ID), fmt.Sprintf("payout_id=%d", payout.ID)} {
		if rec := v.call("GET", "/api/v1/ledger?"+q, other.key, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("other tenant, %s: %d %s, want 404", q, rec.Code, rec.Body)
		}
	}
	if got, want := readLedger(v, other.key, "", 100), entryIDs(t, v.store, "account_id = ?", other.acct.ID); !slices.Equal(got, want) {
		t.Fatalf("other tenant's ledger %v, want only its own %v", got, want)
	}
	for _, q := range []string{"cursor=bm9wZQ", "cursor=%25%25", "limit=0", "limit=ten", "affiliate_id=x"} {
		if rec := v.call("GET", "/api/v1/ledger?"+q, shop.key, nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d %s, want 400", q, rec.Code, rec.Body)
		}
	}
}
