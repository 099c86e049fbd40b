package sandbox_test

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"codecredit/platforms/paypal/sandbox"
)

func start(t *testing.T) (*sandbox.Server, string) {
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	sb.SetBaseURL(srv.URL)
	return sb, srv.URL
}

func do(t *testing.T, method, url string, body string, set func(*http.Request)) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if set != nil {
		set(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// OAuth as PayPal does it: Basic client credentials, 401 invalid_client
// for a wrong secret, Bearer tokens on the API, invalid_token otherwise.
func TestOAuth(t *testing.T) {
	_, url := start(t)
	form := func(id, secret string) func(*http.Request) {
		return func(r *http.Request) {
			r.SetBasicAuth(id, secret)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if code, body := do(t, "POST", url+"/v1/oauth2/token", "grant_type=client_credentials", form(sandbox.DefaultClientID, "wrong")); code != 401 || !strings.Contains(body, "invalid_client") {
		t.Errorf("wrong secret: %d %s", code, body)
	}
	if code, body := do(t, "POST", url+"/v1/oauth2/token", "grant_type=password", form(sandbox.DefaultClientID, sandbox.DefaultSecret)); code != 400 {
		t.Errorf("other grant: %d %s", code, body)
	}
	code, body := do(t, "POST", url+"/v1/oauth2/token", "grant_type=client_credentials", form(sandbox.DefaultClientID, sandbox.DefaultSecret))
	if code != 200 || !strings.Contains(body, `"token_type":"Bearer"`) || !strings.Contains(body, `"expires_in":32400`) {
		t.Errorf("token: %d %s", code, body)
	}
	if code, body := do(t, "GET", url+"/v1/payments/payouts/X", "", func(r *http.Request) { r.Header.Set("Authorization", "Bearer forged") }); code != 401 || !strings.Contains(body, "invalid_token") {
		t.Errorf("forged token: %d %s", code, body)
	}
	if code, _ := do(t, "POST", url+"/__sandbox/tick", "", nil); code != 401 {
		t.Errorf("control API without credentials: %d", code)
	}
	if code, _ := do(t, "POST", url+"/__sandbox/faults", `{"fail_percent":101}`, form(sandbox.DefaultClientID, sandbox.DefaultSecret)); code != 400 {
		t.Errorf("101%% faults accepted: %d", code)
	}
}

// The cert URL in every delivery serves the certificate whose key signed it.
func TestCertServed(t *testing.T) {
	sb, _ := start(t)
	h := sb.Sign([]byte(`{}`), time.Now())
	code, body := do(t, "GET", h.Get("PAYPAL-CERT-URL"), "", nil)
	blk, _ := pem.Decode([]byte(body))
	if code != 200 || blk == nil {
		t.Fatalf("cert: %d %q", code, body)
	}
	if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
		t.Fatal(err)
	}
}

// A batch page is 1 to 1000 items; any other page_size is a 400.
func TestPageSizeBounds(t *testing.T) {
	_, url := start(t)
	form := func(r *http.Request) {
		r.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultSecret)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	_, body := do(t, "POST", url+"/v1/oauth2/token", "grant_type=client_credentials", form)
	tok := strings.Split(strings.Split(body, `"access_token":"`)[1], `"`)[0]
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	for _, q := range []string{"page_size=0", "page_size=1001", "page=0", "page=x"} {
		if code, body := do(t, "GET", url+"/v1/payments/payouts/ANY?"+q, "", bearer); code != 400 || !strings.Contains(body, "VALIDATION_ERROR") {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	if code, _ := do(t, "GET", url+"/v1/payments/payouts/ANY?page_size=1000", "", bearer); code != 404 {
		t.Errorf("page_size=1000 of an unknown batch: %d, want 404", code)
	}
}
