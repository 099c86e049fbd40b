package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
)

func TestPortalShowsTrackedLinks(t *testing.T) {
	m := newMailEnv(t)
	ctx := context.Background()
	shop, rival := m.tenant("Acme"), m.tenant("Rival")
	var jane models.Affiliate
	var code models.Code
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	m.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE10", "discount_type": "percentage",
		"discount_value": 1000, "affiliate_id": jane.ID}, &code)
	m.must(http.StatusCreated, "POST", "/api/v1/codes", rival.key, map[string]any{"code": "JANE10", "discount_type": "percentage",
		"discount_value": 1000}, nil)
	links, err := m.store.EnsureLinks(ctx, shop.acct.ID, []uint64{code.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.store.AddLinkVisits(ctx, []models.LinkVisits{{AccountID: shop.acct.ID, LinkID: links[code.ID].ID, Day: m.store.Now(), Visits: 3}}); err != nil {
		t.Fatal(err)
	}
	var page string
	m.step("the affiliate signs in", func(t *testing.T) {
		page = m.portalGet("/portal/", m.signIn(t, m.signInLink(t, "jane@example.com"))).Body.String()
	})
	m.check("the dashboard shares the code's tracked link and what it did", func(t *testing.T) {
		if !strings.Contains(page, testAppURL+"/r/jane10\"") || !strings.Contains(page, "3 visits and 0 orders in the last 30 days") {
			t.Fatalf("dashboard without the tracked link or its visits:\n%s", page)
		}
	})
}
