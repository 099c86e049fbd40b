package models_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

var generatedShape = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{1,30}[A-Z0-9]$`)

func TestGenerateCodesTemplates(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		jane := opsAffiliate(t, s, acct.ID, "Jane Doe", "jane@example.com")
		emile := opsAffiliate(t, s, acct.ID, "Émile Straße-Øre", "emile@example.com")
		solo := opsAffiliate(t, s, acct.ID, "Cher", "cher@example.com")
		long := opsAffiliate(t, s, acct.ID, "Maximilianus Bartholomew Featherstonehaugh", "max@example.com")
		ten := opsPct(1000)
		tests := []struct {
			name     string
			template string
			discount models.DiscountSpec
			aff      uint64
			want     string // exact, or a regexp when it starts with ^
			sentinel error
			msg      string
		}{
			{"account default rule", "", opsPct(1500), jane.ID, "JANE15", nil, ""},
			{"first last", "{FIRST}{LAST}", ten, jane.ID, "JANEDOE", nil, ""},
			{"literal around", "vip-{first}_{discount}!", opsPct(2000), jane.ID, "VIP-JANE_20", nil, ""},
			{"fractional percent", "{FIRST}{DISCOUNT}", opsPct(1250), jane.ID, "JANE125", nil, ""},
			{"fixed amount major units", "{FIRST}{DISCOUNT}OFF", models.DiscountSpec{Type: "fixed_amount", Value: 1000}, jane.ID, "JANE10OFF", nil, ""},
			{"fixed amount yen", "{FIRST}{DISCOUNT}", models.DiscountSpec{Type: "fixed_amount", Value: 500, Currency: "JPY"}, jane.ID, "JANE500", nil, ""},
			{"transliterated", "{NAME}", ten, emile.ID, "EMILESTRASSEORE", nil, ""},
			{"random", "{FIRST}{RANDOM6}", ten, jane.ID, "^JANE[A-HJKMNP-Z2-9]{6}$", nil, ""},
			{"too long is shortened", "{NAME}{RANDOM4}", ten, long.ID, "^MAXIMILIANUSBARTHOLOMEWFEATH[A-HJKMNP-Z2-9]{4}$", nil, ""},
			{"unknown token", "{FIRST}{CITY}", ten, jane.ID, "", models.ErrInvalid, "unknown token {CITY}"},
			{"random out of range", "{RANDOM13}", ten, jane.ID, "", models.ErrInvalid, "from 1 to 12"},
			{"random zero", "X{RANDOM0}", ten, jane.ID, "", models.ErrInvalid, "from 1 to 12"},
			{"unclosed", "{FIRST", ten, jane.ID, "", models.ErrInvalid, "without its }"},
			{"stray close", "FIRST}", ten, jane.ID, "", models.ErrInvalid, "without its {"},
			{"too short", "{LAST}", ten, solo.ID, "", models.ErrInvalid, "at least 3 letters or digits"},
			{"fixed parts too long", "{RANDOM12}{RANDOM12}{RANDOM12}", ten, jane.ID, "", models.ErrInvalid, "at most 32"},
			{"bad discount", "{FIRST}", opsPct(0), jane.ID, "", models.ErrInvalid, "basis points"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.PreviewCodes(ctx, acct.ID, tc.template, tc.discount, []uint64{tc.aff})
				opsWantErr(t, err, tc.sentinel, tc.msg)
				if err != nil {
					return
				}
				code := got[0].Code
				if got[0].AffiliateID != tc.aff || !generatedShape.MatchString(code) {
					t.Fatalf("preview = %+v", got)
				}
				if strings.HasPrefix(tc.want, "^") && !regexp.MustCompile(tc.want).MatchString(code) || !strings.HasPrefix(tc.want, "^") && code != tc.want {
					t.Fatalf("code = %q, want %q", code, tc.want)
				}
			})
		}
		if _, total, _ := s.ListCodes(ctx, acct.ID, models.CodeFilter{}); total != 0 {
			t.Fatalf("preview wrote %d codes", total)
		}
	})
}

func TestGenerateCodesCollisionFree(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		other := opsAccount(t, s, "Other")
		var ids []uint64
		for _, e := range []string{"a", "b", "c"} {
			ids = append(ids, opsAffiliate(t, s, acct.ID, "Jane "+e, "jane-"+e+"@example.com").ID)
		}
		if _, err := s.CreateManualCode(ctx, acct.ID, models.NewCode{Code: "jane15", DiscountSpec: opsPct(1500)}); err != nil {
			t.Fatal(err)
		}
		made, err := s.GenerateCodes(ctx, acct.ID, "{FIRST}{DISCOUNT}", opsPct(1500), ids)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"JANE15B", "JANE15C", "JANE15D"}
		for i, c := range made {
			if c.Code != want[i] || c.Source != models.SourceGenerated || c.AffiliateID == nil || *c.AffiliateID != ids[i] ||
				c.DiscountValue != 1500 || c.SyncStatus != models.SyncNone || !c.Active {
				t.Fatalf("code %d = %+v, want %s", i, c, want[i])
			}
		}
		// Random parts: many codes, all distinct, no look-alike characters.
		var many []uint64
		for i := range 60 {
			many = append(many, opsAffiliate(t, s, acct.ID, "Al", "al"+strings.Repeat("x", i)+"@example.com").ID)
		}
		made, err = s.GenerateCodes(ctx, acct.ID, "{FIRST}{RANDOM2}", opsPct(1000), many)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range made {
			if seen[c.Code] || !generatedShape.MatchString(c.Code) || strings.ContainsAny(c.Code[2:], "0O1IL") {
				t.Fatalf("bad or repeated code %q", c.Code)
			}
			seen[c.Code] = true
		}
		// Errors: nothing saved.
		_, before, _ := s.ListCodes(ctx, acct.ID, models.CodeFilter{})
		stranger := opsAffiliate(t, s, other.ID, "Stranger", "s@example.com")
		_, err = s.GenerateCodes(ctx, acct.ID, "{FIRST}{RANDOM4}", opsPct(1000), []uint64{ids[0], stranger.ID})
		opsWantErr(t, err, models.ErrNotFound, "affiliate")
		_, err = s.GenerateCodes(ctx, acct.ID, "{FIRST}{RANDOM4}", opsPct(1000), []uint64{ids[0], ids[0]})
		opsWantErr(t, err, models.ErrInvalid, "listed twice")
		disabled := models.AffiliateDisabled
		s.UpdateAffiliate(ctx, acct.ID, ids[2], models.AffiliatePatch{Status: &disabled})
		_, err = s.GenerateCodes(ctx, acct.ID, "{FIRST}{RANDOM4}", opsPct(1000), []uint64{ids[2]})
		opsWantErr(t, err, models.ErrInvalid, "is disabled")
		_, err = s.GenerateCodes(ctx, acct.ID, "{FIRST}{RANDOM1}", opsPct(1000), many)
		opsWantErr(t, err, models.ErrConflict, "no free code")
		if _, after, _ := s.ListCodes(ctx, acct.ID, models.CodeFilter{}); after != before {
			t.Fatalf("failed generation saved codes: %d → %d", before, after)
		}
	})
}

func TestGenerateMissingCodes(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		has := opsAffiliate(t, s, acct.ID, "Has Code", "has@example.com")
		lapsed := opsAffiliate(t, s, acct.ID, "Lapsed", "lapsed@example.com")
		none := opsAffiliate(t, s, acct.ID, "None", "none@example.com")
		off := opsAffiliate(t, s, acct.ID, "Off", "off@example.com")
		disabled := models.AffiliateDisabled
		s.UpdateAffiliate(ctx, acct.ID, off.ID, models.AffiliatePatch{Status: &disabled})
		s.CreateManualCode(ctx, acct.ID, models.NewCode{Code: "HAS", DiscountSpec: opsPct(1000), AffiliateID: &has.ID})
		old, _ := s.CreateManualCode(ctx, acct.ID, models.NewCode{Code: "LAPSED", DiscountSpec: opsPct(1000), AffiliateID: &lapsed.ID})
		s.DeactivateCode(ctx, acct.ID, old.ID)

		made, err := s.GenerateMissingCodes(ctx, acct.ID, "", opsPct(2000))
		if err != nil {
			t.Fatal(err)
		}
		if len(made) != 2 || *made[0].AffiliateID != lapsed.ID || made[0].Code != "LAPSED20" || *made[1].AffiliateID != none.ID || made[1].Code != "NONE20" {
			t.Fatalf("made = %+v", made)
		}
		made, err = s.GenerateMissingCodes(ctx, acct.ID, "", opsPct(2000))
		if err != nil || len(made) != 0 {
			t.Fatalf("second run: %v %+v", err, made)
		}
	})
}

func TestGenerateCodesConcurrently(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	acct := opsAccount(t, s, "Shop")
	a := opsAffiliate(t, s, acct.ID, "Jane", "jane@example.com")
	b := opsAffiliate(t, s, acct.ID, "Jane", "jane2@example.com")
	errs := make(chan error, 2)
	for _, id := range []uint64{a.ID, b.ID} {
		go func() { _, err := s.GenerateCodes(ctx, acct.ID, "{FIRST}OFF", opsPct(1000), []uint64{id}); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil && !errors.Is(err, models.ErrConflict) {
			t.Fatal(err)
		}
	}
	codes, _, _ := s.ListCodes(ctx, acct.ID, models.CodeFilter{})
	if len(codes) != 2 || codes[0].Code == codes[1].Code {
		t.Fatalf("concurrent generation: %+v", codes)
	}
}
