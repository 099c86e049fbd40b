package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/models"
)

// owe gives an affiliate an approved balance in USD.
func owe(t *testing.T, s *models.Store, accountID, affiliateID uint64, amount int64, key string) {
	t.Helper()
	e := models.LedgerEntry{AccountID: accountID, AffiliateID: affiliateID, Kind: models.EntryAdjustment, Amount: amount,
		Currency: "USD", Status: models.EntryApproved, AvailableAt: time.Now(), DedupKey: &key}
	if err := s.DB().Create(&e).Error; err != nil {
		t.Fatal(err)
	}
}

// The portal lists the affiliate's payouts: one marked paid by the shop
// with its reference, one PayPal could not pay with why and what to do,
// and says what is payable next; another shop's affiliate sees none of it.
func TestPortalPayoutHistory(t *testing.T) {
	m := newMailEnv(t)
	ctx := context.Background()
	shop, rival := m.tenant("Acme"), m.tenant("Rival")
	var jane, other models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", rival.key, map[string]string{"name": "Oli", "email": "oli@example.com"}, &other)
	cookie := m.signIn(t, m.signInLink(t, "jane@example.com"))
	if page := m.portalGet("/portal/", cookie).Body.String(); !strings.Contains(page, "No payouts yet.") {
		t.Fatalf("dashboard before any payout:\n%s", page)
	}

	owe(t, m.store, shop.acct.ID, jane.ID, 1200, "jane-1")
	m.must(http.StatusCreated, "POST", "/api/v1/payouts", shop.key, map[string]any{"affiliate_id": jane.ID, "currency": "USD", "reference": "Wire 77"}, nil)
	owe(t, m.store, shop.acct.ID, jane.ID, 3000, "jane-2")
	if err := m.store.SavePayPalCredentials(ctx, shop.acct.ID, models.PayPalCredentials{ClientID: "id", Secret: "secret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.store.SavePayoutMethod(ctx, shop.acct.ID, jane.ID, models.PayoutMethodInput{Method: models.PayoutPayPal, PayPalEmail: "jane@example.com"}, models.ActorAffiliate); err != nil {
		t.Fatal(err)
	}
	run, _, err := m.store.StartPayPalRun(ctx, shop.acct.ID, "portal-run-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.store.ApplyPayoutItem(ctx, shop.acct.ID, models.PayoutItemUpdate{PayoutID: run.Payouts[0].ID, PlatformID: "PP-ITEM-9",
		PlatformState: "FAILED", Outcome: models.OutcomeNotPaid, Reason: "RECEIVER_ACCOUNT_LOCKED: Receiver's account is locked or inactive."})
	if err != nil {
		t.Fatal(err)
	}

	page := m.portalGet("/portal/", cookie).Body.String()
	for _, want := range []string{
		`<h2>Your payouts</h2>`,
		`data-field="next_payout"><strong>$30.00</strong> is payable`,
		`data-field="payout_status">failed</span>`,
		`Your PayPal email could not receive the payment (Receiver&#39;s account is locked or inactive)`,
		`data-field="payout_status">paid</span>`,
		`Wire 77`, `PP-ITEM-9`, `$12.00`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard misses %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("dashboard:\n%s", page)
	}
	oli := m.signIn(t, m.signInLink(t, "oli@example.com"))
	if page := m.portalGet("/portal/", oli).Body.String(); !strings.Contains(page, "No payouts yet.") || strings.Contains(page, "Wire 77") {
		t.Fatalf("another shop's affiliate sees Jane's payouts:\n%s", page)
	}
}
