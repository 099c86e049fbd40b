package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// checkAuth calls the JSON API with key (200) and without it (401).
func checkAuth(t *testing.T, base, key string) {
	t.Helper()
	if status, body := get(base+"/api/v1/affiliates", key); status != http.StatusOK {
		t.Errorf("GET /api/v1/affiliates with the key: %d %s", status, body)
	}
	if status, _ := get(base+"/api/v1/affiliates", ""); status != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/affiliates without a key: %d, want 401", status)
	}
	// The key printed on the first start or by create-api-key has every
	// scope, managing API keys included.
	if status, body := get(base+"/api/v1/api-keys", key); status != http.StatusOK || !strings.Contains(body, `"scopes":["full"]`) {
		t.Errorf("GET /api/v1/api-keys with the printed key: %d %s, want 200 listing a full key", status, body)
	}
}

// orderFlow walks the README's quick start: an affiliate, a code for them,
// an order paid with the code; then waits until the worker has turned the
// order into a conversion, which proves web, queue and worker are wired.
func orderFlow(t *testing.T, base, key, tag string) {
	t.Helper()
	var aff struct{ ID uint64 }
	post(t, base+"/api/v1/affiliates", key, http.StatusCreated, &aff,
		`{"name":"Ada Lovelace","email":"ada+%s@example.com"}`, tag)
	post(t, base+"/api/v1/codes", key, http.StatusCreated, nil,
		`{"code":"ADA%s","discount_type":"percentage","discount_value":1000,"affiliate_id":%d}`, tag, aff.ID)
	post(t, base+"/api/v1/orders", key, http.StatusAccepted, nil,
		`{"id":"order-%s","codes":["ada%s"],"currency":"USD","subtotal":9000,"discount":1000,"total":9500,"placed_at":%q}`,
		tag, strings.ToLower(tag), time.Now().UTC().Format(time.RFC3339))
	if n := waitConversions(t, base, key, 1); n != 1 {
		t.Fatalf("conversions after one order: %d", n)
	}
}

// waitConversions polls the conversions until there are at least want, and
// returns how many there are.
func waitConversions(t *testing.T, base, key string, want int64) int64 {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		status, body := get(base+"/api/v1/conversions", key)
		var page struct{ Total int64 }
		if status != http.StatusOK || json.Unmarshal([]byte(body), &page) != nil {
			t.Fatalf("GET /api/v1/conversions: %d %s", status, body)
		}
		if page.Total >= want || time.Now().After(deadline) {
			return page.Total
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// post sends a JSON body (format and args, as fmt.Sprintf) with the API key,
// requires status want and decodes the answer into out when not nil.
func post(t *testing.T, url, key string, want int, out any, format string, args ...any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(fmt.Sprintf(format, args...)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d %s, want %d", url, resp.StatusCode, body.String(), want)
	}
	if out != nil {
		if err := json.Unmarshal(body.Bytes(), out); err != nil {
			t.Fatalf("POST %s: decode %s: %v", url, body.String(), err)
		}
	}
}
