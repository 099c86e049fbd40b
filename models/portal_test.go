package models_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/emailtmpl"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

var tokenRE = regexp.MustCompile(`/portal/auth\?token=([A-Za-z0-9_-]+)`)

// loginToken reads the sign-in token out of an outbox email.
func loginToken(t *testing.T, s *models.Store, accountID, id uint64) string {
	t.Helper()
	e, err := s.GetEmail(context.Background(), accountID, id)
	if err != nil {
		t.Fatal(err)
	}
	m := tokenRE.FindStringSubmatch(e.Text)
	if m == nil || !strings.Contains(e.HTML, m[0]) {
		t.Fatalf("no sign-in link in both parts of the email:\n%s", e.Text)
	}
	return m[1]
}

func TestPortalSignIn(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		m := newMailShop(t, s, "Portal")
		ann := m.affiliate(t, "Ann")
		if ids, err := s.RequestPortalLinks(ctx, "nobody@example.com", mailAppURL); err != nil || len(ids) != 0 {
			t.Fatalf("unknown address: %v %v, want nothing and no error", ids, err)
		}
		if _, err := s.RequestPortalLinks(ctx, "not an address", mailAppURL); !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("malformed address: %v", err)
		}
		ids, err := s.RequestPortalLinks(ctx, "  ANN@Example.com ", mailAppURL)
		if err != nil || len(ids) != 1 {
			t.Fatalf("known address: %v %v", ids, err)
		}
		token := loginToken(t, s, m.acct.ID, ids[0])
		for range 2 { // a mail scanner, then the person: peeking uses nothing up
			if acct, err := s.PeekPortalLink(ctx, token); err != nil || acct.ID != m.acct.ID {
				t.Fatalf("peek: %+v %v, want account %d", acct, err, m.acct.ID)
			}
		}
		session, err := s.ConsumePortalLink(ctx, token)
		if err != nil || session == "" {
			t.Fatalf("first use: %q %v", session, err)
		}
		if _, err := s.ConsumePortalLink(ctx, token); !errors.Is(err, models.ErrLinkUsed) {
			t.Fatalf("second use: %v, want ErrLinkUsed", err)
		}
		if _, err := s.PeekPortalLink(ctx, token); !errors.Is(err, models.ErrLinkUsed) {
			t.Fatalf("peek at a used link: %v, want ErrLinkUsed", err)
		}
		for _, bad := range []string{"made-up", "", strings.Repeat("x", 101)} {
			if _, err := s.PeekPortalLink(ctx, bad); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("peek at %q: %v, want ErrNotFound", bad, err)
			}
		}
		aff, acct, err := s.PortalAffiliate(ctx, session)
		if err != nil || aff.ID != ann.ID || acct.ID != m.acct.ID {
			t.Fatalf("session is %+v %+v (%v), want Ann of %d", aff, acct, err, m.acct.ID)
		}
		if _, err := s.ConsumePortalLink(ctx, "made-up"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("unknown link: %v", err)
		}
		disabled, active := models.AffiliateDisabled, models.AffiliateActive
		if _, err := s.UpdateAffiliate(ctx, m.acct.ID, ann.ID, models.AffiliatePatch{Status: &disabled}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.PortalAffiliate(ctx, session); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("session of a disabled affiliate: %v, want ErrNotFound", err)
		}
		if ids, err := s.RequestPortalLinks(ctx, ann.Email, mailAppURL); err != nil || len(ids) != 0 {
			t.Fatalf("a disabled affiliate asked for a link: %v %v, want nothing", ids, err)
		}
		if _, err := s.UpdateAffiliate(ctx, m.acct.ID, ann.ID, models.AffiliatePatch{Status: &active}); err != nil {
			t.Fatal(err)
		}
		if err := s.EndPortalSession(ctx, session); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.PortalAffiliate(ctx, session); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("signed-out session: %v", err)
		}
	})
}

func TestPortalLinkExpires(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Expiry")
	m.affiliate(t, "Ann")
	now := time.Now().UTC()
	s.SetClock(func() time.Time { return now })
	ids, err := s.RequestPortalLinks(ctx, "ann@example.com", mailAppURL)
	if err != nil || len(ids) != 1 {
		t.Fatal(ids, err)
	}
	token := loginToken(t, s, m.acct.ID, ids[0])
	now = now.Add(models.PortalLinkTTL)
	if _, err := s.PeekPortalLink(ctx, token); !errors.Is(err, models.ErrLinkExpired) {
		t.Fatalf("peek at a link %v old: %v, want ErrLinkExpired", models.PortalLinkTTL, err)
	}
	if _, err := s.ConsumePortalLink(ctx, token); !errors.Is(err, models.ErrLinkExpired) {
		t.Fatalf("a link %v old: %v, want ErrLinkExpired", models.PortalLinkTTL, err)
	}
	ids, _ = s.RequestPortalLinks(ctx, "ann@example.com", mailAppURL)
	session, err := s.ConsumePortalLink(ctx, loginToken(t, s, m.acct.ID, ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(models.PortalSessionTTL)
	if _, _, err := s.PortalAffiliate(ctx, session); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a session %v old: %v, want ErrNotFound", models.PortalSessionTTL, err)
	}
}

func TestPortalLinksPerMerchantAndThrottled(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	one, two := newMailShop(t, s, "One"), newMailShop(t, s, "Two")
	a1, a2 := one.affiliate(t, "Sam"), two.affiliate(t, "Sam")
	ids, err := s.RequestPortalLinks(ctx, "sam@example.com", mailAppURL)
	if err != nil || len(ids) != 2 {
		t.Fatalf("an address at two merchants: %v %v, want two emails", ids, err)
	}
	s1, err := s.ConsumePortalLink(ctx, loginToken(t, s, one.acct.ID, ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := s.ConsumePortalLink(ctx, loginToken(t, s, two.acct.ID, ids[1]))
	if err != nil {
		t.Fatal(err)
	}
	if aff, _, _ := s.PortalAffiliate(ctx, s1); aff.ID != a1.ID {
		t.Fatalf("merchant one's link signed in as affiliate %d", aff.ID)
	}
	if aff, _, _ := s.PortalAffiliate(ctx, s2); aff.ID != a2.ID {
		t.Fatalf("merchant two's link signed in as affiliate %d", aff.ID)
	}
	if _, err := s.GetEmail(ctx, one.acct.ID, ids[1]); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("merchant one can read the email sent for merchant two")
	}
	for range 10 {
		if _, err := s.RequestPortalLinks(ctx, "sam@example.com", mailAppURL); err != nil {
			t.Fatal(err)
		}
	}
	logins, _, _ := s.ListEmails(ctx, one.acct.ID, models.EmailFilter{Kind: emailtmpl.KindPortalLogin})
	if len(logins) != 5 {
		t.Fatalf("%d sign-in emails within an hour, want at most 5", len(logins))
	}
}

// ledgerNet sums the ledger of one affiliate by status, straight from the table.
func ledgerNet(t *testing.T, s *models.Store, affID uint64) map[string]int64 {
	t.Helper()
	var rows []struct {
		Status string
		Total  int64
	}
	err := s.DB().Model(&models.LedgerEntry{}).Select("status, SUM(amount) AS total").
		Where("affiliate_id = ? AND kind <> ?", affID, models.EntryPayout).Group("status").Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.Total
	}
	return out
}

func TestPortalOverviewMatchesLedger(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Ledger")
	ann, bob := m.affiliate(t, "Ann"), m.affiliate(t, "Bob")
	m.code(t, "ANN10", ann)
	m.code(t, "BOB10", bob)
	other := newMailShop(t, s, "Elsewhere")
	other.code(t, "ANN10", other.affiliate(t, "Ann"))
	placed := time.Now().UTC().Add(-40 * 24 * time.Hour)
	for i, o := range []struct {
		id, code string
		sub      int64
		conn     uint64
	}{{"1", "ANN10", 10000, m.conn.ID}, {"2", "ann10", 2550, m.conn.ID}, {"3", "BOB10", 9900, m.conn.ID}, {"1", "ANN10", 7000, other.conn.ID}} {
		_, err := s.AttributeOrder(ctx, o.conn, platforms.Order{ExternalID: o.id, Number: "#" + o.id, Codes: []string{o.code},
			Currency: "USD", Subtotal: o.sub, Total: o.sub, CustomerEmail: "buyer@example.com", PlacedAt: placed.Add(time.Duration(i) * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ApproveMatured(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.ReverseRefund(ctx, m.conn.ID, platforms.Refund{ExternalID: "r1", OrderExternalID: "2", Subtotal: 1000}); err != nil {
		t.Fatal(err)
	}
	v, err := s.PortalOverview(ctx, ann, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := ledgerNet(t, s, ann.ID)
	if len(v.Balances) != 1 || v.Balances[0].Approved != want[models.EntryApproved] || v.Balances[0].Pending != want[models.EntryPending] ||
		v.Balances[0].Paid != want[models.EntryPaid] {
		t.Fatalf("portal balances %+v, ledger %v", v.Balances, want)
	}
	if v.Balances[0].Approved != 1000+255-100 {
		t.Fatalf("approved %d, want 10%% of 100.00 + 25.50 less the refunded 10.00", v.Balances[0].Approved)
	}
	if v.Total != 2 || len(v.Conversions) != 2 || len(v.Codes) != 1 || v.Codes[0].Code != "ANN10" {
		t.Fatalf("Ann sees %d conversions and codes %+v, want her 2 and ANN10", v.Total, v.Codes)
	}
	for _, c := range v.Conversions {
		if c.OrderNumber == "#3" || c.Code == "BOB10" {
			t.Fatalf("Ann sees Bob's order %+v", c)
		}
	}
	if !v.Codes[0].AutoApply || v.Codes[0].Link != "https://ledger.myshopify.com/discount/ANN10" {
		t.Fatalf("code link %+v", v.Codes[0])
	}
}

func TestReversalNotices(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		m := newMailShop(t, s, "Refunds")
		ann := m.affiliate(t, "Ann")
		m.code(t, "ANN10", ann)
		if _, err := s.AttributeOrder(ctx, m.conn.ID, platforms.Order{ExternalID: "o1", Number: "#1001", Codes: []string{"ANN10"},
			Currency: "USD", Subtotal: 20000, Total: 20000, PlacedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		if err := s.ReverseRefund(ctx, m.conn.ID, platforms.Refund{ExternalID: "r1", OrderExternalID: "o1", Subtotal: 5000}); err != nil {
			t.Fatal(err)
		}
		ids, err := s.WriteReversalNotices(ctx, m.conn.ID, "o1", mailAppURL)
		if err != nil || len(ids) != 1 {
			t.Fatalf("notices %v (%v), want one", ids, err)
		}
		e, _ := s.GetEmail(ctx, m.acct.ID, ids[0])
		if e.To != ann.Email || !strings.Contains(e.Text, "#1001") || !strings.Contains(e.Text, "5.00 USD") || !strings.Contains(e.Text, "partly refunded") {
			t.Fatalf("notice:\n%s", e.Text)
		}
		if again, _ := s.WriteReversalNotices(ctx, m.conn.ID, "o1", mailAppURL); len(again) != 0 {
			t.Fatalf("the same refund noticed twice: %v", again)
		}
		if err := s.ReverseRefund(ctx, m.conn.ID, platforms.Refund{ExternalID: "r2", OrderExternalID: "o1", Full: true}); err != nil {
			t.Fatal(err)
		}
		ids, _ = s.WriteReversalNotices(ctx, m.conn.ID, "o1", mailAppURL)
		if len(ids) != 1 {
			t.Fatalf("second refund: %v", ids)
		}
		e, _ = s.GetEmail(ctx, m.acct.ID, ids[0])
		if !strings.Contains(e.Text, "15.00 USD") || !strings.Contains(e.Text, "refunded or cancelled") {
			t.Fatalf("full refund notice:\n%s", e.Text)
		}
		if ids, _ := s.WriteReversalNotices(ctx, m.conn.ID, "unknown-order", mailAppURL); len(ids) != 0 {
			t.Fatalf("an unknown order noticed %v", ids)
		}
	})
}

func TestEarningsSummaries(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Monthly")
	ann := m.affiliate(t, "Ann")
	m.code(t, "ANN10", ann)
	m.code(t, "BOB10", m.affiliate(t, "Bob"))
	m.affiliate(t, "Idle")
	march := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	now := march
	s.SetClock(func() time.Time { return now })
	for _, o := range []platforms.Order{
		{ExternalID: "o1", Codes: []string{"ANN10"}, Currency: "USD", Subtotal: 12000, Total: 12000, PlacedAt: march},
		{ExternalID: "o2", Codes: []string{"ANN10"}, Currency: "USD", Subtotal: 5000, Total: 5000, PlacedAt: march.AddDate(0, -1, 0)},
	} {
		if _, err := s.AttributeOrder(ctx, m.conn.ID, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ReverseRefund(ctx, m.conn.ID, platforms.Refund{ExternalID: "r1", OrderExternalID: "o2", Subtotal: 2000,
		CreatedAt: march.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	day := 3
	if _, err := s.UpdateEmailSettings(ctx, m.acct.ID, models.EmailSettingsPatch{SummaryDay: &day}); err != nil {
		t.Fatal(err)
	}
	now = time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
	if ids, err := s.WriteEarningsSummaries(ctx, mailAppURL); err != nil || len(ids) != 0 {
		t.Fatalf("before the summary day: %v %v", ids, err)
	}
	now = now.Add(24 * time.Hour)
	ids, err := s.WriteEarningsSummaries(ctx, mailAppURL)
	if err != nil || len(ids) != 1 {
		t.Fatalf("on the summary day: %v %v, want Ann's only (Bob and Idle had nothing)", ids, err)
	}
	e, _ := s.GetEmail(ctx, m.acct.ID, ids[0])
	if e.To != ann.Email || e.Subject != "Your March 2026 earnings with Monthly" {
		t.Fatalf("summary %q to %s", e.Subject, e.To)
	}
	// March: one order (12.00 commission, on hold); February's order
	// refunded in March for 2.00 of its 5.00, its hold over on March 12:
	// the run approves its 3.00 before writing the summary.
	for _, want := range []string{"Orders with your codes: 1.", "Earned in March 2026: 12.00 USD", "Reversed (refunds): 2.00 USD",
		"Pending (on hold): 12.00 USD", "Approved (payable): 3.00 USD"} {
		if !strings.Contains(strings.Join(strings.Fields(e.Text), " "), want) {
			t.Errorf("summary misses %q:\n%s", want, e.Text)
		}
	}
	now = now.Add(48 * time.Hour)
	if again, _ := s.WriteEarningsSummaries(ctx, mailAppURL); len(again) != 0 {
		t.Fatalf("a second summary for March: %v", again)
	}
	now = time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC)
	if may, _ := s.WriteEarningsSummaries(ctx, mailAppURL); len(may) != 1 {
		t.Fatalf("April summary for March's commission approved in April: %v", may)
	}
}
