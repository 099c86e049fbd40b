package stripe_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
	"codecredit/platforms/stripe/sandbox"
)

// A platform in test mode connects accounts in test mode (the token's
// livemode is false): the connection is refused with the reason, since
// test-mode events are never booked.
// https://docs.stripe.com/connect/oauth-reference#post-token-response
func TestConnectOAuthRefusesTestMode(t *testing.T) {
	const testKey = "sk_test_sandbox_platform"
	sb := sandbox.New(sandbox.Options{PlatformKey: testKey})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	a := stripe.New(stripe.Config{ClientID: sandbox.DefaultClientID, SecretKey: testKey,
		AppURL: "https://app.example", BaseURL: srv.URL, HTTPClient: srv.Client()})
	id, _ := sb.CreateAccount("Test Shop", "owner@test.example", "usd")
	sb.ConnectNext(id)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(a.AuthorizeURL("state-1"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cb, _ := url.Parse(res.Header.Get("Location"))
	_, err = a.ExchangeCode(context.Background(), cb.Query().Get("code"))
	var rej *platforms.RejectedError
	if !errors.As(err, &rej) || !strings.Contains(rej.Reason, "test-mode") {
		t.Fatalf("a test-mode connection: %v, want a RejectedError naming test mode", err)
	}
}
