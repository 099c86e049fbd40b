package models_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

func TestCommissionRules(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		jane := opsAffiliate(t, s, acct.ID, "Jane", "jane@example.com")
		stranger := opsAffiliate(t, s, other.ID, "Stranger", "s@example.com")

		def, err := s.GetDefaultRule(ctx, acct.ID)
		if err != nil || def.Kind != models.CommissionPercent || def.BasisPoints != 1000 || def.HoldDays != 30 {
			t.Fatalf("new account default: %v %+v", err, def)
		}
		r, own, err := s.GetAffiliateRule(ctx, acct.ID, jane.ID)
		if err != nil || own || r.BasisPoints != 1000 {
			t.Fatalf("affiliate without override: own=%v %v %+v", own, err, r)
		}

		lifetime := (*int)(nil)
		tests := []struct {
			name     string
			set      func() (*models.CommissionRule, error)
			sentinel error
			msg      string
		}{
			{"default 15% lifetime", func() (*models.CommissionRule, error) {
				return s.SetDefaultRule(ctx, acct.ID, models.CommissionRule{Kind: "percent", BasisPoints: 1500, RecurringMonths: lifetime, HoldDays: 14})
			}, nil, ""},
			{"default over 100%", func() (*models.CommissionRule, error) {
				return s.SetDefaultRule(ctx, acct.ID, models.CommissionRule{Kind: "percent", BasisPoints: 10001})
			}, models.ErrInvalid, "basis_points"},
			{"default bad kind", func() (*models.CommissionRule, error) {
				return s.SetDefaultRule(ctx, acct.ID, models.CommissionRule{Kind: "tiered"})
			}, models.ErrInvalid, "kind must be"},
			{"affiliate flat 5 EUR", func() (*models.CommissionRule, error) {
				return s.SetAffiliateRule(ctx, acct.ID, jane.ID, models.CommissionRule{Kind: "flat", FlatAmount: 500, Currency: "eur", HoldDays: 7})
			}, nil, ""},
			{"affiliate bad hold", func() (*models.CommissionRule, error) {
				return s.SetAffiliateRule(ctx, acct.ID, jane.ID, models.CommissionRule{Kind: "flat", FlatAmount: 500, HoldDays: 400})
			}, models.ErrInvalid, "hold_days"},
			{"another account's affiliate", func() (*models.CommissionRule, error) {
				return s.SetAffiliateRule(ctx, acct.ID, stranger.ID, models.CommissionRule{Kind: "percent", BasisPoints: 9000})
			}, models.ErrNotFound, "affiliate"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r, err := tc.set()
				opsWantErr(t, err, tc.sentinel, tc.msg)
				if err == nil && (r.ID == 0 || r.AccountID != acct.ID || r.Currency == "") {
					t.Fatalf("saved rule = %+v", r)
				}
			})
		}

		def, _ = s.GetDefaultRule(ctx, acct.ID)
		if def.BasisPoints != 1500 || def.RecurringMonths != nil || def.HoldDays != 14 || def.Currency != "USD" {
			t.Fatalf("default after updates: %+v", def)
		}
		r, own, _ = s.GetAffiliateRule(ctx, acct.ID, jane.ID)
		if !own || r.Kind != "flat" || r.FlatAmount != 500 || r.Currency != "EUR" || r.HoldDays != 7 || r.BasisPoints != 0 {
			t.Fatalf("override: own=%v %+v", own, r)
		}
		if _, _, err := s.GetAffiliateRule(ctx, other.ID, jane.ID); err == nil {
			t.Fatal("another account reads the override")
		}
		opsWantErr(t, s.DeleteAffiliateRule(ctx, other.ID, jane.ID), models.ErrNotFound, "")
		if err := s.DeleteAffiliateRule(ctx, acct.ID, jane.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAffiliateRule(ctx, acct.ID, jane.ID); err != nil {
			t.Fatalf("deleting a missing override: %v", err)
		}
		r, own, _ = s.GetAffiliateRule(ctx, acct.ID, jane.ID)
		if own || r.BasisPoints != 1500 {
			t.Fatalf("after delete the default applies: own=%v %+v", own, r)
		}
		if d, _ := s.GetDefaultRule(ctx, other.ID); d.BasisPoints != 1000 {
			t.Fatalf("another account's default changed: %+v", d)
		}
	})
}
