package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/models/emailtmpl"
)

type fieldError struct{ Error, Field string }

func fieldErrorOf(t *testing.T, body []byte) fieldError {
	t.Helper()
	var fe fieldError
	if err := json.Unmarshal(body, &fe); err != nil {
		t.Fatal(err)
	}
	return fe
}

func TestEmailBrandingAPI(t *testing.T) {
	m := newMailEnv(t)
	shop, other := m.tenant("Shop"), m.tenant("Other")
	bad := map[string]map[string]any{
		"logo_url":     {"logo_url": "http://shop.example/logo.png", "summary_day": 5},
		"brand_color":  {"brand_color": "green", "summary_day": 5},
		"reply_to":     {"reply_to": "nobody", "summary_day": 5},
		"program_name": {"program_name": strings.Repeat("n", 101), "summary_day": 5},
	}
	for field, body := range bad {
		rec := m.call("PUT", "/api/v1/settings/emails", shop.key, body)
		if fe := fieldErrorOf(t, rec.Body.Bytes()); rec.Code != http.StatusBadRequest || fe.Field != field || !strings.Contains(fe.Error, field) {
			t.Errorf("bad %s: %d %+v", field, rec.Code, fe)
		}
	}
	var set models.EmailSettings
	m.must(http.StatusOK, "GET", "/api/v1/settings/emails", shop.key, nil, &set)
	if set.SummaryDay != 1 || set.LogoURL != "" || set.BrandColor != "" {
		t.Fatalf("refused requests changed the settings: %+v", set)
	}
	brand := map[string]any{"program_name": "Shop Partners", "logo_url": "https://shop.example/logo.png",
		"brand_color": "#008060", "reply_to": "partners@shop.example"}
	m.must(http.StatusOK, "PUT", "/api/v1/settings/emails", shop.key, brand, &set)
	if set.ProgramName != "Shop Partners" || set.LogoURL != "https://shop.example/logo.png" || set.BrandColor != "#008060" || set.ReplyTo != "partners@shop.example" {
		t.Fatalf("branding saved as %+v", set)
	}
	var msg emailtmpl.Message
	m.must(http.StatusOK, "POST", "/api/v1/settings/email-templates/code_assignment/preview", shop.key, nil, &msg)
	if !strings.Contains(msg.Subject, "Shop Partners") || !strings.Contains(msg.HTML, `src="https://shop.example/logo.png"`) ||
		!strings.Contains(msg.HTML, "#008060") {
		t.Fatalf("preview without the branding: %q\n%s", msg.Subject, msg.HTML)
	}
	m.must(http.StatusOK, "GET", "/api/v1/settings/emails", other.key, nil, &set)
	if set.ProgramName != "" || set.LogoURL != "" {
		t.Fatalf("one shop's branding shows in another's: %+v", set)
	}
	m.must(http.StatusOK, "POST", "/api/v1/settings/email-templates/code_assignment/preview", other.key, nil, &msg)
	if strings.Contains(msg.HTML, "Shop Partners") || strings.Contains(msg.HTML, "shop.example/logo") {
		t.Fatal("another shop's preview carries this shop's branding")
	}
}

func TestPortalLinkAPI(t *testing.T) {
	m := newMailEnv(t)
	shop, other := m.tenant("Shop"), m.tenant("Other")
	var jane models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, &jane)
	path := fmt.Sprintf("/api/v1/affiliates/%d/portal-link", jane.ID)
	if rec := m.call("POST", path, other.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("another shop's affiliate: %d", rec.Code)
	}
	if rec := m.call("POST", "/api/v1/affiliates/abc/portal-link", shop.key, nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("a bad id: %d", rec.Code)
	}
	var tokens int64
	m.store.DB().Model(&models.PortalToken{}).Count(&tokens)
	if tokens != 0 {
		t.Fatalf("refused requests made %d links", tokens)
	}
	var link models.PortalLink
	m.must(http.StatusCreated, "POST", path, shop.key, nil, &link)
	if !link.SingleUse || link.ExpiresIn != "15 minutes" || !strings.HasPrefix(link.URL, testAppURL+"/portal/auth?token=") {
		t.Fatalf("link = %+v", link)
	}
	cookie := m.signIn(t, strings.TrimPrefix(link.URL, testAppURL))
	if cookie.Value == "" {
		t.Fatal("no session")
	}
	if n := len(m.queue.TakeEmails()); n != 0 {
		t.Fatalf("making a link queued %d emails", n)
	}
	m.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/affiliates/%d", jane.ID), shop.key, map[string]string{"status": "disabled"}, nil)
	if rec := m.call("POST", path, shop.key, nil); rec.Code != http.StatusBadRequest || !strings.Contains(errorOf(t, rec), "disabled") {
		t.Fatalf("a disabled affiliate: %d", rec.Code)
	}
}

func TestOutdatedEmailsAPI(t *testing.T) {
	m := newMailEnv(t)
	shop, other := m.tenant("Shop"), m.tenant("Other")
	var jane models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, &jane)
	m.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE10", "discount_type": "percentage",
		"discount_value": 1000, "affiliate_id": jane.ID}, nil)
	m.queue.TakeEmails()
	var list listOf[models.OutdatedCommission]
	m.must(http.StatusOK, "GET", "/api/v1/emails/outdated", shop.key, nil, &list)
	if list.Count != 0 {
		t.Fatalf("nothing changed, yet %+v", list.Data)
	}
	m.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/affiliates/%d/commission", jane.ID), shop.key,
		map[string]any{"kind": "percent", "basis_points": 2500}, nil)
	m.must(http.StatusOK, "GET", "/api/v1/emails/outdated", shop.key, nil, &list)
	if list.Count != 1 || list.Data[0].AffiliateID != jane.ID || !strings.HasPrefix(list.Data[0].Current, "25%") {
		t.Fatalf("after Jane's commission changed: %+v", list.Data)
	}
	m.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/emails/outdated?affiliate_id=%d", jane.ID), shop.key, nil, &list)
	if list.Count != 1 {
		t.Fatalf("narrowed to Jane: %+v", list.Data)
	}
	if rec := m.call("GET", "/api/v1/emails/outdated?affiliate_id=x", shop.key, nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("a bad affiliate_id: %d", rec.Code)
	}
	m.must(http.StatusOK, "GET", "/api/v1/emails/outdated", other.key, nil, &list)
	if list.Count != 0 {
		t.Fatalf("another shop sees %+v", list.Data)
	}
	var sent struct {
		Queued int `json:"queued"`
	}
	m.must(http.StatusAccepted, "POST", "/api/v1/emails/outdated/send", other.key, nil, &sent)
	if sent.Queued != 0 || len(m.queue.TakeEmails()) != 0 {
		t.Fatalf("another shop sent %d of this shop's emails", sent.Queued)
	}
	m.must(http.StatusAccepted, "POST", "/api/v1/emails/outdated/send", shop.key, nil, &sent)
	ids := m.queue.TakeEmails()
	if sent.Queued != 1 || len(ids) != 1 {
		t.Fatalf("send updated: %+v, queued %v", sent, ids)
	}
	e, _ := m.store.GetEmail(t.Context(), shop.acct.ID, ids[0])
	if !strings.Contains(e.Text, "25% of each order") || !strings.Contains(e.Text, "JANE10") {
		t.Fatalf("the updated email:\n%s", e.Text)
	}
	m.must(http.StatusOK, "GET", "/api/v1/emails/outdated", shop.key, nil, &list)
	if list.Count != 0 {
		t.Fatalf("still outdated after the update: %+v", list.Data)
	}
}
