package models_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

func opsPct(bps int64) models.DiscountSpec {
	return models.DiscountSpec{Type: models.DiscountPercentage, Value: bps}
}

func TestCreateManualCode(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		jane := opsAffiliate(t, s, acct.ID, "Jane", "jane@example.com")
		stranger := opsAffiliate(t, s, other.ID, "Stranger", "s@example.com")
		off := opsAffiliate(t, s, acct.ID, "Off", "off@example.com")
		disabled := models.AffiliateDisabled
		if _, err := s.UpdateAffiliate(ctx, acct.ID, off.ID, models.AffiliatePatch{Status: &disabled}); err != nil {
			t.Fatal(err)
		}
		// A code imported from a platform store, in another spelling.
		imported := models.Code{AccountID: acct.ID, ConnectionID: 99, Code: "Podcast20", Normalized: models.NormalizeCode("Podcast20"),
			Source: models.SourceImported, Active: true}
		if err := s.DB().Create(&imported).Error; err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name     string
			account  uint64
			in       models.NewCode
			sentinel error
			msg      string
		}{
			{"percentage with affiliate", acct.ID, models.NewCode{Code: " Jane15 ", DiscountSpec: opsPct(1500), AffiliateID: &jane.ID}, nil, ""},
			{"fixed amount", acct.ID, models.NewCode{Code: "TEN-OFF_1", DiscountSpec: models.DiscountSpec{Type: "fixed_amount", Value: 1000, Currency: "eur"}}, nil, ""},
			{"unicode letters", acct.ID, models.NewCode{Code: "ÉTÉ10", DiscountSpec: opsPct(1000)}, nil, ""},
			{"same code other case", acct.ID, models.NewCode{Code: "jane15", DiscountSpec: opsPct(1000)}, models.ErrConflict, "code Jane15 already exists"},
			{"collides with imported", acct.ID, models.NewCode{Code: "PODCAST20", DiscountSpec: opsPct(1000)}, models.ErrConflict, "code Podcast20 already exists"},
			{"same code in another account", other.ID, models.NewCode{Code: "JANE15", DiscountSpec: opsPct(1000)}, nil, ""},
			{"empty", acct.ID, models.NewCode{Code: "  ", DiscountSpec: opsPct(1000)}, models.ErrInvalid, "code is required"},
			{"space inside", acct.ID, models.NewCode{Code: "SUMMER 10", DiscountSpec: opsPct(1000)}, models.ErrInvalid, "letters, digits, - and _"},
			{"too long", acct.ID, models.NewCode{Code: string(make([]byte, 65)), DiscountSpec: opsPct(1000)}, models.ErrInvalid, ""},
			{"percentage zero", acct.ID, models.NewCode{Code: "ZERO", DiscountSpec: opsPct(0)}, models.ErrInvalid, "basis points"},
			{"percentage over 100%", acct.ID, models.NewCode{Code: "MUCH", DiscountSpec: opsPct(10001)}, models.ErrInvalid, "basis points"},
			{"fixed without currency", acct.ID, models.NewCode{Code: "FIX", DiscountSpec: models.DiscountSpec{Type: "fixed_amount", Value: 500}}, models.ErrInvalid, "currency is required"},
			{"fixed zero", acct.ID, models.NewCode{Code: "FIX", DiscountSpec: models.DiscountSpec{Type: "fixed_amount", Currency: "USD"}}, models.ErrInvalid, "positive"},
			{"unknown type", acct.ID, models.NewCode{Code: "FIX", DiscountSpec: models.DiscountSpec{Type: "bogo", Value: 1}}, models.ErrInvalid, "discount_type"},
			{"another account's affiliate", acct.ID, models.NewCode{Code: "STEAL", DiscountSpec: opsPct(1000), AffiliateID: &stranger.ID}, models.ErrNotFound, "affiliate"},
			{"disabled affiliate", acct.ID, models.NewCode{Code: "OFF10", DiscountSpec: opsPct(1000), AffiliateID: &off.ID}, models.ErrInvalid, "disabled"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				c, err := s.CreateManualCode(ctx, tc.account, tc.in)
				opsWantErr(t, err, tc.sentinel, tc.msg)
				if err == nil && (c.Source != models.SourceManual || !c.Active || c.ConnectionID != 0 || c.Normalized != models.NormalizeCode(c.Code)) {
					t.Fatalf("code = %+v", c)
				}
			})
		}
		_, total, _ := s.ListCodes(ctx, acct.ID, models.CodeFilter{})
		if total != 4 { // imported + 3 created
			t.Fatalf("account has %d codes, want 4", total)
		}
		fixed, _, _ := s.ListCodes(ctx, acct.ID, models.CodeFilter{Q: "ten"})
		if len(fixed) != 1 || fixed[0].Currency != "EUR" {
			t.Fatalf("fixed code currency not normalised: %+v", fixed)
		}
	})
}

func TestListCodesFilters(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		jane := opsAffiliate(t, s, acct.ID, "Jane", "jane@example.com")
		rows := []models.Code{
			{Code: "SUMMER10", Source: models.SourceImported, ConnectionID: 7, Active: true},
			{Code: "summer_20", Source: models.SourceImported, ConnectionID: 7, Active: false},
			{Code: "JANE15", Source: models.SourceGenerated, Active: true, AffiliateID: &jane.ID},
			{Code: "VIP", Source: models.SourceManual, Active: true, AffiliateID: &jane.ID},
			{Code: "S%X", Source: models.SourceManual, Active: true},
		}
		for i := range rows {
			rows[i].AccountID = acct.ID
			rows[i].Normalized = models.NormalizeCode(rows[i].Code)
		}
		if err := s.DB().Create(&rows).Error; err != nil {
			t.Fatal(err)
		}
		// Active false is a zero value GORM skips on create.
		s.DB().Model(&models.Code{}).Where("id = ?", rows[1].ID).Update("active", false)
		stranger := models.Code{AccountID: other.ID, Code: "SUMMER99", Normalized: "SUMMER99", Source: models.SourceImported, Active: true}
		s.DB().Create(&stranger)
		yes, no := true, false
		zero, seven := uint64(0), uint64(7)
		tests := []struct {
			name string
			f    models.CodeFilter
			want []string // newest first
		}{
			{"all", models.CodeFilter{}, []string{"S%X", "VIP", "JANE15", "summer_20", "SUMMER10"}},
			{"imported", models.CodeFilter{Source: "imported"}, []string{"summer_20", "SUMMER10"}},
			{"assigned", models.CodeFilter{Assigned: &yes}, []string{"VIP", "JANE15"}},
			{"unassigned", models.CodeFilter{Assigned: &no}, []string{"S%X", "summer_20", "SUMMER10"}},
			{"by affiliate", models.CodeFilter{AffiliateID: jane.ID}, []string{"VIP", "JANE15"}},
			{"inactive", models.CodeFilter{Active: &no}, []string{"summer_20"}},
			{"connection 0", models.CodeFilter{ConnectionID: &zero}, []string{"S%X", "VIP", "JANE15"}},
			{"connection 7 active", models.CodeFilter{ConnectionID: &seven, Active: &yes}, []string{"SUMMER10"}},
			{"prefix any case", models.CodeFilter{Q: "sum"}, []string{"summer_20", "SUMMER10"}},
			{"prefix only, not inside", models.CodeFilter{Q: "ummer"}, nil},
			{"underscore literal", models.CodeFilter{Q: "SUMMER_"}, []string{"summer_20"}},
			{"percent literal", models.CodeFilter{Q: "s%"}, []string{"S%X"}},
			{"paged", models.CodeFilter{Page: 2, PerPage: 2}, []string{"JANE15", "summer_20"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := s.ListCodes(ctx, acct.ID, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, c := range got {
					names = append(names, c.Code)
				}
				if len(names) != len(tc.want) || (len(names) > 0 && names[0] != tc.want[0]) || (tc.f.Page == 0 && total != int64(len(tc.want))) {
					t.Fatalf("got %v (total %d), want %v", names, total, tc.want)
				}
				for i := range names {
					if names[i] != tc.want[i] {
						t.Fatalf("got %v, want %v", names, tc.want)
					}
				}
			})
		}
		if _, _, err := s.ListCodes(ctx, acct.ID, models.CodeFilter{Source: "stolen"}); err == nil {
			t.Fatal("an unknown source must be refused")
		}
	})
}

func TestAssignUnassignDeactivate(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		jane := opsAffiliate(t, s, acct.ID, "Jane", "jane@example.com")
		bob := opsAffiliate(t, s, acct.ID, "Bob", "bob@example.com")
		stranger := opsAffiliate(t, s, other.ID, "Stranger", "s@example.com")
		code, err := s.CreateManualCode(ctx, acct.ID, models.NewCode{Code: "PROMO", DiscountSpec: opsPct(1000)})
		if err != nil {
			t.Fatal(err)
		}
		theirs, _ := s.CreateManualCode(ctx, other.ID, models.NewCode{Code: "THEIRS", DiscountSpec: opsPct(1000)})

		c, err := s.AssignCode(ctx, acct.ID, code.ID, jane.ID)
		if err != nil || c.AffiliateID == nil || *c.AffiliateID != jane.ID {
			t.Fatalf("assign: %v %+v", err, c)
		}
		c, err = s.AssignCode(ctx, acct.ID, code.ID, bob.ID)
		if err != nil || *c.AffiliateID != bob.ID {
			t.Fatalf("reassign: %v %+v", err, c)
		}
		for name, call := range map[string]func() error{
			"other account's affiliate": func() error { _, err := s.AssignCode(ctx, acct.ID, code.ID, stranger.ID); return err },
			"other account's code":      func() error { _, err := s.AssignCode(ctx, acct.ID, theirs.ID, jane.ID); return err },
			"unassign other's code":     func() error { _, err := s.UnassignCode(ctx, acct.ID, theirs.ID, true); return err },
			"deactivate other's code":   func() error { _, err := s.DeactivateCode(ctx, acct.ID, theirs.ID); return err },
			"get other's code":          func() error { _, err := s.GetCode(ctx, acct.ID, theirs.ID); return err },
		} {
			t.Run(name, func(t *testing.T) { opsWantErr(t, call(), models.ErrNotFound, "") })
		}
		if c, _ := s.GetCode(ctx, acct.ID, code.ID); *c.AffiliateID != bob.ID {
			t.Fatal("a refused assignment changed the code")
		}
		if c, _ := s.GetCode(ctx, other.ID, theirs.ID); c.AffiliateID != nil || !c.Active {
			t.Fatal("another account's code changed")
		}
		c, err = s.UnassignCode(ctx, acct.ID, code.ID, false)
		if err != nil || c.AffiliateID != nil {
			t.Fatalf("unassign: %v %+v", err, c)
		}
		for range 2 {
			c, err = s.DeactivateCode(ctx, acct.ID, code.ID)
			if err != nil || c.Active {
				t.Fatalf("deactivate: %v %+v", err, c)
			}
		}
	})
}
