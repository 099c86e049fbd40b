package models_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// subscribe registers an endpoint of f's account for events.
func subscribe(t *testing.T, f *fixture, events ...string) {
	t.Helper()
	if _, err := f.store.CreateWebhookEndpoint(context.Background(), f.account.ID,
		models.WebhookEndpointInput{URL: "https://hooks.example.com/cc", Events: events}); err != nil {
		t.Fatal(err)
	}
}

// payloadsOf decodes the data of every outbox row of an event type, in
// the order they were written.
func payloadsOf[T any](t *testing.T, s *models.Store, typ string) []T {
	t.Helper()
	var rows []models.WebhookDelivery
	if err := s.DB().Where("event_type = ?", typ).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		var p struct {
			Data T `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
			t.Fatal(err)
		}
		out[i] = p.Data
	}
	return out
}

// assignment is what a code.assigned receiver reads.
type assignment struct {
	CodeID    uint64  `json:"code_id"`
	Code      string  `json:"code"`
	Affiliate uint64  `json:"affiliate_id"`
	Previous  *uint64 `json:"previous_affiliate_id"`
}

// code.assigned is written once for each code given to an affiliate: a
// code created with one, each code of a generated batch, a code moved to
// another affiliate (naming the previous one); giving a code to the
// affiliate it already has, unassigning it, or importing codes from the
// store (which never changes their affiliate) writes none.
func TestCodeAssignedOncePerChange(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		subscribe(t, f, models.HookCodeAssigned)
		ann, ben := f.affs[0].ID, f.affs[1].ID

		c, err := s.CreateManualCode(ctx, f.account.ID, models.NewCode{Code: "ANN20", AffiliateID: &ann,
			DiscountSpec: models.DiscountSpec{Type: models.DiscountPercentage, Value: 2000}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateManualCode(ctx, f.account.ID, models.NewCode{Code: "NOBODY20",
			DiscountSpec: models.DiscountSpec{Type: models.DiscountPercentage, Value: 2000}}); err != nil {
			t.Fatal(err)
		}
		got := payloadsOf[assignment](t, s, models.HookCodeAssigned)
		if len(got) != 1 || got[0].CodeID != c.ID || got[0].Code != "ANN20" || got[0].Affiliate != ann || got[0].Previous != nil {
			t.Fatalf("after creating ANN20 for %d and a code for nobody: %+v, want one for ANN20", ann, got)
		}

		for _, to := range []uint64{ann, ben, ben, ann} {
			if _, err := s.AssignCode(ctx, f.account.ID, c.ID, to); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.UnassignCode(ctx, f.account.ID, c.ID, false); err != nil {
			t.Fatal(err)
		}
		got = payloadsOf[assignment](t, s, models.HookCodeAssigned)
		if len(got) != 3 || got[1].Affiliate != ben || got[1].Previous == nil || *got[1].Previous != ann ||
			got[2].Affiliate != ann || got[2].Previous == nil || *got[2].Previous != ben {
			t.Fatalf("after ann→ann→ben→ben→ann→none: %+v, want the create, ann→ben and ben→ann", got)
		}

		// A platform import of codes the account has, assigned or not, and of a new one.
		if _, err := s.UpsertPlatformCodes(ctx, f.conn, []platforms.DiscountCode{
			{Code: f.codes[ann], DiscountType: models.DiscountPercentage, DiscountValue: 1000, Active: true},
			{Code: "STOREONLY", DiscountType: models.DiscountPercentage, DiscountValue: 1000, Active: true}}); err != nil {
			t.Fatal(err)
		}
		if n := len(payloadsOf[assignment](t, s, models.HookCodeAssigned)); n != 3 {
			t.Fatalf("an import wrote code.assigned: %d in all, want still 3", n)
		}

		s.DB().Where("1 = 1").Delete(&models.WebhookDelivery{})
		made, err := s.GenerateBatch(ctx, f.account.ID, models.CodeBatch{Template: "{NAME}{RANDOM4}",
			Discount: models.DiscountSpec{Type: models.DiscountPercentage, Value: 1000}, AffiliateIDs: []uint64{ann, ben}})
		if err != nil {
			t.Fatal(err)
		}
		got = payloadsOf[assignment](t, s, models.HookCodeAssigned)
		if len(got) != 2 || got[0].CodeID != made[0].ID || got[0].Affiliate != ann || got[1].CodeID != made[1].ID || got[1].Affiliate != ben {
			t.Fatalf("generated %+v, events %+v: want one per code", made, got)
		}
	})
}

// paidPayout is what a payout.paid receiver reads.
type paidPayout struct {
	ID          uint64  `json:"id"`
	AffiliateID uint64  `json:"affiliate_id"`
	RunID       *uint64 `json:"run_id"`
	Method      string  `json:"method"`
	Reference   string  `json:"platform_reference"`
}

// approvedBalances books an order for each of f's first n affiliates and
// approves them.
func approvedBalances(t *testing.T, f *fixture, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		if _, err := f.store.AttributeOrder(ctx, f.conn.ID, order("o"+f.codes[f.affs[i].ID], 10000, "USD", f.codes[f.affs[i].ID])); err != nil {
			t.Fatal(err)
		}
	}
	f.store.SetClock(func() time.Time { return t0.AddDate(1, 0, 0) })
	if _, err := f.store.ApproveMatured(ctx); err != nil {
		t.Fatal(err)
	}
}

// A PayPal run announces no payout when it is made: payout.paid comes once
// per payout PayPal reports SUCCESS, with the run, the method and PayPal's
// item id; an item PayPal FAILED or RETURNED is never announced paid (it
// is payout.failed).
func TestPayoutPaidOnlyWhenPayPalPays(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	f := newFixture(t, s)
	subscribe(t, f, models.HookPayoutPaid, models.HookPayoutFailed)
	approvedBalances(t, f, 3)
	for i, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		if _, err := s.SavePayoutMethod(ctx, f.account.ID, f.affs[i].ID, models.PayoutMethodInput{Method: models.PayoutPayPal,
			PayPalEmail: email}, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SavePayPalCredentials(ctx, f.account.ID, models.PayPalCredentials{ClientID: "id", Secret: "secret"}); err != nil {
		t.Fatal(err)
	}
	run, _, err := s.StartPayPalRun(ctx, f.account.ID, "paypal-run-1")
	if err != nil || len(run.Payouts) != 3 {
		t.Fatalf("run %+v: %v", run, err)
	}
	if got := payloadsOf[paidPayout](t, s, models.HookPayoutPaid); len(got) != 0 {
		t.Fatalf("a PayPal run announced %d payouts paid before PayPal paid any", len(got))
	}
	ok, failed, returned := run.Payouts[0], run.Payouts[1], run.Payouts[2]
	for _, u := range []models.PayoutItemUpdate{
		{PayoutID: ok.ID, PlatformID: "ITEM-OK", PlatformState: "SUCCESS", Outcome: models.OutcomePaid},
		{PayoutID: failed.ID, PlatformID: "ITEM-FAILED", PlatformState: "FAILED", Outcome: models.OutcomeNotPaid, Reason: "RECEIVER_UNREGISTERED"},
		{PayoutID: returned.ID, PlatformID: "ITEM-RETURNED", PlatformState: "RETURNED", Outcome: models.OutcomeNotPaid},
		{PayoutID: ok.ID, PlatformID: "ITEM-OK", PlatformState: "SUCCESS", Outcome: models.OutcomePaid}, // again
	} {
		if _, err := s.ApplyPayoutItem(ctx, f.account.ID, u); err != nil {
			t.Fatal(err)
		}
	}
	got := payloadsOf[paidPayout](t, s, models.HookPayoutPaid)
	if len(got) != 1 || got[0].ID != ok.ID || got[0].RunID == nil || *got[0].RunID != run.ID ||
		got[0].Method != models.MethodPayPal || got[0].Reference != "ITEM-OK" {
		t.Fatalf("payout.paid %+v, want one for payout %d of run %d with PayPal's item id", got, ok.ID, run.ID)
	}
	if notPaid := payloadsOf[paidPayout](t, s, models.HookPayoutFailed); len(notPaid) != 2 ||
		notPaid[0].ID != failed.ID || notPaid[1].ID != returned.ID {
		t.Fatalf("payout.failed %+v, want the FAILED and the RETURNED payouts", notPaid)
	}
}

// A manual run is paid when it is recorded: one payout.paid per payout,
// with the run and its method.
func TestPayoutPaidForManualRun(t *testing.T) {
	s := testdb.Postgres(t)
	f := newFixture(t, s)
	subscribe(t, f, models.HookPayoutPaid)
	approvedBalances(t, f, 2)
	run, _, err := s.RunPayouts(context.Background(), f.account.ID, models.PayoutRunInput{IdempotencyKey: "manual-run-1",
		Method: "Bank transfer", Reference: "B-7"})
	if err != nil || len(run.Payouts) != 2 {
		t.Fatalf("run %+v: %v", run, err)
	}
	got := payloadsOf[paidPayout](t, s, models.HookPayoutPaid)
	if len(got) != 2 {
		t.Fatalf("payout.paid %+v, want one per payout", got)
	}
	for i, p := range got {
		if p.ID != run.Payouts[i].ID || p.RunID == nil || *p.RunID != run.ID || p.Method != "Bank transfer" {
			t.Errorf("payout.paid %+v, want payout %d of run %d by bank transfer", p, run.Payouts[i].ID, run.ID)
		}
	}
}

// After a full refund, the commission.reversed payload says the
// conversion is reversed (a partial refund leaves it pending).
func TestReversalPayloadCarriesTheNewStatus(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		subscribe(t, f, models.HookCommissionReversed)
		if _, err := s.AttributeOrder(ctx, f.conn.ID, order("one", 10000, "USD", "Partner0")); err != nil {
			t.Fatal(err)
		}
		for _, r := range []platforms.Refund{refund("r1", "one", 4000), refund("r2", "one", 6000)} {
			if err := s.ReverseRefund(ctx, f.conn.ID, r); err != nil {
				t.Fatal(err)
			}
		}
		type conv struct {
			Status   string `json:"status"`
			RefundID uint64 `json:"refund_id"`
		}
		got := payloadsOf[conv](t, s, models.HookCommissionReversed)
		if len(got) != 2 || got[0].Status != models.ConversionPending || got[1].Status != models.ConversionReversed {
			t.Fatalf("commission.reversed payloads %+v, want pending after the partial refund, reversed after the full one", got)
		}
	})
}

// The delivery log (an endpoint's deliveries, newest first) reads an index
// on (endpoint_id, id) rather than every delivery of the endpoint.
func TestDeliveryLogHasItsIndex(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		if !s.DB().Migrator().HasIndex(&models.WebhookDelivery{}, "idx_webhook_delivery_log") {
			t.Fatal("no idx_webhook_delivery_log on webhook_deliveries")
		}
	})
}
