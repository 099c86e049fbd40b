package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

func TestDefaultSlug(t *testing.T) {
	for in, want := range map[string]string{
		"SUMMER10":         "summer10",
		"  Maya Stone 15 ": "maya-stone-15",
		"A__B--c":          "a__b--c",
		"ÉTÉ 20%":          "t-20",
		"!!!":              "link",
		"X0123456789012345678901234567890123456789012345678901234567890123456789": "x01234567890123456789012345678901234567890123456789012345678", // 60: room for "-NNN"
	} {
		if got := models.DefaultSlug(in); got != want {
			t.Errorf("DefaultSlug(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "with space", "slash/ed", "ünï", string(make([]byte, 65))} {
		if _, err := models.CheckSlug(bad); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("CheckSlug(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestLinkVisitsAddUp(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	acct, _ := testdb.ConnectedAccount(t, s, "Hats", "", models.Install{Platform: platforms.Shopify, ExternalID: "hats.myshopify.com", Currency: "USD"},
		[]platforms.DiscountCode{{PlatformID: "1", Code: "HAT10", DiscountType: "percentage", DiscountValue: 1000, Active: true}})
	var code models.Code
	s.DB().Where("account_id = ?", acct.ID).Take(&code)
	links, err := s.EnsureLinks(ctx, acct.ID, []uint64{code.ID})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.EnsureLinks(ctx, acct.ID, []uint64{code.ID})
	if links[code.ID].Slug != "hat10" || again[code.ID].ID != links[code.ID].ID {
		t.Fatalf("links %+v then %+v", links, again)
	}
	day := time.Date(2026, 11, 3, 23, 59, 0, 0, time.UTC)
	l := links[code.ID]
	for i := 0; i < 3; i++ { // three flushes, the last two with a visit of the next day
		batch := []models.LinkVisits{{AccountID: acct.ID, LinkID: l.ID, Day: day, Visits: 1}, {AccountID: acct.ID, LinkID: l.ID, Day: day, Visits: 2}}
		if i > 0 {
			batch = append(batch, models.LinkVisits{AccountID: acct.ID, LinkID: l.ID, Day: day.Add(time.Minute), Visits: 1})
		}
		if err := s.AddLinkVisits(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LinkVisitTotals(ctx, acct.ID, []uint64{l.ID}, day.Truncate(24*time.Hour), day.AddDate(0, 0, 1).Truncate(24*time.Hour))
	if err != nil || got[l.ID] != 9 {
		t.Fatalf("Nov 3: %v %v, want 9", got, err)
	}
	rep, err := s.LinkReport(ctx, models.LinkStatsQuery{AccountID: acct.ID, From: day.Truncate(24 * time.Hour), To: day.AddDate(0, 0, 2)})
	if err != nil || len(rep) != 1 || rep[0].Visits != 11 || rep[0].Code != "HAT10" || rep[0].Slug != "hat10" {
		t.Fatalf("report %+v %v", rep, err)
	}
}
