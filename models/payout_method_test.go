package models_test

import (
	"context"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// Stripe Connect is offered with a Stripe connection, store credit with a
// Shopify one; the merchant may override the affiliate's choice, and the
// audit says who changed what, never the details.
func TestPayoutMethodsFollowConnectionsAndAreAudited(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, _ := s.CreateAccount(ctx, "Shop", "", "USD")
		aff, _ := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Ann", Email: "ann@example.com"})
		if m, _ := s.PayoutMethods(ctx, a.ID); strings.Join(m, ",") != "paypal,manual" {
			t.Fatalf("without connections: %v", m)
		}
		for _, p := range []string{"stripe", "shopify"} {
			if _, err := s.InstallConnection(ctx, models.Install{AccountID: a.ID, Platform: p, ExternalID: p + "-ann-shop"}); err != nil {
				t.Fatal(err)
			}
		}
		if m, _ := s.PayoutMethods(ctx, a.ID); strings.Join(m, ",") != "paypal,stripe_connect,store_credit,manual" {
			t.Fatalf("with Stripe and Shopify: %v", m)
		}

		got, err := s.SavePayoutMethod(ctx, a.ID, aff.ID, models.PayoutMethodInput{Method: "store_credit"}, models.ActorAffiliate)
		if err != nil || got.Method != "store_credit" || got.Value != "ann@example.com" || got.Masked != "Store credit for a•••@example.com" {
			t.Fatalf("store credit: %+v %v", got, err)
		}
		got, err = s.SavePayoutMethod(ctx, a.ID, aff.ID, models.PayoutMethodInput{Method: "stripe_connect"}, models.ActorAffiliate)
		if err != nil || got.ConnectState != "not_started" || got.Value != "" {
			t.Fatalf("stripe connect chosen: %+v %v", got, err)
		}
		if _, err := s.SetConnectAccount(ctx, a.ID, aff.ID, "acct_1AnnExpress", models.ConnectOnboarding, "stripe"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetConnectAccount(ctx, a.ID, aff.ID, "acct_1Other", models.ConnectEnabled, "stripe"); !isConflict(err) {
			t.Fatalf("another Stripe account: %v, want conflict", err)
		}
		if _, err := s.SetConnectAccount(ctx, a.ID, aff.ID, "not an id", models.ConnectEnabled, "stripe"); !isInvalid(err) {
			t.Fatalf("malformed account id: %v", err)
		}
		// Choosing Stripe again keeps the account and its state.
		got, _ = s.SavePayoutMethod(ctx, a.ID, aff.ID, models.PayoutMethodInput{Method: "stripe_connect"}, models.ActorAffiliate)
		if got.Value != "acct_1AnnExpress" || got.ConnectState != "onboarding" || got.Masked != "Stripe account •••ress" {
			t.Fatalf("stripe chosen again: %+v", got)
		}
		if got, _ = s.SetConnectAccount(ctx, a.ID, aff.ID, "acct_1AnnExpress", models.ConnectEnabled, "stripe"); got.ConnectState != "enabled" {
			t.Fatalf("enabled: %+v", got)
		}

		// The merchant overrides.
		got, err = s.SavePayoutMethod(ctx, a.ID, aff.ID, models.PayoutMethodInput{Method: "paypal", PayPalEmail: "ann.pay@example.com"}, "API key cc_abcdefg…")
		if err != nil || got.Method != "paypal" || got.UpdatedBy != "API key cc_abcdefg…" || got.ConnectState != "" {
			t.Fatalf("override: %+v %v", got, err)
		}
		if _, err := s.SetConnectAccount(ctx, a.ID, aff.ID, "acct_1AnnExpress", models.ConnectEnabled, "stripe"); !isConflict(err) {
			t.Fatalf("connect state applied to a PayPal affiliate: %v", err)
		}
		changes, _ := s.ListPayoutMethodChanges(ctx, a.ID, aff.ID)
		var seen []string
		for _, c := range changes {
			seen = append(seen, c.Method+" by "+c.Actor)
		}
		want := "paypal by API key cc_abcdefg…|stripe_connect by stripe|stripe_connect by affiliate|stripe_connect by stripe|stripe_connect by affiliate|store_credit by affiliate"
		if strings.Join(seen, "|") != want {
			t.Fatalf("audit:\n%s\nwant\n%s", strings.Join(seen, "|"), want)
		}
		var leaked int64
		s.DB().Raw("SELECT COUNT(*) FROM payout_method_changes WHERE actor LIKE '%ann.pay%' OR method LIKE '%@%'").Scan(&leaked)
		if leaked != 0 {
			t.Fatal("the audit holds payout details")
		}
	})
}
