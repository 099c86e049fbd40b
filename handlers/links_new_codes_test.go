package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
)

// TestNewCodeLinksWorkAtOnce: a code's /r/{code} works the moment the
// code exists, however it was made, with no one having shown it first.
func TestNewCodeLinksWorkAtOnce(t *testing.T) {
	v := newLinkEnv(t)
	a, imported := v.shopWithCode("hats.myshopify.com", "Imported10")
	redirects := func(t *testing.T, slug, want string) {
		t.Helper()
		rec := v.visit("GET", slug, "203.0.113.20", browserUA)
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != want {
			t.Fatalf("/r/%s: %d %q, want a redirect to %q", slug, rec.Code, rec.Header().Get("Location"), want)
		}
	}
	v.step("an imported code's link sends to the store at once", func(t *testing.T) {
		redirects(t, "imported10", "https://hats.myshopify.com/discount/Imported10?redirect=%2F")
	})
	var created models.Code
	v.step("a code created through the API has its link at once", func(t *testing.T) {
		v.must(http.StatusCreated, "POST", "/api/v1/codes", a.key,
			map[string]any{"code": "Fresh_20", "discount_type": "percentage", "discount_value": 2000}, &created)
		redirects(t, "fresh_20", "https://hats.myshopify.com/discount/Fresh_20?redirect=%2F")
	})
	v.step("a code generated for an affiliate has its link at once", func(t *testing.T) {
		var aff models.Affiliate
		v.must(http.StatusCreated, "POST", "/api/v1/affiliates", a.key, map[string]string{"name": "Maya Stone", "email": "maya@example.com"}, &aff)
		var made struct{ Data []models.Code }
		v.must(http.StatusCreated, "POST", "/api/v1/codes/generate", a.key, map[string]any{"template": "{FIRST}{DISCOUNT}",
			"discount_type": "percentage", "discount_value": 1500, "affiliate_ids": []uint64{aff.ID}}, &made)
		if len(made.Data) != 1 || made.Data[0].Code != "MAYA15" {
			t.Fatalf("generated %+v", made.Data)
		}
		redirects(t, "maya15", "https://hats.myshopify.com/discount/MAYA15?redirect=%2F")
	})
	v.step("a deactivated code's link, or one the store deleted, still sends to the store, as before", func(t *testing.T) {
		v.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/codes/%d/deactivate", created.ID), a.key, nil, nil)
		redirects(t, "fresh_20", "https://hats.myshopify.com/discount/Fresh_20?redirect=%2F")
		conn, err := v.store.GetConnection(context.Background(), imported.ConnectionID)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.store.ApplyCodeChange(context.Background(), conn, platforms.CodeChange{PlatformID: "1", Deleted: true}); err != nil {
			t.Fatal(err)
		}
		redirects(t, "imported10", "https://hats.myshopify.com/discount/Imported10?redirect=%2F")
	})
	v.step("a code erased with its store's data has a dead link, a 404 as before", func(t *testing.T) {
		_, gone := v.shopWithCode("boots.myshopify.com", "Gone5") // not visited: nothing cached
		var made int64
		v.store.DB().Model(&models.Link{}).Where("code_id = ? AND slug = ?", gone.ID, "gone5").Count(&made)
		if made != 1 {
			t.Fatal("the imported code has no link")
		}
		if err := v.store.RedactShop(context.Background(), gone.ConnectionID); err != nil {
			t.Fatal(err)
		}
		rec := v.visit("GET", "gone5", "203.0.113.20", browserUA)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "This link does not exist") {
			t.Fatalf("an erased code's link: %d", rec.Code)
		}
		v.store.DB().Model(&models.Link{}).Where("slug = ?", "gone5").Count(&made)
		if made != 0 {
			t.Fatal("the erased code's link is kept, its name taken for good")
		}
	})
}
