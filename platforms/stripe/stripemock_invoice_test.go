package stripe_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	stripego "github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

// The invoice read that resolves an invoice.paid's discount ids is a
// request Stripe accepts: GET /v1/invoices/{id} with expand[]=discounts,
// on the connected account for a Connect connection.
func TestInvoiceDiscountsAgainstStripeMock(t *testing.T) {
	a, rec, conn := mockConnected(t)
	body := `{"id":"evt_1","object":"event","type":"invoice.paid","api_version":"` + stripego.APIVersion + `",` +
		`"livemode":true,"created":1775124000,"data":{"object":{"id":"in_1Codecredit","object":"invoice",` +
		`"currency":"usd","total":1870,"discounts":["di_1Codecredit"],` +
		`"total_discount_amounts":[{"amount":300,"discount":"di_1Codecredit"}]}}}`
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := a.EnrichWebhook(ctx, conn, "invoice.paid", []byte(body))
	calls := rec.expect(t, "GET /v1/invoices/in_1Codecredit")
	var se *stripego.Error
	if errors.As(err, &se) || err != nil {
		t.Fatalf("EnrichWebhook: %v", err)
	}
	if len(calls) == 1 && (calls[0].account != conn.ExternalID || !strings.Contains(calls[0].query, "expand[0]=discounts")) {
		t.Errorf("request %+v, want expand[0]=discounts on %s", calls[0], conn.ExternalID)
	}
	if _, err := a.ParseWebhook("invoice.paid", out); err != nil {
		t.Errorf("the enriched body does not parse: %v", err)
	}
}

// The list of a Checkout Session's line items that a payment's lines come
// from is a request Stripe accepts: GET /v1/checkout/sessions/{id}/line_items
// with limit=100, on the connected account; what it answers (the mock's
// fixture line item) is added to the event as the session's line_items
// and read.
func TestSessionLineItemsAgainstStripeMock(t *testing.T) {
	a, rec, conn := mockConnected(t)
	body := `{"id":"evt_1","object":"event","type":"checkout.session.completed","api_version":"` + stripego.APIVersion + `",` +
		`"livemode":true,"created":1775124000,"data":{"object":{"id":"cs_1Codecredit","object":"checkout.session",` +
		`"mode":"payment","payment_status":"paid","currency":"usd","amount_total":0,"payment_intent":"pi_1Codecredit",` +
		`"total_details":{"amount_discount":0,"amount_shipping":0,"amount_tax":0}}}}`
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := a.EnrichWebhook(ctx, conn, "checkout.session.completed", []byte(body))
	calls := rec.expect(t, "GET /v1/checkout/sessions/cs_1Codecredit/line_items")
	if err != nil {
		t.Fatalf("EnrichWebhook: %v", err)
	}
	if len(calls) == 1 && (calls[0].account != conn.ExternalID || !strings.Contains(calls[0].query, "limit=100")) {
		t.Errorf("request %+v, want limit=100 on %s", calls[0], conn.ExternalID)
	}
	if !strings.Contains(string(out), `"line_items":{`) {
		t.Fatalf("no line_items added: %s", out)
	}
	if _, err := a.ParseWebhook("checkout.session.completed", out); err != nil {
		t.Errorf("the enriched body does not parse: %v", err)
	}
}

// mockConnected is an adapter speaking to stripe-mock through a recorder,
// and a Connect connection.
func mockConnected(t *testing.T) (*stripe.Adapter, *recorder, *platforms.Conn) {
	base := startStripeMock(t)
	rec := &recorder{}
	a := stripe.New(stripe.Config{SecretKey: "sk_test_123", AppURL: "https://codecredit.example", BaseURL: base,
		HTTPClient: &http.Client{Transport: rec, Timeout: 5 * time.Second}, Logger: slog.New(slog.DiscardHandler),
		AllowTestKeys: true})
	const connected = "acct_1CodecreditConnected"
	return a, rec, &platforms.Conn{ExternalID: connected,
		Credentials: map[string]string{stripe.CredMode: stripe.ModeConnect, stripe.CredStripeUserID: connected}}
}

// Listing the lines of an invoice that carries only the first of them is
// a request Stripe accepts: GET /v1/invoices/{id}/lines with limit=100.
func TestInvoiceLinesAgainstStripeMock(t *testing.T) {
	a, rec, conn := mockConnected(t)
	body := `{"id":"evt_1","object":"event","type":"invoice.paid","api_version":"` + stripego.APIVersion + `",` +
		`"livemode":true,"created":1775124000,"data":{"object":{"id":"in_1Codecredit","object":"invoice",` +
		`"currency":"usd","total":0,"discounts":[],"lines":{"object":"list","data":[],"has_more":true}}}}`
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := a.EnrichWebhook(ctx, conn, "invoice.paid", []byte(body))
	calls := rec.expect(t, "GET /v1/invoices/in_1Codecredit/lines")
	if err != nil {
		t.Fatalf("EnrichWebhook: %v", err)
	}
	if len(calls) == 1 && (calls[0].account != conn.ExternalID || !strings.Contains(calls[0].query, "limit=100")) {
		t.Errorf("request %+v, want limit=100 on %s", calls[0], conn.ExternalID)
	}
	if !strings.Contains(string(out), `"has_more":false`) {
		t.Fatalf("the lines were not replaced: %s", out)
	}
	if _, err := a.ParseWebhook("invoice.paid", out); err != nil {
		t.Errorf("the enriched body does not parse: %v", err)
	}
}
