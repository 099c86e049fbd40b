package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
)

// TestStoreCreditRunPaysEachOnce: affiliates paid in store credit are
// found among the shop's customers by email; a run credits each found one
// once (sending again credits nothing more) and lists the affiliate with
// no customer as skipped, their balance still payable.
func TestStoreCreditRunPaysEachOnce(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	emails := []string{"ann@example.com", "bob@example.com", "cy@example.com"}
	cs := newStoreCreditShop(t, s, emails, []int64{1234, 2000, 3000}, []string{"Ann@Example.com", "bob@example.com"})
	sender := cs.sender()
	if found, err := sender.FindCustomers(ctx, cs.account.ID, 100); err != nil || found != 2 {
		t.Fatalf("FindCustomers = %d, %v; want ann and bob", found, err)
	}
	run, created, err := s.StartStoreCreditRun(ctx, cs.account.ID, "credit-run-1")
	if err != nil || !created || run.PayoutCount != 2 || run.Total != 3234 {
		t.Fatalf("run = %+v, created %v, %v", run, created, err)
	}
	if len(run.Skipped) != 1 || !strings.Contains(run.Skipped[0].Reason, "no customer of the Shopify store has the email cy@example.com") {
		t.Fatalf("skipped = %+v; want cy, with the reason", run.Skipped)
	}
	for range 2 {
		if err := sender.Send(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range [][]int64{{1234}, {2000}, nil} {
		if got := cs.credits(t, emails[i]); !slices.Equal(got, want) {
			t.Errorf("%s holds credits %v, want %v", emails[i], got, want)
		}
		paid, approved, paidOut, sending := ledgerOf(t, s, cs.affiliates[i])
		owed := []int64{1234, 2000, 3000}[i]
		if w := owed - approved; paid != w || paidOut != w || sending != 0 || (want == nil) != (approved == owed) {
			t.Errorf("%s ledger: paid %d, paid out %d, approved %d, %d sending", emails[i], paid, paidOut, approved, sending)
		}
	}
	v, err := s.GetPlatformRun(ctx, cs.account.ID, run.ID)
	if err != nil || v.Paid != 3234 || !strings.HasPrefix(v.Items[0].PlatformID, "gid://shopify/StoreCreditAccountCreditTransaction/") {
		t.Fatalf("run view = %+v, %v", v, err)
	}
}

// TestStoreCreditRunAfterLostAnswerCreditsOnce (PostgreSQL and SQLite): Shopify made the credit
// but the answer was lost. A send within the call's lease leaves it
// alone; once the lease has passed, the send finds the credit among the
// customer's credits and books it instead of crediting again.
func TestStoreCreditRunAfterLostAnswerCreditsOnce(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		emails := []string{"ann@example.com", "bob@example.com"}
		cs := newStoreCreditShop(t, s, emails, []int64{1500, 2500}, emails)
		if _, err := cs.sender().FindCustomers(ctx, cs.account.ID, 100); err != nil {
			t.Fatal(err)
		}
		run, _, err := s.StartStoreCreditRun(ctx, cs.account.ID, "credit-run-lost")
		if err != nil {
			t.Fatal(err)
		}
		if err := cs.sb.LoseStoreCreditAnswers(creditShop, 1); err != nil {
			t.Fatal(err)
		}
		if err := cs.sender().Send(ctx, run.ID); err == nil {
			t.Fatal("send with ann's answer lost: no error, want the outcome unknown")
		}
		if got := cs.credits(t, emails[0]); !slices.Equal(got, []int64{1500}) {
			t.Fatalf("ann holds %v: the credit was made", got)
		}
		patient := jobs.NewStoreCreditSender(s, cs.adapter, jobs.PlatformSendOptions{})
		if err := patient.Send(ctx, run.ID); err == nil {
			t.Fatal("send within the lease of the lost call: no error, want it left unknown")
		}
		if err := cs.sender().Send(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		for i, want := range []int64{1500, 2500} {
			if got := cs.credits(t, emails[i]); !slices.Equal(got, []int64{want}) {
				t.Errorf("%s holds credits %v, want %d once", emails[i], got, want)
			}
			if paid, _, paidOut, sending := ledgerOf(t, s, cs.affiliates[i]); paid != want || paidOut != want || sending != 0 {
				t.Errorf("%s ledger: paid %d, paid out %d, %d sending", emails[i], paid, paidOut, sending)
			}
		}
		v, _ := s.GetPlatformRun(ctx, cs.account.ID, run.ID)
		if v.Items[0].State != models.SendPaid || v.Items[0].Attempts != 1 || v.Items[0].PlatformID == "" {
			t.Errorf("ann's item %+v: want paid by the one credit made", v.Items[0])
		}
	})
}

// TestStoreCreditToUnknownCustomerFails: a customer known before but gone
// from the shop: the credit fails with Shopify's reason and the
// commission is payable again.
func TestStoreCreditToUnknownCustomerFails(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	cs := newStoreCreditShop(t, s, []string{"gone@example.com"}, []int64{1234}, nil)
	err := s.SaveStoreCreditCustomer(ctx, cs.account.ID, cs.affiliates[0], "gone@example.com", "gid://shopify/Customer/987654")
	if err != nil {
		t.Fatal(err)
	}
	run, _, err := s.StartStoreCreditRun(ctx, cs.account.ID, "credit-run-gone")
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.sender().Send(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	v, err := s.GetPlatformRun(ctx, cs.account.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	it := v.Items[0]
	if it.State != models.SendFailed || it.PlatformStatus != "OWNER_NOT_FOUND" || !strings.Contains(it.Reason, "customer credited is not on the Shopify store") {
		t.Fatalf("item %+v: want failed, OWNER_NOT_FOUND, saying the customer is not on the store", it)
	}
	if _, approved, paidOut, sending := ledgerOf(t, s, cs.affiliates[0]); approved != 1234 || paidOut != 0 || sending != 0 {
		t.Fatalf("ledger: approved %d, paid out %d, %d sending; want 1234 payable again", approved, paidOut, sending)
	}
	var note string
	s.DB().Raw("SELECT note FROM ledger_entries WHERE affiliate_id = ? AND status = 'returned' AND amount > 0", cs.affiliates[0]).Scan(&note)
	if !strings.HasPrefix(note, "Shopify did not pay (OWNER_NOT_FOUND)") {
		t.Errorf("returned entry note %q", note)
	}
}
