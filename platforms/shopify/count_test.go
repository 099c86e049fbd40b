package shopify_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/platforms/shopify"
)

// failCount answers every discountCodesCount query with a server error.
type failCount struct{}

func (failCount) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body.Close()
		if bytes.Contains(body, []byte("discountCodesCount")) {
			return &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{},
				Body: io.NopCloser(strings.NewReader(`{"errors":"Internal error"}`)), Request: req}, nil
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return http.DefaultTransport.RoundTrip(req)
}

// The count only feeds the progress bar: when it fails, the first page
// of codes still comes, with the total unknown.
func TestImportGoesOnWhenTheCountFails(t *testing.T) {
	r := newRig(t, "USD")
	if err := r.sb.SeedDiscounts(shopName, 30); err != nil {
		t.Fatal(err)
	}
	conn := r.install(t)
	a := shopify.New(shopify.Config{APIKey: apiKey, APISecret: apiSecret, AppURL: "https://cc.example.com",
		BaseURL: r.base, HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: failCount{}}, Clock: r.clock.Now})
	page, err := a.ImportCodes(context.Background(), conn, "")
	if err != nil || len(page.Codes) == 0 || page.Total != -1 {
		t.Fatalf("first page with a failing count: %d codes, total %d, %v; want codes, total -1", len(page.Codes), page.Total, err)
	}
}
