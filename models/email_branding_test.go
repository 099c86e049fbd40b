package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/emailtmpl"
	"codecredit/models/testdb"
)

func TestEmailBrandingUsedByEveryEmail(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Brand")
	bad := []struct {
		field string
		patch models.BrandingPatch
	}{
		{"logo_url", models.BrandingPatch{LogoURL: ptr("http://brand.example/logo.png")}},
		{"logo_url", models.BrandingPatch{LogoURL: ptr("javascript:alert(1)")}},
		{"brand_color", models.BrandingPatch{BrandColor: ptr("red")}},
		{"brand_color", models.BrandingPatch{BrandColor: ptr("#12345")}},
		{"reply_to", models.BrandingPatch{ReplyTo: ptr("not an address")}},
		{"reply_to", models.BrandingPatch{ReplyTo: ptr("Ann <ann@brand.example>")}},
		{"program_name", models.BrandingPatch{ProgramName: ptr(strings.Repeat("x", 101))}},
	}
	for _, b := range bad {
		_, err := s.UpdateEmailSettings(ctx, m.acct.ID, models.EmailSettingsPatch{Summaries: ptr(false), BrandingPatch: b.patch})
		var fe *models.FieldError
		if !errors.As(err, &fe) || fe.Field != b.field || !errors.Is(err, models.ErrInvalid) {
			t.Errorf("%+v: %v, want a %s field error", b.patch, err, b.field)
		}
	}
	if set, _ := s.GetEmailSettings(ctx, m.acct.ID); !set.Summaries || set.LogoURL != "" {
		t.Fatalf("a refused patch changed the settings: %+v", set)
	}
	set, err := s.UpdateEmailSettings(ctx, m.acct.ID, models.EmailSettingsPatch{BrandingPatch: models.BrandingPatch{
		ProgramName: ptr(" Brand Partners "), LogoURL: ptr("https://brand.example/logo.png"), BrandColor: ptr("#AA3300"),
		ReplyTo: ptr("partners@brand.example")}})
	if err != nil || set.ProgramName != "Brand Partners" || set.BrandColor != "#aa3300" {
		t.Fatalf("branding saved as %+v (%v)", set, err)
	}
	ann := m.affiliate(t, "Ann")
	ids, _ := s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{m.code(t, "ANN1", ann).ID}, mailAppURL)
	e, _ := s.GetEmail(ctx, m.acct.ID, ids[0])
	if e.FromName != "Brand Partners" || e.ReplyTo != "partners@brand.example" || e.Subject != "Your codes for Brand Partners: ANN1" ||
		!strings.Contains(e.HTML, `<img src="https://brand.example/logo.png"`) || !strings.Contains(e.HTML, "#aa3300") {
		t.Fatalf("the email does not carry the branding: from %q reply-to %q subject %q\n%s", e.FromName, e.ReplyTo, e.Subject, e.HTML)
	}
	msg, err := s.PreviewEmailTemplate(ctx, m.acct.ID, emailtmpl.KindPortalLogin, nil)
	if err != nil || !strings.Contains(msg.Subject, "Brand Partners") || !strings.Contains(msg.HTML, "#aa3300") {
		t.Fatalf("the preview does not carry the branding: %+v %v", msg, err)
	}
	set, _ = s.UpdateEmailSettings(ctx, m.acct.ID, models.EmailSettingsPatch{BrandingPatch: models.BrandingPatch{ProgramName: ptr(""), ReplyTo: ptr("")}})
	ids, _ = s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{m.code(t, "ANN2", ann).ID}, mailAppURL)
	e, _ = s.GetEmail(ctx, m.acct.ID, ids[0])
	if e.FromName != "Brand" || e.ReplyTo != m.acct.Email || set.LogoURL == "" {
		t.Fatalf("cleared branding: from %q reply-to %q, settings %+v", e.FromName, e.ReplyTo, set)
	}
}

func TestIssuePortalLink(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Links")
	other := newMailShop(t, s, "Elsewhere")
	ann := m.affiliate(t, "Ann")
	if _, err := s.IssuePortalLink(ctx, other.acct.ID, ann.ID, mailAppURL); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another account's affiliate: %v", err)
	}
	link, err := s.IssuePortalLink(ctx, m.acct.ID, ann.ID, mailAppURL)
	if err != nil || !strings.HasPrefix(link.URL, mailAppURL+"/portal/auth?token=") || !link.SingleUse ||
		time.Until(link.ExpiresAt) > models.PortalLinkTTL+time.Minute {
		t.Fatalf("link = %+v (%v)", link, err)
	}
	token := strings.TrimPrefix(link.URL, mailAppURL+"/portal/auth?token=")
	var stored int64
	s.DB().Model(&models.PortalToken{}).Where("hash = ?", token).Count(&stored)
	if stored != 0 {
		t.Fatal("the link is stored in the clear")
	}
	if _, err := s.ConsumePortalLink(ctx, token); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if _, err := s.ConsumePortalLink(ctx, token); !errors.Is(err, models.ErrLinkUsed) {
		t.Fatalf("second use: %v", err)
	}
	for range 6 {
		if _, err := s.IssuePortalLink(ctx, m.acct.ID, ann.ID, mailAppURL); err != nil {
			t.Fatal(err)
		}
	}
	if ids, _ := s.RequestPortalLinks(ctx, ann.Email, mailAppURL); len(ids) != 1 {
		t.Fatalf("links the merchant made used up the affiliate's own requests: %v", ids)
	}
	off := "disabled"
	if _, err := s.UpdateAffiliate(ctx, m.acct.ID, ann.ID, models.AffiliatePatch{Status: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IssuePortalLink(ctx, m.acct.ID, ann.ID, mailAppURL); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("a disabled affiliate: %v", err)
	}
}

func TestOutdatedCommissionEmails(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Outdated")
	ann, bob, cy := m.affiliate(t, "Ann"), m.affiliate(t, "Bob"), m.affiliate(t, "Cy")
	codes := []uint64{m.code(t, "ANN1", ann).ID, m.code(t, "BOB1", bob).ID, m.code(t, "CY1", cy).ID}
	if _, err := s.WriteAssignmentEmails(ctx, m.acct.ID, codes, mailAppURL); err != nil {
		t.Fatal(err)
	}
	list := func(aff uint64) []models.OutdatedCommission {
		t.Helper()
		out, err := s.OutdatedCommissionEmails(ctx, m.acct.ID, aff)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := list(0); len(got) != 0 {
		t.Fatalf("nothing changed, yet %+v", got)
	}
	if _, err := s.SetAffiliateRule(ctx, m.acct.ID, ann.ID, models.CommissionRule{Kind: models.CommissionPercent, BasisPoints: 2000}); err != nil {
		t.Fatal(err)
	}
	got := list(0)
	if len(got) != 1 || got[0].AffiliateID != ann.ID || !strings.HasPrefix(got[0].Stated, "10%") || !strings.HasPrefix(got[0].Current, "20%") {
		t.Fatalf("after Ann's own commission: %+v", got)
	}
	def, _ := s.GetDefaultRule(ctx, m.acct.ID)
	def.BasisPoints = 1500
	if _, err := s.SetDefaultRule(ctx, m.acct.ID, *def); err != nil {
		t.Fatal(err)
	}
	if got = list(0); len(got) != 3 {
		t.Fatalf("after the default changed: %+v, want Ann, Bob and Cy", got)
	}
	if got = list(bob.ID); len(got) != 1 || got[0].AffiliateID != bob.ID {
		t.Fatalf("narrowed to Bob: %+v", got)
	}
	if got, _ := s.OutdatedCommissionEmails(ctx, newMailShop(t, s, "Other").acct.ID, 0); len(got) != 0 {
		t.Fatalf("another account sees %+v", got)
	}
	ids, err := s.WriteUpdatedCommissionEmails(ctx, m.acct.ID, mailAppURL)
	if err != nil || len(ids) != 3 {
		t.Fatalf("updated emails: %v %v", ids, err)
	}
	e, _ := s.GetEmail(ctx, m.acct.ID, ids[0])
	if !strings.Contains(e.Text, "20% of each order") || e.To != ann.Email {
		t.Fatalf("Ann's update:\n%s", e.Text)
	}
	if got = list(0); len(got) != 0 {
		t.Fatalf("after sending the updates: %+v", got)
	}
	if err := s.DeleteAffiliateRule(ctx, m.acct.ID, ann.ID); err != nil {
		t.Fatal(err)
	}
	if got = list(0); len(got) != 1 || got[0].AffiliateID != ann.ID || !strings.HasPrefix(got[0].Current, "15%") {
		t.Fatalf("after Ann's own commission was removed: %+v", got)
	}
}
