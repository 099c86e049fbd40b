package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// TestSummaryAfterApprovalsAndOnlyWithActivity: the first run of December
// approves November's matured commission before writing November's
// summaries, which go to affiliates with activity in November only, once.
func TestSummaryAfterApprovalsAndOnlyWithActivity(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	m := newMailShop(t, s, "Novembrist")
	ann, bob, cid := m.affiliate(t, "Ann"), m.affiliate(t, "Bob"), m.affiliate(t, "Cid")
	m.affiliate(t, "Idle")
	m.code(t, "ANN10", ann)
	m.code(t, "BOB10", bob)
	m.code(t, "CID10", cid)
	now := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	book := func(id, code string, placed time.Time) {
		t.Helper()
		if _, err := s.AttributeOrder(ctx, m.conn.ID, platforms.Order{ExternalID: id, Codes: []string{code},
			Currency: "USD", Subtotal: 10000, Total: 10000, PlacedAt: placed}); err != nil {
			t.Fatal(err)
		}
	}
	// Bob sold in September, approved in October: a balance, but no November news.
	book("b1", "BOB10", time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC))
	now = time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	if _, err := s.ApproveMatured(ctx); err != nil {
		t.Fatal(err)
	}
	// Ann sold on October 20 (payable November 19) and on November 10;
	// Cid sold on October 25 (payable November 24) and nothing since.
	book("a1", "ANN10", now)
	book("c1", "CID10", time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC))
	book("a2", "ANN10", time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC))
	now = time.Date(2026, 12, 1, 0, 5, 0, 0, time.UTC) // no approval ran in November
	ids, err := s.WriteEarningsSummaries(ctx, mailAppURL)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, id := range ids {
		e, err := s.GetEmail(ctx, m.acct.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		got[e.To] = e.Text
	}
	if len(got) != 2 || got[ann.Email] == "" || got[cid.Email] == "" {
		t.Fatalf("November summaries to %v, want Ann and Cid only (Bob and Idle had no November activity)", keys(got))
	}
	for who, wants := range map[string][]string{
		ann.Email: {"Orders with your codes: 1.", "Pending (on hold): 10.00 USD", "Approved (payable): 10.00 USD"},
		cid.Email: {"Approved (payable): 10.00 USD"},
	} {
		for _, want := range wants {
			if !strings.Contains(strings.Join(strings.Fields(got[who]), " "), want) {
				t.Errorf("summary to %s misses %q:\n%s", who, want, got[who])
			}
		}
	}
	now = now.Add(10 * time.Minute)
	if again, err := s.WriteEarningsSummaries(ctx, mailAppURL); err != nil || len(again) != 0 {
		t.Fatalf("a second run wrote %v %v", again, err)
	}
	var n int64
	s.DB().Model(&models.OutboxEmail{}).Where("account_id = ? AND kind = ?", m.acct.ID, "earnings_summary").Count(&n)
	if n != 2 {
		t.Fatalf("%d summaries in the outbox, want 2", n)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
