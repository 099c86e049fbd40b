package models_test

import (
	"bytes"
	"context"
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
		if _, err := s.SavePayoutDetails(ctx, a.ID, aff.ID, models.PayoutPayPal, " Ann.Pay@Example.com "); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		s.DB().Raw("SELECT sealed FROM payout_details WHERE affiliate_id = ?", aff.ID).Scan(&raw)
		if len(raw) == 0 || bytes.Contains(bytes.ToLower(raw), []byte("ann.pay")) {
			t.Fatalf("details stored in clear or not at all: %q", raw)
		}
		got, err = s.GetPayoutDetails(ctx, a.ID, aff.ID)
		if err != nil || got == nil || got.Method != "paypal" || got.Value != "ann.pay@example.com" {
			t.Fatalf("read back %+v %v", got, err)
		}
		if got.Masked != "PayPal a•••@example.com" {
			t.Fatalf("masked %q", got.Masked)
		}
		// Saving again replaces the details.
		if _, err := s.SavePayoutDetails(ctx, a.ID, aff.ID, models.PayoutBank, "Ann Lee, IBAN DE89 3704 0044 0532 0130 00"); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetPayoutDetails(ctx, a.ID, aff.ID)
		if got.Method != "bank" || got.Masked != "Bank account ending 3000" || strings.Contains(got.Masked, "DE89") {
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
	if _, err := s.SavePayoutDetails(ctx, a.ID, aff.ID, models.PayoutPayPal, "ann@example.com"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, value string }{
		{"paypal", ""},
		{"paypal", "not-an-email"},
		{"paypal", "ann@localhost"},
		{"bank", "123"},
		{"bank", "line one\nline two"},
		{"bank", strings.Repeat("9", 201)},
		{"bank", "DE89\x00370400440532013000"},
		{"crypto", "0xabc"},
		{"", "ann@example.com"},
	} {
		if _, err := s.SavePayoutDetails(ctx, a.ID, aff.ID, tc.method, tc.value); !isInvalid(err) {
			t.Errorf("%s %q: %v, want ErrInvalid", tc.method, tc.value, err)
		}
	}
	got, _ := s.GetPayoutDetails(ctx, a.ID, aff.ID)
	if got == nil || got.Value != "ann@example.com" {
		t.Fatalf("bad input changed the saved details: %+v", got)
	}
}

func TestPayoutDetailsStayInTheirAccount(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	a, _ := s.CreateAccount(ctx, "Shop A", "", "USD")
	b, _ := s.CreateAccount(ctx, "Shop B", "", "USD")
	affA, _ := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Ann", Email: "ann@example.com"})
	if _, err := s.SavePayoutDetails(ctx, a.ID, affA.ID, models.PayoutPayPal, "ann@example.com"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetPayoutDetails(ctx, b.ID, affA.ID); err != nil || got != nil {
		t.Fatalf("account B read A's affiliate's details: %+v %v", got, err)
	}
	if _, err := s.SavePayoutDetails(ctx, b.ID, affA.ID, models.PayoutPayPal, "thief@example.com"); !isNotFound(err) {
		t.Fatalf("account B wrote A's affiliate's details: %v", err)
	}
	got, _ := s.GetPayoutDetails(ctx, a.ID, affA.ID)
	if got.Value != "ann@example.com" {
		t.Fatalf("details now %+v", got)
	}
}
