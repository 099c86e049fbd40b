package models_test

import (
	"context"
	"fmt"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// codeSlugs maps the account's codes to their links' slugs; a code
// without a link maps to "".
func codeSlugs(t *testing.T, s *models.Store, accountID uint64) map[string]string {
	t.Helper()
	var rows []struct{ Code, Slug string }
	err := s.DB().Raw(`SELECT codes.code, COALESCE(links.slug, '') AS slug FROM codes
LEFT JOIN links ON links.code_id = codes.id AND links.account_id = codes.account_id WHERE codes.account_id = ?`, accountID).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Code] = r.Slug
	}
	return out
}

func importCodes(t *testing.T, s *models.Store, conn *models.Connection, codes ...string) {
	t.Helper()
	in := make([]platforms.DiscountCode, len(codes))
	for i, c := range codes {
		in[i] = platforms.DiscountCode{PlatformID: "d" + c, Code: c, DiscountType: "percentage", DiscountValue: 1000, Active: true}
	}
	if _, err := s.UpsertPlatformCodes(context.Background(), conn, in); err != nil {
		t.Fatal(err)
	}
}

func TestCodesGetLinksWhenMade(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, connA := testdb.ConnectedAccount(t, s, "Hats", "", models.Install{Platform: platforms.Shopify, ExternalID: "hats.myshopify.com", Currency: "USD"}, nil)
		b, connB := testdb.ConnectedAccount(t, s, "Boots", "", models.Install{Platform: platforms.WooCommerce, ExternalID: "https://boots.example", Currency: "USD"}, nil)
		importCodes(t, s, connA, "SUMMER10", "A B", "A-B")
		importCodes(t, s, connB, "summer10", "a.b")
		for _, c := range []struct {
			acct       uint64
			code, slug string
		}{
			{a.ID, "SUMMER10", "summer10"}, {a.ID, "A B", "a-b"}, {a.ID, "A-B", "a-b-2"},
			{b.ID, "summer10", "summer10-2"}, {b.ID, "a.b", "a-b-3"},
		} {
			if got := codeSlugs(t, s, c.acct)[c.code]; got != c.slug {
				t.Errorf("imported %s: slug %q, want %q", c.code, got, c.slug)
			}
		}

		many := make([]string, 2500)
		for i := range many {
			many[i] = fmt.Sprintf("BULK%04d", i)
		}
		importCodes(t, s, connA, many...)
		importCodes(t, s, connA, many...) // importing again changes no link
		slugs := codeSlugs(t, s, a.ID)
		var links int64
		s.DB().Model(&models.Link{}).Where("account_id = ?", a.ID).Count(&links)
		if len(slugs) != 2503 || links != 2503 || slugs["BULK0000"] != "bulk0000" || slugs["BULK2499"] != "bulk2499" {
			t.Fatalf("after a large import: %d codes, %d links, %q %q", len(slugs), links, slugs["BULK0000"], slugs["BULK2499"])
		}

		if err := s.ApplyCodeChange(ctx, connB, platforms.CodeChange{PlatformID: "9", Code: "Hook 5", DiscountType: "percentage", DiscountValue: 500}); err != nil {
			t.Fatal(err)
		}
		manual, err := s.CreateManualCode(ctx, b.ID, models.NewCode{Code: "VIP_5", DiscountSpec: models.DiscountSpec{Type: "percentage", Value: 500}})
		if err != nil {
			t.Fatal(err)
		}
		aff, err := s.CreateAffiliate(ctx, b.ID, models.NewAffiliate{Name: "Maya Stone", Email: "maya@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		made, err := s.GenerateCodes(ctx, b.ID, "{FIRST}{DISCOUNT}", models.DiscountSpec{Type: "percentage", Value: 1500}, []uint64{aff.ID})
		if err != nil || len(made) != 1 {
			t.Fatalf("generate: %v %v", made, err)
		}
		slugs = codeSlugs(t, s, b.ID)
		if slugs["Hook 5"] != "hook-5" || slugs[manual.Code] != "vip_5" || slugs[made[0].Code] != models.DefaultSlug(made[0].Code) {
			t.Fatalf("webhook, manual and generated codes' links: %v", slugs)
		}
	})
}

func TestMigrateBackfillsLinks(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, conn := testdb.ConnectedAccount(t, s, "Hats", "", models.Install{Platform: platforms.Shopify, ExternalID: "hats.myshopify.com", Currency: "USD"}, nil)
		importCodes(t, s, conn, "OLD1", "OLD2", "KEEP")
		before := codeSlugs(t, s, a.ID)
		// Codes made before links were made with them have none.
		if err := s.DB().Where("slug IN ?", []string{"old1", "old2"}).Delete(&models.Link{}).Error; err != nil {
			t.Fatal(err)
		}
		if got := codeSlugs(t, s, a.ID); got["OLD1"] != "" || got["KEEP"] != "keep" {
			t.Fatalf("links removed: %v", got)
		}
		var keep models.Link
		s.DB().Where("slug = ?", "keep").Take(&keep)
		for range 2 { // a second migration finds nothing to do
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var n int64
			s.DB().Model(&models.Link{}).Count(&n)
			got := codeSlugs(t, s, a.ID)
			if n != 3 || got["OLD1"] != before["OLD1"] || got["OLD2"] != "old2" || got["KEEP"] != "keep" {
				t.Fatalf("after migrating: %d links, %v", n, got)
			}
		}
		var again models.Link
		s.DB().Where("slug = ?", "keep").Take(&again)
		if again.ID != keep.ID {
			t.Fatalf("an existing link was replaced: %d, was %d", again.ID, keep.ID)
		}
	})
}
