package sandbox_test

import (
	"net/http"
	"net/url"
	"testing"

	"codecredit/platforms/stripe/sandbox"
)

// pageIDs reads every page of a list at limit 2 and returns the ids.
func pageIDs(t *testing.T, w *world, path string) []string {
	t.Helper()
	var ids []string
	q := url.Values{"limit": {"2"}}
	for range 10 {
		status, out := w.call(http.MethodGet, path, w.key, q)
		if status != 200 || out["object"] != "list" {
			t.Fatalf("%s: %d %v", path, status, out)
		}
		data := out["data"].([]any)
		for _, d := range data {
			ids = append(ids, d.(map[string]any)["id"].(string))
		}
		if out["has_more"] != true {
			return ids
		}
		q.Set("starting_after", ids[len(ids)-1])
	}
	t.Fatalf("%s: the pages never end", path)
	return nil
}

// A session's line items and an invoice's lines are listed a page at a
// time, in the order bought; an invoice carries the first ten of its lines.
func TestLineListsPage(t *testing.T) {
	w := newWorld(t)
	items := make([]sandbox.Item, 11)
	for i := range items {
		items[i] = sandbox.Item{Title: "Item", UnitAmount: 100, Quantity: 1}
	}
	pay, err := w.sb.CheckoutItems(w.account, "", items[:5], "usd", "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := pageIDs(t, w, "/v1/checkout/sessions/"+pay.SessionID+"/line_items"); len(got) != 5 || got[0][:3] != "li_" {
		t.Fatalf("line items %v", got)
	}
	if status, _ := w.call(http.MethodGet, "/v1/checkout/sessions/cs_live_nope/line_items", w.key, nil); status != 404 {
		t.Fatalf("an unknown session: %d", status)
	}
	inv, err := w.sb.SubscribeItems(w.account, "", items, "usd")
	if err != nil {
		t.Fatal(err)
	}
	got := pageIDs(t, w, "/v1/invoices/"+inv.InvoiceID+"/lines")
	if len(got) != 11 || got[10] != inv.LineIDs[10] {
		t.Fatalf("invoice lines %v, want %v", got, inv.LineIDs)
	}
	_, out := w.call(http.MethodGet, "/v1/invoices/"+inv.InvoiceID, w.key, nil)
	lines := out["lines"].(map[string]any)
	if len(lines["data"].([]any)) != 10 || lines["has_more"] != true {
		t.Fatalf("the invoice carries %d lines, has_more %v", len(lines["data"].([]any)), lines["has_more"])
	}
	if _, err := w.sb.CreditNote(inv.InvoiceID, inv.LineIDs[0], 2); err == nil {
		t.Fatal("credited 2 units of a line of 1")
	}
}
