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

func TestInstallIsSafeToRepeat(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		in := models.Install{Platform: "shopify", ExternalID: "demo.myshopify.com", ShopName: "Demo", Currency: "eur",
			Credentials: models.Credentials{"access_token": "one"}}
		first, err := s.InstallConnection(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		acct, _ := s.GetAccount(ctx, first.AccountID)
		if acct.Name != "Demo" || acct.Currency != "EUR" {
			t.Fatalf("merchant account %+v", acct)
		}
		if err := s.UninstallConnection(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		in.Credentials = models.Credentials{"access_token": "two"}
		again, err := s.InstallConnection(ctx, in)
		if err != nil || again.ID != first.ID || again.AccountID != first.AccountID || again.Status != models.ConnectionActive {
			t.Fatalf("reinstall: %+v %v", again, err)
		}
		creds, _ := s.ReadCredentials(again)
		if creds["access_token"] != "two" {
			t.Fatalf("reinstall kept old credentials: %v", creds)
		}
		var accounts int64
		s.DB().Model(&models.Account{}).Count(&accounts)
		if accounts != 1 {
			t.Fatalf("reinstall made %d accounts", accounts)
		}
		other, _ := s.CreateAccount(ctx, "Other", "", "USD")
		in.AccountID = other.ID
		if _, err := s.InstallConnection(ctx, in); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("another account took over the store: %v", err)
		}
	})
}

func TestShopRedactErasesTheShop(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		conn, _ := s.InstallConnection(ctx, models.Install{Platform: "shopify", ExternalID: "gone.myshopify.com", Currency: "USD"})
		aff, err := s.CreateAffiliate(ctx, conn.AccountID, models.NewAffiliate{Name: "Ann", Email: "ann@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertPlatformCodes(ctx, conn, []platforms.DiscountCode{{Code: "ANN10", Active: true, DiscountType: "percentage", DiscountValue: 1000}}); err != nil {
			t.Fatal(err)
		}
		s.DB().Model(&models.Code{}).Where("normalized = ?", "ANN10").Update("affiliate_id", aff.ID)
		if _, err := s.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: "1", Codes: []string{"ann10"}, Currency: "USD",
			Subtotal: 1000, CustomerEmail: "c@example.com", PlacedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		exp, err := s.CustomerData(ctx, conn.ID, "C@example.com", "", nil)
		if err != nil || len(exp.Conversions) != 1 || exp.Conversions[0].CustomerEmail != "c@example.com" {
			t.Fatalf("export %+v %v", exp, err)
		}
		var code models.Code
		s.DB().Where("normalized = ?", "ANN10").Take(&code)
		links, err := s.EnsureLinks(ctx, conn.AccountID, []uint64{code.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddLinkVisits(ctx, []models.LinkVisits{{AccountID: conn.AccountID, LinkID: links[code.ID].ID, Day: time.Now(), Visits: 3}}); err != nil {
			t.Fatal(err)
		}
		// Tables added since the erasure was written go too: an outgoing
		// webhook endpoint whose delivery of the order's conversion was tried.
		if _, err := s.CreateWebhookEndpoint(ctx, conn.AccountID, models.WebhookEndpointInput{URL: "https://hooks.example.com/cc",
			Events: []string{models.HookConversionCreated}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: "2", Codes: []string{"ann10"}, Currency: "USD",
			Subtotal: 2000, CustomerEmail: "d@example.com", PlacedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if n := s.DB().Exec("INSERT INTO webhook_attempts (delivery_id, endpoint_id, attempt, status_code) SELECT id, endpoint_id, 1, 500 FROM webhook_deliveries").RowsAffected; n != 1 {
			t.Fatalf("%d webhook deliveries of the order, want 1", n)
		}
		if err := s.RedactShop(ctx, conn.ID); err != nil {
			t.Fatal(err)
		}
		for _, m := range []any{&models.Account{}, &models.Affiliate{}, &models.Code{}, &models.Conversion{}, &models.LedgerEntry{}, &models.Connection{},
			&models.Link{}, &models.LinkVisitDay{}, &models.WebhookEndpoint{}, &models.WebhookDelivery{}, &models.WebhookAttempt{}} {
			var n int64
			s.DB().Model(m).Count(&n)
			if n != 0 {
				t.Errorf("%T: %d rows left after shop/redact", m, n)
			}
		}
	})
}

func TestCodeWebhookKeepsKnownPlatformIDs(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		conn, _ := s.InstallConnection(ctx, models.Install{Platform: "paddle", ExternalID: "k1", Currency: "USD"})
		s.UpsertPlatformCodes(ctx, conn, []platforms.DiscountCode{{PlatformID: "dsc_1", PlatformCodeID: "dsc_1", Code: "SAVE10",
			DiscountType: "percentage", DiscountValue: 1000, Active: true}})
		if err := s.ApplyCodeChange(ctx, conn, platforms.CodeChange{PlatformID: "dsc_1", Code: "SAVE10", DiscountType: "percentage", DiscountValue: 1500}); err != nil {
			t.Fatal(err)
		}
		var c models.Code
		s.DB().Where("normalized = ?", "SAVE10").Take(&c)
		if c.PlatformCodeID != "dsc_1" || c.DiscountValue != 1500 {
			t.Fatalf("after a discount webhook: %+v", c)
		}
	})
}

// Zero values are kept as given: a rule with no hold, an expired code.
func TestZeroValuesAreKept(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, _ := s.CreateAccount(ctx, "Shop", "", "USD")
		r, err := s.SetDefaultRule(ctx, a.ID, models.CommissionRule{Kind: models.CommissionPercent, BasisPoints: 1000, HoldDays: 0})
		if err != nil || r.HoldDays != 0 {
			t.Fatalf("hold days 0 saved as %+v (%v)", r, err)
		}
		conn, _ := s.InstallConnection(ctx, models.Install{AccountID: a.ID, Platform: "shopify", ExternalID: "z.myshopify.com"})
		s.UpsertPlatformCodes(ctx, conn, []platforms.DiscountCode{{Code: "EXPIRED5", DiscountType: "percentage", DiscountValue: 500, Active: false}})
		var c models.Code
		s.DB().Where("normalized = ?", "EXPIRED5").Take(&c)
		if c.Active {
			t.Fatal("an inactive discount was imported as active")
		}
	})
}

// A connection keeps its store's name, and its import's start and end.
func TestConnectionNameAndImportTimes(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { clock = clock.Add(time.Second); return clock })
		conn, err := s.InstallConnection(ctx, models.Install{Platform: "shopify", ExternalID: "timed.myshopify.com", ShopName: "Timed Goods", Currency: "USD"})
		if err != nil || conn.Name != "Timed Goods" || conn.DisplayName() != "Timed Goods" {
			t.Fatalf("connection %+v, %v", conn, err)
		}
		step := func(cursor string, done, total int, state string) *models.Connection {
			t.Helper()
			if err := s.SetImportProgress(ctx, conn.ID, cursor, done, total, state); err != nil {
				t.Fatal(err)
			}
			got, err := s.GetConnection(ctx, conn.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		first := step("p2", 10, 20, models.ImportRunning)
		if first.ImportStartedAt == nil || first.ImportFinishedAt != nil {
			t.Fatalf("first page: started %v, finished %v", first.ImportStartedAt, first.ImportFinishedAt)
		}
		if mid := step("p3", 15, 20, models.ImportRunning); !mid.ImportStartedAt.Equal(*first.ImportStartedAt) {
			t.Fatalf("the start moved on a later page: %v → %v", first.ImportStartedAt, mid.ImportStartedAt)
		}
		end := step("", 20, 20, models.ImportDone)
		if !end.ImportStartedAt.Equal(*first.ImportStartedAt) || end.ImportFinishedAt == nil || !end.ImportFinishedAt.After(*end.ImportStartedAt) {
			t.Fatalf("finished import: started %v, finished %v", end.ImportStartedAt, end.ImportFinishedAt)
		}
		again := step("p2", 5, 20, models.ImportRunning)
		if !again.ImportStartedAt.After(*first.ImportStartedAt) {
			t.Fatalf("importing again kept the old start %v", again.ImportStartedAt)
		}
	})
}
