package main

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
)

// installDemoShop opens the install URL the log prints in a browser-like
// client: it must end on the admin's Get started, signed in to the demo
// account, which holds the shop and the sandboxes connected with the
// demo API key.
func installDemoShop(t *testing.T, p *proc, key string) {
	t.Helper()
	entry := p.findLog(embeddedDefault, "what", "shopify")
	install, _ := entry["install_url"].(string)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Get(install)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/admin/" || resp.Request.URL.RawQuery != "" {
		t.Fatalf("install %s ended at %s (%d), want Get started at /admin/", install, resp.Request.URL, resp.StatusCode)
	}
	app, _ := url.Parse(install)
	bySession := listConns(t, client, app.Scheme+"://"+app.Host, "")
	byKey := listConns(t, http.DefaultClient, app.Scheme+"://"+app.Host, key)
	names := map[string]string{}
	for _, c := range byKey.Data {
		names[c.Platform] = c.Name
	}
	if len(bySession.Data) != len(byKey.Data) || names["shopify"] != "Demo Store" || names["stripe"] != "Demo SaaS" ||
		names["woocommerce"] != "Demo WooCommerce store" || names["paddle"] != "Paddle sandbox account" {
		t.Fatalf("signed-in admin sees %+v; the demo API key sees %+v", bySession.Data, byKey.Data)
	}
	if bySession.Sandbox == nil || bySession.Sandbox["shopify_controls"] != entry["controls"] {
		t.Fatalf("the admin is not shown the sandbox's controls %v: %+v", entry["controls"], bySession.Sandbox)
	}
}

type connList struct {
	Data []struct {
		Platform string `json:"platform"`
		Name     string `json:"name"`
	} `json:"data"`
	Sandbox map[string]any `json:"sandbox"`
}

func listConns(t *testing.T, client *http.Client, base, key string) connList {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/connections", nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out connList
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("GET /api/v1/connections: %d", resp.StatusCode)
	}
	return out
}
