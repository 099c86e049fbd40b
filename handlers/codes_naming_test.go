package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
)

// TestNamingRulePreviewIsWhatGenerates: for every rule, the Settings
// example, the preview and the generated code agree, on each kind of store.
func TestNamingRulePreviewIsWhatGenerates(t *testing.T) {
	v := newEnv(t)
	tests := []struct {
		rule            string
		shopify, stripe string // for Ann Lee at 15%
	}{
		{"{FIRST}-{DISCOUNT}", "ANN-15", "ANN15"},
		{"{FIRST}{DISCOUNT}", "ANN15", "ANN15"},
		{"vip_{first}!{discount}", "VIP_ANN15", "VIPANN15"},
		{"{FIRST}-{LAST}-", "ANN-LEE", "ANNLEE"},
		{"Spring {NAME}", "SPRINGANNLEE", "SPRINGANNLEE"},
	}
	n := 0
	for _, tc := range tests {
		for _, store := range []struct{ platform, want string }{{platforms.Shopify, tc.shopify}, {platforms.Stripe, tc.stripe}} {
			n++
			shop := v.tenant("Shop")
			conn, err := v.store.InstallConnection(context.Background(), models.Install{AccountID: shop.acct.ID,
				Platform: store.platform, ExternalID: fmt.Sprintf("store-%d", n), Currency: "USD"})
			if err != nil {
				t.Fatal(err)
			}
			var ann models.Affiliate
			v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Ann Lee", "email": "ann@example.com"}, &ann)
			body := map[string]any{"template": tc.rule, "discount_type": "percentage", "discount_value": 1500, "connection_id": conn.ID, "sample": true}
			var sample, preview listOf[models.GeneratedCode]
			v.must(http.StatusOK, "POST", "/api/v1/codes/preview", shop.key, body, &sample)
			delete(body, "sample")
			body["affiliate_ids"] = []uint64{ann.ID}
			v.must(http.StatusOK, "POST", "/api/v1/codes/preview", shop.key, body, &preview)
			var made listOf[models.Code]
			v.must(http.StatusCreated, "POST", "/api/v1/codes/generate", shop.key, body, &made)
			got := made.Data[0]
			if sample.Data[0].Code != store.want || preview.Data[0].Code != store.want || got.Code != store.want {
				t.Fatalf("%q on %s: example %q, preview %q, generated %q, want %q", tc.rule, store.platform,
					sample.Data[0].Code, preview.Data[0].Code, got.Code, store.want)
			}
			if got.ConnectionID != conn.ID || got.SyncStatus != models.SyncPending {
				t.Fatalf("%q on %s: %+v is not pending on the chosen store", tc.rule, store.platform, got)
			}
		}
	}
}

// TestSecondCodeSuffix: a second code for the same name gets a suffix that
// cannot be read as part of the discount.
func TestSecondCodeSuffix(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	var noah models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Noah Park", "email": "noah@example.com"}, &noah)
	for _, tc := range []struct{ rule, codes string }{
		{"{FIRST}{DISCOUNT}", "NOAH10 NOAH10B NOAH10C"},
		{"{FIRST}", "NOAH NOAH2 NOAH3"},
	} {
		got := ""
		for range 3 {
			var made listOf[models.Code]
			v.must(http.StatusCreated, "POST", "/api/v1/codes/generate", shop.key, map[string]any{"template": tc.rule,
				"discount_type": "percentage", "discount_value": 1000, "affiliate_ids": []uint64{noah.ID}}, &made)
			if got != "" {
				got += " "
			}
			got += made.Data[0].Code
		}
		if got != tc.codes {
			t.Fatalf("%q three times: %s, want %s", tc.rule, got, tc.codes)
		}
	}
}

// TestGenerateOnAnotherAccountsStore: a connection id of another account
// is a 404 and saves nothing.
func TestGenerateOnAnotherAccountsStore(t *testing.T) {
	v := newEnv(t)
	shop, other := v.tenant("Shop"), v.tenant("Other")
	theirs, err := v.store.InstallConnection(context.Background(), models.Install{AccountID: other.acct.ID, Platform: platforms.Shopify, ExternalID: "other.myshopify.com", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	var jane models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	body := map[string]any{"discount_type": "percentage", "discount_value": 1000, "affiliate_ids": []uint64{jane.ID}, "connection_id": theirs.ID}
	for _, path := range []string{"/api/v1/codes/preview", "/api/v1/codes/generate"} {
		if rec := v.call("POST", path, shop.key, body); rec.Code != http.StatusNotFound {
			t.Fatalf("%s with another account's store: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	var l listOf[models.Code]
	v.must(http.StatusOK, "GET", "/api/v1/codes", shop.key, nil, &l)
	if l.Total != 0 {
		t.Fatalf("refused generation wrote %d codes", l.Total)
	}
}
