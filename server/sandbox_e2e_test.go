package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// connectLocalSandboxes connects the newcomer-mode Stripe and Paddle
// sandboxes with the keys the log gives, as a newcomer would, and waits for
// their existing codes to be imported.
func connectLocalSandboxes(t *testing.T, p *proc, base, key string) {
	t.Helper()
	for _, platform := range []string{"stripe", "paddle"} {
		entry := p.findLog(embeddedDefault, "what", platform)
		hint, _ := entry["connect"].(string) // POST /api/v1/connections/x {"api_key":"..."}
		_, body, ok := strings.Cut(hint, " {")
		if !ok {
			t.Fatalf("log gives no way to connect the %s sandbox: %v", platform, entry)
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/connections/"+platform, strings.NewReader("{"+body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("connect %s sandbox: %v %v", platform, err, resp)
		}
		resp.Body.Close()
	}
	deadline := time.Now().Add(time.Minute)
	for {
		done := map[string]int{}
		var out struct {
			Data []struct {
				Platform    string `json:"platform"`
				ImportState string `json:"import_state"`
				ImportDone  int    `json:"import_done"`
			}
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/connections", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
		}
		for _, c := range out.Data {
			if c.ImportState == "done" {
				done[c.Platform] = c.ImportDone
			}
		}
		if done["stripe"] > 0 && done["paddle"] > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sandbox imports not done: %+v", out.Data)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
