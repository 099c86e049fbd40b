package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"codecredit/models"
	"codecredit/models/emailtmpl"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

const mailAppURL = "https://app.example.com"

// mailShop is an account with a Shopify store and affiliates.
type mailShop struct {
	s    *models.Store
	acct *models.Account
	conn *models.Connection
}

// newMailShop creates an account with a connected Shopify store, on a
// store whose outbox tables exist.
func newMailShop(t *testing.T, s *models.Store, name string) *mailShop {
	t.Helper()
	if err := s.DB().AutoMigrate(models.EmailModels()...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := s.CreateAccount(ctx, name, "owner@"+strings.ToLower(name)+".example", "USD")
	if err != nil {
		t.Fatal(err)
	}
	conn := &models.Connection{AccountID: a.ID, Platform: platforms.Shopify, ExternalID: strings.ToLower(name) + ".myshopify.com",
		Status: models.ConnectionActive, Currency: "USD", InstalledAt: time.Now()}
	if err := s.DB().Create(conn).Error; err != nil {
		t.Fatal(err)
	}
	return &mailShop{s: s, acct: a, conn: conn}
}

func (m *mailShop) affiliate(t *testing.T, name string) *models.Affiliate {
	t.Helper()
	a, err := m.s.CreateAffiliate(context.Background(), m.acct.ID, models.NewAffiliate{Name: name,
		Email: strings.ToLower(name) + "@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// code saves a 15% code on the store, held by aff (nil: nobody).
func (m *mailShop) code(t *testing.T, text string, aff *models.Affiliate) *models.Code {
	t.Helper()
	c := &models.Code{AccountID: m.acct.ID, ConnectionID: m.conn.ID, Code: text, Normalized: models.NormalizeCode(text),
		DiscountType: models.DiscountPercentage, DiscountValue: 1500, Source: models.SourceImported, Active: true}
	if aff != nil {
		c.AffiliateID = &aff.ID
	}
	if err := m.s.DB().Create(c).Error; err != nil {
		t.Fatal(err)
	}
	return c
}

func (m *mailShop) outbox(t *testing.T) []models.OutboxEmail {
	t.Helper()
	rows, _, err := m.s.ListEmails(context.Background(), m.acct.ID, models.EmailFilter{PerPage: 200})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestAssignmentEmailsOnePerAffiliate(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		m := newMailShop(t, s, "Acme")
		ann, bob := m.affiliate(t, "Ann"), m.affiliate(t, "Bob")
		c1, c2, c3 := m.code(t, "ANN10", ann), m.code(t, "ANN20", ann), m.code(t, "BOB10", bob)
		idle := m.code(t, "NOBODY", nil)
		ids, err := s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{c1.ID, c2.ID, c3.ID, idle.ID}, mailAppURL)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 {
			t.Fatalf("queued %d emails for two affiliates, want 2", len(ids))
		}
		e, err := s.GetEmail(ctx, m.acct.ID, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if e.To != ann.Email || e.Status != models.EmailQueued || e.Kind != emailtmpl.KindCodeAssignment || e.ReplyTo != m.acct.Email {
			t.Fatalf("email = %+v", e)
		}
		for _, want := range []string{"ANN10", "ANN20", "https://acme.myshopify.com/discount/ANN10", "15% off",
			"10% of each order", "https://app.example.com/portal/", "https://app.example.com/r/ann10", "https://app.example.com/r/ann20"} {
			if !strings.Contains(e.Text, want) || !strings.Contains(e.HTML, want) {
				t.Errorf("Ann's email misses %q:\n%s", want, e.Text)
			}
		}
		if strings.Contains(e.Text, "BOB10") {
			t.Error("Ann's email lists Bob's code")
		}

		again, err := s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{c1.ID, c2.ID, c3.ID}, mailAppURL)
		if err != nil || len(again) != 0 {
			t.Fatalf("the same unchanged assignment queued %v (%v), want nothing", again, err)
		}
		if _, err := s.AssignCode(ctx, m.acct.ID, c3.ID, ann.ID); err != nil {
			t.Fatal(err)
		}
		moved, err := s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{c3.ID}, mailAppURL)
		if err != nil || len(moved) != 1 {
			t.Fatalf("a code moved to Ann queued %v (%v), want one email", moved, err)
		}
		if n := len(m.outbox(t)); n != 3 {
			t.Fatalf("outbox holds %d emails, want 3", n)
		}
	})
}

func TestAssignmentEmailsSkipped(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Skip")
	ann := m.affiliate(t, "Ann")
	code := m.code(t, "ANN10", ann)
	off := false
	if _, err := s.UpdateEmailSettings(ctx, m.acct.ID, models.EmailSettingsPatch{AssignmentEmails: &off}); err != nil {
		t.Fatal(err)
	}
	if ids, err := s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{code.ID}, mailAppURL); err != nil || len(ids) != 0 {
		t.Fatalf("emails off: queued %v (%v)", ids, err)
	}
	on := true
	if _, err := s.UpdateEmailSettings(ctx, m.acct.ID, models.EmailSettingsPatch{AssignmentEmails: &on}); err != nil {
		t.Fatal(err)
	}
	disabled := models.AffiliateDisabled
	if _, err := s.UpdateAffiliate(ctx, m.acct.ID, ann.ID, models.AffiliatePatch{Status: &disabled}); err != nil {
		t.Fatal(err)
	}
	if ids, err := s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{code.ID}, mailAppURL); err != nil || len(ids) != 0 {
		t.Fatalf("disabled affiliate: queued %v (%v)", ids, err)
	}
	other := newMailShop(t, s, "Other")
	if ids, err := s.WriteAssignmentEmails(ctx, other.acct.ID, []uint64{code.ID}, mailAppURL); err != nil || len(ids) != 0 {
		t.Fatalf("another account's code: queued %v (%v)", ids, err)
	}
}

func TestSendCodesIsExplicit(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Explicit")
	ann, bob := m.affiliate(t, "Ann"), m.affiliate(t, "Bob")
	m.code(t, "ANN10", ann)
	m.code(t, "OLD", ann)
	if _, err := s.DeactivateCode(ctx, m.acct.ID, m.code(t, "GONE", ann).ID); err != nil {
		t.Fatal(err)
	}
	first, err := s.WriteAffiliateCodesEmail(ctx, m.acct.ID, ann.ID, mailAppURL)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.WriteAffiliateCodesEmail(ctx, m.acct.ID, ann.ID, mailAppURL)
	if err != nil || second == first || second == 0 {
		t.Fatalf("asking twice gave %d then %d (%v), want two emails", first, second, err)
	}
	e, _ := s.GetEmail(ctx, m.acct.ID, first)
	if !strings.Contains(e.Text, "ANN10") || !strings.Contains(e.Text, "OLD") || strings.Contains(e.Text, "GONE") {
		t.Fatalf("email lists the wrong codes:\n%s", e.Text)
	}
	if _, err := s.WriteAffiliateCodesEmail(ctx, m.acct.ID, bob.ID, mailAppURL); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("affiliate without codes: %v, want ErrInvalid", err)
	}
	other := newMailShop(t, s, "Other")
	if _, err := s.WriteAffiliateCodesEmail(ctx, other.acct.ID, ann.ID, mailAppURL); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another account's affiliate: %v, want ErrNotFound", err)
	}
}

func TestOutboxDelivery(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		m := newMailShop(t, s, "Deliver")
		ann := m.affiliate(t, "Ann")
		id, err := s.WriteAffiliateCodesEmail(ctx, m.acct.ID, m.affiliateWithCode(t, ann), mailAppURL)
		if err != nil {
			t.Fatal(err)
		}
		e := mustClaim(t, s, id, 1)
		if again, err := s.ClaimEmail(ctx, id, time.Minute); err != nil || again != nil {
			t.Fatalf("a second worker claimed a leased email: %+v %v", again, err)
		}
		if err := s.MarkEmailFailed(ctx, e.ID, "451 try later", false); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, s, id, 2)
		if err := s.MarkEmailFailed(ctx, e.ID, "451 still later", true); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetEmail(ctx, m.acct.ID, id)
		if got.Status != models.EmailFailed || got.LastError != "451 still later" || got.Attempts != 2 {
			t.Fatalf("after the last try: %s %q attempts %d", got.Status, got.LastError, got.Attempts)
		}
		if again, _ := s.ClaimEmail(ctx, id, time.Minute); again != nil {
			t.Fatal("a failed email was claimed without a resend")
		}
		if _, err := s.ResendEmail(ctx, m.acct.ID, id); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, s, id, 1)
		if err := s.MarkEmailSent(ctx, id); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetEmail(ctx, m.acct.ID, id)
		if got.Status != models.EmailSent || got.SentAt == nil {
			t.Fatalf("after sending: %+v", got)
		}
		other := newMailShop(t, s, "Other")
		if _, err := s.ResendEmail(ctx, other.acct.ID, id); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("resend from another account: %v", err)
		}
	})
}

func TestOutboxHeldAndStale(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Held")
	ann := m.affiliate(t, "Ann")
	id, err := s.WriteAffiliateCodesEmail(ctx, m.acct.ID, m.affiliateWithCode(t, ann), mailAppURL)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := s.StaleEmails(ctx, time.Now().Add(time.Minute), 10)
	if err != nil || len(stale) != 1 || stale[0] != id {
		t.Fatalf("stale = %v (%v), want the queued email", stale, err)
	}
	if err := s.HoldEmail(ctx, id); err != nil {
		t.Fatal(err)
	}
	held, _, err := s.ListEmails(ctx, m.acct.ID, models.EmailFilter{Status: models.EmailHeld})
	if err != nil || len(held) != 1 || held[0].Text == "" {
		t.Fatalf("held emails = %+v (%v)", held, err)
	}
	if stale, _ := s.StaleEmails(ctx, time.Now().Add(time.Minute), 10); len(stale) != 0 {
		t.Fatalf("a held email is not stale: %v", stale)
	}
	if _, _, err := s.ListEmails(ctx, m.acct.ID, models.EmailFilter{Status: "lost"}); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("unknown status filter: %v", err)
	}
}

// affiliateWithCode gives aff a code and returns its id.
func (m *mailShop) affiliateWithCode(t *testing.T, aff *models.Affiliate) uint64 {
	t.Helper()
	m.code(t, strings.ToUpper(aff.Name)+"10", aff)
	return aff.ID
}

func mustClaim(t *testing.T, s *models.Store, id uint64, attempts int) *models.OutboxEmail {
	t.Helper()
	e, err := s.ClaimEmail(context.Background(), id, time.Minute)
	if err != nil || e == nil {
		t.Fatalf("claim %d: %+v %v", id, e, err)
	}
	if e.Status != models.EmailSending || e.Attempts != attempts {
		t.Fatalf("claimed email: status %s attempts %d, want sending %d", e.Status, e.Attempts, attempts)
	}
	return e
}

func TestEmailTemplates(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Tmpl")
	kind := emailtmpl.KindCodeAssignment
	bad := emailtmpl.Draft{Subject: "Hi {{first_name}}", Body: "{{codes}}"}
	_, err := s.SaveEmailTemplate(ctx, m.acct.ID, kind, bad)
	var fe *models.FieldError
	if !errors.Is(err, models.ErrInvalid) || !errors.As(err, &fe) || fe.Field != "subject" || !strings.Contains(fe.Error(), "{{first_name}}") ||
		!strings.Contains(fe.Error(), "{{affiliate_first_name}}") {
		t.Fatalf("an unknown tag: %v, want a subject FieldError naming it and the valid tags", err)
	}
	if v, _ := s.GetEmailTemplate(ctx, m.acct.ID, kind); v.Custom {
		t.Fatal("a refused template was saved")
	}
	own := emailtmpl.Draft{Subject: "Codes from {{program_name}}", Body: "Hi {{affiliate_first_name}}\n{{codes}}\nYou earn {{commission}}."}
	if _, err := s.SaveEmailTemplate(ctx, m.acct.ID, kind, own); err != nil {
		t.Fatal(err)
	}
	view, err := s.GetEmailTemplate(ctx, m.acct.ID, kind)
	if err != nil || !view.Custom || view.Legacy || view.Draft != own || len(view.Tags) == 0 {
		t.Fatalf("saved template reads back as %+v (%v)", view, err)
	}
	bob := m.affiliate(t, "Bob")
	bob, _ = s.UpdateAffiliate(ctx, m.acct.ID, bob.ID, models.AffiliatePatch{Name: ptr("Bob Stone")})
	ids, _ := s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{m.code(t, "B1", bob).ID, m.code(t, "B2", bob).ID}, mailAppURL)
	e, _ := s.GetEmail(ctx, m.acct.ID, ids[0])
	if e.Subject != "Codes from Tmpl" || !strings.HasPrefix(e.Text, "Hi Bob\nB1: 15% off\n") || !strings.Contains(e.Text, "\nB2: 15% off\n") || e.LastError != "" ||
		e.Commission == "" || !strings.Contains(e.Text, e.Commission) {
		t.Fatalf("the shop's template was not used: %q %q %q %q", e.Subject, e.Text, e.LastError, e.Commission)
	}
	other := newMailShop(t, s, "Other")
	if v, _ := s.GetEmailTemplate(ctx, other.acct.ID, kind); v.Custom {
		t.Fatal("one shop's template shows in another")
	}
	if v, err := s.ResetEmailTemplate(ctx, m.acct.ID, kind); err != nil || v.Custom {
		t.Fatalf("reset: %+v %v", v, err)
	}
	if _, err := s.GetEmailTemplate(ctx, m.acct.ID, "newsletter"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("unknown kind: %v", err)
	}
}

// A template saved before merge tags existed (Go templates in subject,
// html and text) keeps being used as it was; the editor shows the
// built-in template instead, and a template failing on real data falls
// back to the built-in one and says so.
func TestLegacyEmailTemplatesStillSend(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Old")
	kind := emailtmpl.KindCodeAssignment
	legacy := models.EmailTemplate{AccountID: m.acct.ID, Kind: kind, Subject: "Codes from {{.Program.Name}}",
		HTML: "<p>{{range .Codes}}{{.Code}} {{end}}</p>", Text: "Second code: {{(index .Codes 1).Code}}"}
	if err := s.DB().Create(&legacy).Error; err != nil {
		t.Fatal(err)
	}
	view, err := s.GetEmailTemplate(ctx, m.acct.ID, kind)
	if err != nil || !view.Custom || !view.Legacy || strings.Contains(view.Subject+view.Body, "{{.") {
		t.Fatalf("a legacy template is shown as %+v (%v), want the built-in one flagged legacy", view, err)
	}
	bob := m.affiliate(t, "Bob")
	ids, _ := s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{m.code(t, "B1", bob).ID, m.code(t, "B2", bob).ID}, mailAppURL)
	e, _ := s.GetEmail(ctx, m.acct.ID, ids[0])
	if e.Subject != "Codes from Old" || e.Text != "Second code: B2" || e.HTML != "<p>B1 B2 </p>" || e.LastError != "" {
		t.Fatalf("the legacy template was not used: %q %q %q", e.Subject, e.Text, e.LastError)
	}
	ann := m.affiliate(t, "Ann")
	ids, _ = s.WriteAssignmentEmails(ctx, m.acct.ID, []uint64{m.code(t, "ONLY", ann).ID}, mailAppURL)
	e, _ = s.GetEmail(ctx, m.acct.ID, ids[0])
	if !strings.Contains(e.LastError, "template failed") || !strings.Contains(e.Text, "ONLY") {
		t.Fatalf("a template failing on real data should fall back to the built-in one and say so: %q\n%s", e.LastError, e.Text)
	}
	if _, err := s.SaveEmailTemplate(ctx, m.acct.ID, kind, emailtmpl.Draft{Subject: "New", Body: "{{codes}}"}); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.GetEmailTemplate(ctx, m.acct.ID, kind); v.Legacy || v.Subject != "New" {
		t.Fatalf("saving did not replace the legacy template: %+v", v)
	}
}

func TestEmailSettings(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Settings")
	set, err := s.GetEmailSettings(ctx, m.acct.ID)
	if err != nil || !set.AssignmentEmails || !set.ReversalNotices || !set.Summaries || set.SummaryDay != 1 {
		t.Fatalf("defaults = %+v (%v)", set, err)
	}
	off, day, site := false, 5, "https://acme.example/"
	set, err = s.UpdateEmailSettings(ctx, m.acct.ID, models.EmailSettingsPatch{Summaries: &off, SummaryDay: &day, SiteURL: &site})
	if err != nil || set.Summaries || set.SummaryDay != 5 || set.SiteURL != "https://acme.example" || !set.ReversalNotices {
		t.Fatalf("updated = %+v (%v)", set, err)
	}
	tests := []struct {
		name string
		p    models.EmailSettingsPatch
	}{
		{"day 0", models.EmailSettingsPatch{SummaryDay: ptr(0)}},
		{"day 29", models.EmailSettingsPatch{SummaryDay: ptr(29)}},
		{"site not a URL", models.EmailSettingsPatch{SiteURL: ptr("acme.example")}},
		{"site javascript", models.EmailSettingsPatch{SiteURL: ptr("javascript:alert(1)")}},
	}
	for _, tt := range tests {
		if _, err := s.UpdateEmailSettings(ctx, m.acct.ID, tt.p); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tt.name, err)
		}
	}
	got, _ := s.GetEmailSettings(ctx, m.acct.ID)
	if got.SummaryDay != 5 {
		t.Fatalf("a refused update changed the settings: %+v", got)
	}
}

func ptr[T any](v T) *T { return &v }

func TestCommissionTerms(t *testing.T) {
	three := 3
	tests := []struct {
		rule models.CommissionRule
		want string
	}{
		{models.CommissionRule{Kind: models.CommissionPercent, BasisPoints: 1250, HoldDays: 30, RecurringMonths: ptr(0)},
			"12.5% of each order's subtotal (after discounts, before tax and shipping); payable 30 days after the order, once it can no longer be refunded"},
		{models.CommissionRule{Kind: models.CommissionFlat, FlatAmount: 500, Currency: "EUR", RecurringMonths: &three},
			"5.00 EUR per order; subscription renewals earn too, for 3 months"},
		{models.CommissionRule{Kind: models.CommissionFlat, FlatAmount: 500, Currency: "JPY"},
			"500 JPY per order; subscription renewals earn too, for as long as the subscription lasts"},
	}
	for i, tt := range tests {
		if got := models.CommissionTerms(&tt.rule); got != tt.want {
			t.Errorf("%d: %q\nwant %q", i, got, tt.want)
		}
	}
}

// A mail server's long answer in any language is kept, cut to the stored
// length without breaking a character.
func TestLongEmailErrorIsCutOnACharacter(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx, m := context.Background(), newMailShop(t, s, "LongError")
		id, err := s.WriteAffiliateCodesEmail(ctx, m.acct.ID, m.affiliateWithCode(t, m.affiliate(t, "Ann")), mailAppURL)
		cause := "550 " + strings.Repeat("é", 3000)
		if err == nil {
			err = s.MarkEmailFailed(ctx, id, cause, true)
		}
		got, gerr := s.GetEmail(ctx, m.acct.ID, id)
		if err != nil || gerr != nil {
			t.Fatal(err, gerr)
		}
		if kept := got.LastError; !utf8.ValidString(kept) || len(kept) < 1900 || len(kept) > 2000 || !strings.HasPrefix(cause, kept) {
			t.Fatalf("stored error: %d bytes, valid %v", len(kept), utf8.ValidString(kept))
		}
	})
}
