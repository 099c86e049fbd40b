package models_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

func TestPayoutDetailsAreSealedAndMasked(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, _ := s.CreateAccount(ctx, "Shop", "", "USD")
		aff, err := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Ann", Email: "ann@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetPayoutDetails(ctx, a.ID, aff.ID)
		if err != nil || got != nil {
			t.Fatalf("before saving: %+v %v, want none", got, err)
		}
		in := models.PayoutMethodInput{Method: models.PayoutPayPal, PayPalEmail: " Ann.Pay@Example.com "}
		if _, err := s.SavePayoutMethod(ctx, a.ID, aff.ID, in, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		s.DB().Raw("SELECT sealed FROM payout_details WHERE affiliate_id = ?", aff.ID).Scan(&raw)
		if len(raw) == 0 || bytes.Contains(bytes.ToLower(raw), []byte("ann.pay")) {
			t.Fatalf("details stored in clear or not at all: %q", raw)
		}
		got, err = s.GetPayoutDetails(ctx, a.ID, aff.ID)
		if err != nil || got == nil || got.Method != "paypal" || got.Value != "ann.pay@example.com" || got.UpdatedBy != "affiliate" {
			t.Fatalf("read back %+v %v", got, err)
		}
		if got.Masked != "PayPal a•••@example.com" {
			t.Fatalf("masked %q", got.Masked)
		}
		// Saving again replaces the details.
		in = models.PayoutMethodInput{Method: models.PayoutManual, BankDetails: "Ann Lee, IBAN DE89 3704 0044 0532 0130 00"}
		if _, err := s.SavePayoutMethod(ctx, a.ID, aff.ID, in, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetPayoutDetails(ctx, a.ID, aff.ID)
		if got.Method != "manual" || got.Masked != "Bank account ending 3000" || strings.Contains(got.Masked, "DE89") {
			t.Fatalf("after replacing: %+v", got)
		}
		var n int64
		s.DB().Model(&models.PayoutDetails{}).Where("affiliate_id = ?", aff.ID).Count(&n)
		if n != 1 {
			t.Fatalf("%d rows for one affiliate", n)
		}
	})
}

func TestPayoutDetailsRefuseBadInputAndKeepTheOld(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	a, _ := s.CreateAccount(ctx, "Shop", "", "USD")
	aff, _ := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Ann", Email: "ann@example.com"})
	if _, err := s.SavePayoutMethod(ctx, a.ID, aff.ID, models.PayoutMethodInput{Method: "paypal", PayPalEmail: "ann@example.com"}, "affiliate"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, value, field string }{
		{"paypal", "", "paypal_email"},
		{"paypal", "not-an-email", "paypal_email"},
		{"paypal", "ann@localhost", "paypal_email"},
		{"manual", "123", "bank_details"},
		{"manual", "line one\nline two", "bank_details"},
		{"manual", strings.Repeat("9", 201), "bank_details"},
		{"manual", "DE89\x00370400440532013000", "bank_details"},
		{"crypto", "0xabc", "method"},
		{"", "ann@example.com", "method"},
		// Without a Stripe or Shopify connection these are not offered.
		{"stripe_connect", "", "method"},
		{"store_credit", "", "method"},
	} {
		in := models.PayoutMethodInput{Method: tc.method, PayPalEmail: tc.value, BankDetails: tc.value}
		_, err := s.SavePayoutMethod(ctx, a.ID, aff.ID, in, "affiliate")
		if !isInvalid(err) || fieldOf(err) != tc.field {
			t.Errorf("%s %q: %v (field %q), want ErrInvalid on %s", tc.method, tc.value, err, fieldOf(err), tc.field)
		}
	}
	got, _ := s.GetPayoutDetails(ctx, a.ID, aff.ID)
	if got == nil || got.Value != "ann@example.com" {
		t.Fatalf("bad input changed the saved details: %+v", got)
	}
	changes, _ := s.ListPayoutMethodChanges(ctx, a.ID, aff.ID)
	if len(changes) != 1 {
		t.Fatalf("refused changes were audited: %+v", changes)
	}
}

func TestPayoutDetailsStayInTheirAccount(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	a, _ := s.CreateAccount(ctx, "Shop A", "", "USD")
	b, _ := s.CreateAccount(ctx, "Shop B", "", "USD")
	affA, _ := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Ann", Email: "ann@example.com"})
	if _, err := s.SavePayoutMethod(ctx, a.ID, affA.ID, models.PayoutMethodInput{Method: "paypal", PayPalEmail: "ann@example.com"}, "affiliate"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetPayoutDetails(ctx, b.ID, affA.ID); err != nil || got != nil {
		t.Fatalf("account B read A's affiliate's details: %+v %v", got, err)
	}
	if _, err := s.SavePayoutMethod(ctx, b.ID, affA.ID, models.PayoutMethodInput{Method: "paypal", PayPalEmail: "thief@example.com"}, "merchant"); !isNotFound(err) {
		t.Fatalf("account B wrote A's affiliate's details: %v", err)
	}
	if _, err := s.SetConnectAccount(ctx, b.ID, affA.ID, "acct_1Thief", models.ConnectEnabled, "stripe"); !isNotFound(err) {
		t.Fatalf("account B connected A's affiliate: %v", err)
	}
	if changes, _ := s.ListPayoutMethodChanges(ctx, b.ID, affA.ID); len(changes) != 0 {
		t.Fatalf("account B reads A's audit: %+v", changes)
	}
	got, _ := s.GetPayoutDetails(ctx, a.ID, affA.ID)
	if got.Value != "ann@example.com" {
		t.Fatalf("details now %+v", got)
	}
}

// Details saved before methods were named are migrated: PayPal stays
// PayPal, bank becomes manual, still sealed, and a second migration
// changes nothing.
func TestPayoutDetailsMigrateToMethods(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		c, err := models.NewCipher(testdb.Key())
		if err != nil {
			t.Fatal(err)
		}
		s = models.NewStore(s.DB(), c) // a store whose key the test holds
		a, _ := s.CreateAccount(ctx, "Shop", "", "USD")
		ann, _ := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Ann", Email: "ann@example.com"})
		ben, _ := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Ben", Email: "ben@example.com"})
		for _, old := range []struct {
			aff           uint64
			method, value string
		}{{ann.ID, "paypal", "ann.pay@example.com"}, {ben.ID, "bank", "Ben Ross, IBAN GB33BUKB20201555555555"}} {
			plain, _ := json.Marshal(map[string]string{"method": old.method, "value": old.value})
			sealed, err := c.Encrypt(plain)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.DB().Exec("INSERT INTO payout_details (account_id, affiliate_id, sealed, updated_at) VALUES (?, ?, ?, ?)",
				a.ID, old.aff, sealed, s.Now()).Error; err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 2; i++ {
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var methods []string
		s.DB().Raw("SELECT method FROM payout_details WHERE account_id = ? ORDER BY affiliate_id", a.ID).Scan(&methods)
		if strings.Join(methods, ",") != "paypal,manual" {
			t.Fatalf("methods in the table: %v", methods)
		}
		var raw []byte
		s.DB().Raw("SELECT sealed FROM payout_details WHERE affiliate_id = ?", ben.ID).Scan(&raw)
		if bytes.Contains(raw, []byte("GB33")) || bytes.Contains(raw, []byte("manual")) {
			t.Fatalf("migrated details stored in clear: %q", raw)
		}
		got, _ := s.GetPayoutDetails(ctx, a.ID, ben.ID)
		if got == nil || got.Method != "manual" || got.Value != "Ben Ross, IBAN GB33BUKB20201555555555" || got.UpdatedBy != "affiliate" {
			t.Fatalf("ben after migration: %+v", got)
		}
		got, _ = s.GetPayoutDetails(ctx, a.ID, ann.ID)
		if got == nil || got.Method != "paypal" || got.Value != "ann.pay@example.com" {
			t.Fatalf("ann after migration: %+v", got)
		}
	})
}
