package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// opsAccount creates an account for the ops tests.
func opsAccount(t testing.TB, s *models.Store, name string) *models.Account {
	t.Helper()
	a, err := s.CreateAccount(context.Background(), name, "", "USD")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// opsAffiliate creates an affiliate or fails the test.
func opsAffiliate(t testing.TB, s *models.Store, accountID uint64, name, email string) *models.Affiliate {
	t.Helper()
	a, err := s.CreateAffiliate(context.Background(), accountID, models.NewAffiliate{Name: name, Email: email})
	if err != nil {
		t.Fatalf("create affiliate %s: %v", name, err)
	}
	return a
}

// wantErr checks err against a sentinel (nil for success) and, when msg is
// set, that the message mentions it.
func opsWantErr(t testing.TB, err, sentinel error, msg string) {
	t.Helper()
	switch {
	case sentinel == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case sentinel != nil && !errors.Is(err, sentinel):
		t.Fatalf("error = %v, want %v", err, sentinel)
	case msg != "" && (err == nil || !strings.Contains(err.Error(), msg)):
		t.Fatalf("error = %v, want it to mention %q", err, msg)
	}
}

func TestCreateAffiliate(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		opsAffiliate(t, s, acct.ID, "Jane Doe", "jane@example.com")
		tests := []struct {
			name      string
			account   uint64
			in        models.NewAffiliate
			sentinel  error
			msg       string
			wantEmail string
		}{
			{"ok, email lower-cased", acct.ID, models.NewAffiliate{Name: " Bob ", Email: " Bob@Example.COM "}, nil, "", "bob@example.com"},
			{"name required", acct.ID, models.NewAffiliate{Name: "  ", Email: "x@example.com"}, models.ErrInvalid, "name is required", ""},
			{"email required", acct.ID, models.NewAffiliate{Name: "X"}, models.ErrInvalid, "email is required", ""},
			{"email invalid", acct.ID, models.NewAffiliate{Name: "X", Email: "not-an-email"}, models.ErrInvalid, "not a valid address", ""},
			{"display name refused", acct.ID, models.NewAffiliate{Name: "X", Email: "X <x@example.com>"}, models.ErrInvalid, "not a valid address", ""},
			{"no domain dot", acct.ID, models.NewAffiliate{Name: "X", Email: "x@localhost"}, models.ErrInvalid, "not a valid address", ""},
			{"email taken, any case", acct.ID, models.NewAffiliate{Name: "J2", Email: "JANE@example.com"}, models.ErrConflict, "jane@example.com is already used by affiliate", ""},
			{"same email in another account", other.ID, models.NewAffiliate{Name: "Jane", Email: "jane@example.com"}, nil, "", "jane@example.com"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				a, err := s.CreateAffiliate(ctx, tc.account, tc.in)
				opsWantErr(t, err, tc.sentinel, tc.msg)
				if err == nil && (a.Email != tc.wantEmail || a.Status != models.AffiliateActive || a.Name != strings.TrimSpace(tc.in.Name)) {
					t.Fatalf("affiliate = %+v", a)
				}
			})
		}
		_, total, err := s.ListAffiliates(ctx, acct.ID, models.AffiliateFilter{})
		if err != nil || total != 2 {
			t.Fatalf("after the table the account has %d affiliates (%v), want 2", total, err)
		}
	})
}

func TestListAffiliatesSearchAndPaging(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		for i := 1; i <= 25; i++ {
			opsAffiliate(t, s, acct.ID, fmt.Sprintf("Partner %02d", i), fmt.Sprintf("p%02d@example.com", i))
		}
		opsAffiliate(t, s, acct.ID, "Anna MacLeod", "anna@podcast.fm")
		opsAffiliate(t, s, acct.ID, "Under_Score", "u@example.com")
		opsAffiliate(t, s, other.ID, "Anna Other", "anna@other.fm")
		tests := []struct {
			name      string
			f         models.AffiliateFilter
			wantTotal int64
			wantLen   int
			wantFirst string
		}{
			{"all, newest first", models.AffiliateFilter{}, 27, 27, "Under_Score"},
			{"name, any case", models.AffiliateFilter{Q: "macLEOD"}, 1, 1, "Anna MacLeod"},
			{"email part", models.AffiliateFilter{Q: "PODCAST"}, 1, 1, "Anna MacLeod"},
			{"other account invisible", models.AffiliateFilter{Q: "anna"}, 1, 1, "Anna MacLeod"},
			{"underscore is literal", models.AffiliateFilter{Q: "r_s"}, 1, 1, "Under_Score"},
			{"percent is literal", models.AffiliateFilter{Q: "%"}, 0, 0, ""},
			{"page 2 of 10", models.AffiliateFilter{Q: "partner", Page: 2, PerPage: 10}, 25, 10, "Partner 15"},
			{"last page", models.AffiliateFilter{Q: "partner", Page: 3, PerPage: 10}, 25, 5, "Partner 05"},
			{"past the end", models.AffiliateFilter{Q: "partner", Page: 9, PerPage: 10}, 25, 0, ""},
			{"per page clamped to 200", models.AffiliateFilter{PerPage: 5000}, 27, 27, "Under_Score"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := s.ListAffiliates(ctx, acct.ID, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if total != tc.wantTotal || len(got) != tc.wantLen {
					t.Fatalf("total %d, len %d; want %d, %d", total, len(got), tc.wantTotal, tc.wantLen)
				}
				if tc.wantFirst != "" && got[0].Name != tc.wantFirst {
					t.Fatalf("first = %q, want %q", got[0].Name, tc.wantFirst)
				}
			})
		}
	})
}

func TestUpdateAffiliate(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		jane := opsAffiliate(t, s, acct.ID, "Jane", "jane@example.com")
		opsAffiliate(t, s, acct.ID, "Bob", "bob@example.com")
		str := func(v string) *string { return &v }
		tests := []struct {
			name     string
			account  uint64
			p        models.AffiliatePatch
			sentinel error
			msg      string
			check    func(a *models.Affiliate) bool
		}{
			{"rename only", acct.ID, models.AffiliatePatch{Name: str("Jane Doe")}, nil, "",
				func(a *models.Affiliate) bool { return a.Name == "Jane Doe" && a.Email == "jane@example.com" }},
			{"disable", acct.ID, models.AffiliatePatch{Status: str("disabled")}, nil, "",
				func(a *models.Affiliate) bool { return a.Status == models.AffiliateDisabled && a.Name == "Jane Doe" }},
			{"notes and own email again", acct.ID, models.AffiliatePatch{Notes: str("VIP"), Email: str("Jane@example.com")}, nil, "",
				func(a *models.Affiliate) bool { return a.Notes == "VIP" && a.Email == "jane@example.com" }},
			{"bad status", acct.ID, models.AffiliatePatch{Status: str("deleted")}, models.ErrInvalid, "status must be", nil},
			{"empty name", acct.ID, models.AffiliatePatch{Name: str(" ")}, models.ErrInvalid, "name is required", nil},
			{"email of Bob", acct.ID, models.AffiliatePatch{Email: str("bob@example.com")}, models.ErrConflict, "already used by affiliate", nil},
			{"other account", other.ID, models.AffiliatePatch{Name: str("Hacked")}, models.ErrNotFound, "affiliate", nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				a, err := s.UpdateAffiliate(ctx, tc.account, jane.ID, tc.p)
				opsWantErr(t, err, tc.sentinel, tc.msg)
				if tc.check != nil && !tc.check(a) {
					t.Fatalf("affiliate = %+v", a)
				}
			})
		}
		got, _ := s.GetAffiliate(ctx, acct.ID, jane.ID)
		if got.Name != "Jane Doe" || got.Email != "jane@example.com" || got.Notes != "VIP" {
			t.Fatalf("failed updates changed the row: %+v", got)
		}
	})
}

func TestDeleteAffiliate(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		fresh := opsAffiliate(t, s, acct.ID, "Fresh", "fresh@example.com")
		earner := opsAffiliate(t, s, acct.ID, "Earner", "earner@example.com")
		code, err := s.CreateManualCode(ctx, acct.ID, models.NewCode{Code: "FRESH10", AffiliateID: &fresh.ID,
			DiscountSpec: models.DiscountSpec{Type: models.DiscountPercentage, Value: 1000}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetAffiliateRule(ctx, acct.ID, fresh.ID, models.CommissionRule{Kind: models.CommissionPercent, BasisPoints: 2000}); err != nil {
			t.Fatal(err)
		}
		entry := models.LedgerEntry{AccountID: acct.ID, AffiliateID: earner.ID, Kind: models.EntryAccrual, Amount: 100,
			Currency: "USD", Status: models.EntryPending, AvailableAt: s.Now()}
		if err := s.DB().Create(&entry).Error; err != nil {
			t.Fatal(err)
		}

		if _, _, err := s.DeleteAffiliate(ctx, other.ID, fresh.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("delete from another account: %v", err)
		}
		a, deleted, err := s.DeleteAffiliate(ctx, acct.ID, fresh.ID)
		if err != nil || !deleted || a.ID != fresh.ID {
			t.Fatalf("delete fresh: %v %v %+v", deleted, err, a)
		}
		if _, err := s.GetAffiliate(ctx, acct.ID, fresh.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("deleted affiliate still there: %v", err)
		}
		c, _ := s.GetCode(ctx, acct.ID, code.ID)
		if c.AffiliateID != nil {
			t.Fatalf("code of a deleted affiliate still assigned: %+v", c)
		}

		a, deleted, err = s.DeleteAffiliate(ctx, acct.ID, earner.ID)
		if err != nil || deleted || a.Status != models.AffiliateDisabled {
			t.Fatalf("affiliate with ledger entries: deleted=%v err=%v %+v", deleted, err, a)
		}
		got, err := s.GetAffiliate(ctx, acct.ID, earner.ID)
		if err != nil || got.Status != models.AffiliateDisabled {
			t.Fatalf("affiliate with history must stay, disabled: %+v %v", got, err)
		}
	})
}

func TestCreateAffiliatesAllOrNothing(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		opsAffiliate(t, s, acct.ID, "Existing", "taken@example.com")
		bad := []models.NewAffiliate{
			{Name: "Ok One", Email: "one@example.com"},
			{Name: "", Email: "two@example.com"},
			{Name: "Dup", Email: "ONE@example.com"},
			{Name: "Taken", Email: "taken@example.com"},
			{Name: "Bad", Email: "nope"},
			{Name: "Two\r\nLines", Email: "lines@example.com"},
		}
		_, err := s.CreateAffiliates(ctx, acct.ID, bad)
		var be *models.BulkError
		if !errors.As(err, &be) || !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("err = %v, want a BulkError", err)
		}
		want := map[int]string{2: "name is required", 3: "also on row 1", 4: "already used", 5: "not a valid address",
			6: "name must be printable text on one line"}
		if len(be.Rows) != len(want) {
			t.Fatalf("row errors = %+v", be.Rows)
		}
		for _, r := range be.Rows {
			if !strings.Contains(r.Message, want[r.Row]) {
				t.Fatalf("row %d: %q, want it to mention %q", r.Row, r.Message, want[r.Row])
			}
		}
		if _, total, _ := s.ListAffiliates(ctx, acct.ID, models.AffiliateFilter{}); total != 1 {
			t.Fatalf("a rejected batch saved rows: total %d", total)
		}
		good := []models.NewAffiliate{{Name: "A", Email: "a@example.com"}, {Name: "B", Email: "b@example.com"}}
		made, err := s.CreateAffiliates(ctx, acct.ID, good)
		if err != nil || len(made) != 2 || made[0].ID == 0 || made[1].AccountID != acct.ID {
			t.Fatalf("good batch: %v %+v", err, made)
		}
	})
}
