package handlers_test

import (
	"net/http"
	"testing"

	"codecredit/models"
)

// TestRepeatedAdjustmentWithItsKeyBooksOnce sends the same adjustment
// twice with one key, then once with another key; only the first and the
// third move the balance, and the repeat returns the first entry.
func TestRepeatedAdjustmentWithItsKeyBooksOnce(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	_, before := balanceOf(v, f.shop.key, f.jane.ID)
	body := map[string]any{"affiliate_id": f.jane.ID, "amount": 1500, "reason": "Launch bonus", "idempotency_key": "adj-key-0001"}
	var first, again, other models.LedgerEntry
	v.must(http.StatusCreated, "POST", "/api/v1/adjustments", f.shop.key, body, &first)
	v.must(http.StatusOK, "POST", "/api/v1/adjustments", f.shop.key, body, &again)
	if again.ID != first.ID || again.Amount != 1500 {
		t.Fatalf("the repeat returns %+v, want the first entry %+v", again, first)
	}
	if _, after := balanceOf(v, f.shop.key, f.jane.ID); after != before+1500 {
		t.Fatalf("approved balance %d → %d after a repeat, want +1500 once", before, after)
	}
	body["idempotency_key"] = "adj-key-0002"
	v.must(http.StatusCreated, "POST", "/api/v1/adjustments", f.shop.key, body, &other)
	if _, after := balanceOf(v, f.shop.key, f.jane.ID); other.ID == first.ID || after != before+3000 {
		t.Fatalf("a new key books again: entry %d, balance %d → %d", other.ID, before, after)
	}
	for _, key := range []string{"short", "has spaces in it", "ünïcode-key-01", string(make([]byte, 65))} {
		body["idempotency_key"] = key
		if rec := v.call("POST", "/api/v1/adjustments", f.shop.key, body); rec.Code != http.StatusBadRequest {
			t.Errorf("key %q: %d, want 400", key, rec.Code)
		}
	}
	if _, after := balanceOf(v, f.shop.key, f.jane.ID); after != before+3000 {
		t.Fatalf("rejected keys booked: %d → %d", before, after)
	}
	body["idempotency_key"] = "adj-key-0001"
	body["order_id"], body["subtotal"] = "M-9", 5000
	delete(body, "amount")
	if rec := v.call("POST", "/api/v1/conversions", f.shop.key, body); rec.Code != http.StatusConflict {
		t.Fatalf("an adjustment's key reused for a conversion: %d %s, want 409", rec.Code, rec.Body)
	}
}

// TestRepeatedManualConversionWithItsKeyBooksOnce repeats a conversion
// added by hand: with its key it is the same conversion (200), without
// one the order is already recorded (409), and a new key with a new
// order books again.
func TestRepeatedManualConversionWithItsKeyBooksOnce(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	body := map[string]any{"affiliate_id": f.jane.ID, "order_id": "M-1", "subtotal": 5000, "reason": "phone order",
		"idempotency_key": "conv-key-001"}
	var first, again, next models.Conversion
	v.must(http.StatusCreated, "POST", "/api/v1/conversions", f.shop.key, body, &first)
	v.must(http.StatusOK, "POST", "/api/v1/conversions", f.shop.key, body, &again)
	if again.ID != first.ID || again.Commission != 500 {
		t.Fatalf("the repeat returns %+v, want the first conversion %+v", again, first)
	}
	if l := f.list("?status=manual"); l.Total != 1 {
		t.Fatalf("manual conversions after a repeat: %d, want 1", l.Total)
	}
	body["order_id"], body["idempotency_key"] = "M-2", "conv-key-002"
	v.must(http.StatusCreated, "POST", "/api/v1/conversions", f.shop.key, body, &next)
	if l := f.list("?status=manual"); next.ID == first.ID || l.Total != 2 {
		t.Fatalf("a new key and order book again: %d manual conversions", l.Total)
	}
	pending, _ := balanceOf(v, f.shop.key, f.jane.ID)
	delete(body, "idempotency_key")
	if rec := v.call("POST", "/api/v1/conversions", f.shop.key, body); rec.Code != http.StatusConflict {
		t.Fatalf("the same order without a key: %d, want 409", rec.Code)
	}
	if p, _ := balanceOf(v, f.shop.key, f.jane.ID); p != pending {
		t.Fatalf("pending balance %d → %d after a refused repeat", pending, p)
	}
}

// TestHandChangeKeysAreScopedToTheAccount uses one key in two accounts:
// each books its own change, and the second account's does not return
// the first's entry.
func TestHandChangeKeysAreScopedToTheAccount(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	other := v.tenant("Other")
	var ann models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", other.key, map[string]string{"name": "Ann", "email": "ann@example.com"}, &ann)
	var mine, theirs models.LedgerEntry
	v.must(http.StatusCreated, "POST", "/api/v1/adjustments", f.shop.key,
		map[string]any{"affiliate_id": f.jane.ID, "amount": 1500, "reason": "bonus", "idempotency_key": "shared-key-1"}, &mine)
	v.must(http.StatusCreated, "POST", "/api/v1/adjustments", other.key,
		map[string]any{"affiliate_id": ann.ID, "amount": 700, "reason": "bonus", "idempotency_key": "shared-key-1"}, &theirs)
	if theirs.ID == mine.ID || theirs.AffiliateID != ann.ID || theirs.Amount != 700 {
		t.Fatalf("another account's key returned %+v", theirs)
	}
	if _, approved := balanceOf(v, other.key, ann.ID); approved != 700 {
		t.Fatalf("the other account's affiliate has %d approved, want 700", approved)
	}
	var repeat models.LedgerEntry
	v.must(http.StatusOK, "POST", "/api/v1/adjustments", other.key,
		map[string]any{"affiliate_id": f.jane.ID, "amount": 100, "reason": "steal", "idempotency_key": "shared-key-1"}, &repeat)
	if repeat.ID != theirs.ID {
		t.Fatalf("a repeat in the other account returned entry %d, want its own %d", repeat.ID, theirs.ID)
	}
}
