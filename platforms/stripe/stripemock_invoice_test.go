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
	base := startStripeMock(t)
	rec := &recorder{}
	a := stripe.New(stripe.Config{SecretKey: "sk_test_123", AppURL: "https://codecredit.example", BaseURL: base,
		HTTPClient: &http.Client{Transport: rec, Timeout: 5 * time.Second}, Logger: slog.New(slog.DiscardHandler),
		AllowTestKeys: true})
	const connected = "acct_1CodecreditConnected"
	conn := &platforms.Conn{ExternalID: connected,
		Credentials: map[string]string{stripe.CredMode: stripe.ModeConnect, stripe.CredStripeUserID: connected}}
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
	if len(calls) == 1 && (calls[0].account != connected || !strings.Contains(calls[0].query, "expand[0]=discounts")) {
		t.Errorf("request %+v, want expand[0]=discounts on %s", calls[0], connected)
	}
	if _, err := a.ParseWebhook("invoice.paid", out); err != nil {
		t.Errorf("the enriched body does not parse: %v", err)
	}
}
