package sandbox_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"codecredit/platforms/paddle/sandbox"
)

func TestHostedCheckoutDiscountParameters(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	seeded := sb.SeedDiscounts(5) // SEED0003 usable; SEED0005 archived
	pay := httptest.NewServer(sb.CheckoutHandler())
	defer pay.Close()
	hsc := sb.AddHostedCheckout([]sandbox.Item{{Name: "Pro plan", UnitPrice: 4900, Quantity: 1}}, "USD")
	open := func(query string) string {
		t.Helper()
		resp, err := http.Get(pay.URL + "/" + hsc + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", query, resp.StatusCode)
		}
		return string(b)
	}
	for _, tt := range []struct{ query, want string }{
		{"?discount_code=seed0003&user_email=a%2Bb%40example.com", "Discount SEED0003 applied"},
		{"?discount_id=" + seeded[2].ID, "Discount SEED0003 applied"},
		{"?discount_code=SEED0005", "This discount can&#39;t be applied."},
		{"?discount_code=NOPE", "This discount code is not valid."},
	} {
		if page := open(tt.query); !strings.Contains(page, tt.want) {
			t.Errorf("%s: page misses %q:\n%s", tt.query, tt.want, page)
		}
	}
	if page := open("?user_email=a%2Bb%40example.com"); !strings.Contains(page, `value="a&#43;b@example.com"`) || strings.Contains(page, "applied") {
		t.Errorf("no discount asked: %s", page)
	}
	resp, err := http.PostForm(pay.URL+"/"+hsc, url.Values{"discount_code": {"SEED0003"}, "email": {"payer@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	txn, ok := sb.Transaction(resp.Header.Get("X-Sandbox-Transaction-Id"))
	if resp.StatusCode != http.StatusCreated || !ok || txn.DiscountID == nil || *txn.DiscountID != seeded[2].ID || txn.Status != "completed" {
		t.Fatalf("paid: %d %+v", resp.StatusCode, txn)
	}
	if resp, _ := http.Get(pay.URL + "/hsc_unknown"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown checkout: %d", resp.StatusCode)
	}
}
