package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// Pending commission says when it becomes payable: the API's balances
// carry next_payable_at (null once nothing is pending), and the
// affiliate's portal shows the date for the balance and for each order.
func TestPendingCommissionSaysWhenPayable(t *testing.T) {
	m := newMailEnv(t)
	ctx := context.Background()
	shop := m.tenant("Acme")
	var jane models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	m.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE10", "discount_type": "percentage",
		"discount_value": 1000, "affiliate_id": jane.ID}, nil)
	m.queue.TakeEmails()
	conn, err := m.store.APIConnection(ctx, shop.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	placed := time.Now().UTC().Truncate(time.Second)
	if _, err := m.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: "1001", Number: "#1001", Codes: []string{"JANE10"},
		Currency: "USD", Subtotal: 12000, Total: 12000, PlacedAt: placed}); err != nil {
		t.Fatal(err)
	}
	due := placed.AddDate(0, 0, 30) // the default 30-day hold

	balances := func() []map[string]any {
		t.Helper()
		var out struct{ Data []map[string]any }
		rec := m.call("GET", fmt.Sprintf("/api/v1/balances?affiliate_id=%d", jane.ID), shop.key, nil)
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil || len(out.Data) != 1 {
			t.Fatalf("balances: %d %s", rec.Code, rec.Body)
		}
		return out.Data
	}
	if got := balances()[0]["next_payable_at"]; got != due.Format(time.RFC3339) {
		t.Fatalf("next_payable_at = %v, want %s", got, due.Format(time.RFC3339))
	}

	page := m.portalGet("/portal/", m.signIn(t, m.signInLink(t, "jane@example.com"))).Body.String()
	day := due.Format("Jan 2, 2006") // en-US, as the admin writes dates
	for _, want := range []string{`data-field="pending">$12.00<`, `data-field="next_payable">` + day + `<`,
		`data-field="payable_at">payable on ` + day + `<`} {
		if !strings.Contains(page, want) {
			t.Errorf("portal misses %q:\n%s", want, page)
		}
	}

	m.store.SetClock(func() time.Time { return due })
	if _, err := m.store.ApproveMatured(ctx); err != nil {
		t.Fatal(err)
	}
	if got, ok := balances()[0]["next_payable_at"]; !ok || got != nil {
		t.Fatalf("next_payable_at after approval = %v (present %v), want null", got, ok)
	}
}
