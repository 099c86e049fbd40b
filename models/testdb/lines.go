package testdb

// What the platforms' booking flow tests share: an account with a store
// connected, its codes saved and one assigned to an affiliate, rules and
// base set, and the checks of what a booked conversion stored, line by
// line, against the affiliate's pending balance.

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/platforms"
)

// BookedLine is what one stored conversion line must show once booked:
// its line id, net, commission base, commission and why.
type BookedLine struct {
	ID                    string
	Net, Base, Commission int64
	Why                   string
}

// ConnectedAccount creates the account name, owned by owner, in the
// currency of in, installs the store in names on it and saves the store's
// codes, as the code import does.
func ConnectedAccount(t testing.TB, s *models.Store, name, owner string, in models.Install, codes []platforms.DiscountCode) (*models.Account, *models.Connection) {
	t.Helper()
	ctx := context.Background()
	acct, err := s.CreateAccount(ctx, name, owner, in.Currency)
	if err != nil {
		t.Fatal(err)
	}
	in.AccountID = acct.ID
	conn, err := s.InstallConnection(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertPlatformCodes(ctx, conn, codes); err != nil {
		t.Fatal(err)
	}
	return acct, conn
}

// AffiliateWithCode creates the affiliate name (email) on the account and
// assigns it the account's one code spelled code, imported from the
// store. It returns the affiliate's id.
func AffiliateWithCode(t testing.TB, s *models.Store, accountID uint64, name, email, code string) uint64 {
	t.Helper()
	ctx := context.Background()
	aff, err := s.CreateAffiliate(ctx, accountID, models.NewAffiliate{Name: name, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := s.ListCodes(ctx, accountID, models.CodeFilter{Q: code})
	if err != nil || len(rows) != 1 || rows[0].Code != code {
		t.Fatalf("%s imported: %v, %v", code, rows, err)
	}
	if _, err := s.AssignCode(ctx, accountID, rows[0].ID, aff.ID); err != nil {
		t.Fatal(err)
	}
	return aff.ID
}

// CheckConversion checks a booked conversion: the affiliate's, on
// subtotal, earning commission for why, and, unless externalID is empty,
// for that order of the store's.
func CheckConversion(t testing.TB, conv *models.Conversion, affiliateID uint64, subtotal, commission int64, why, externalID string) {
	t.Helper()
	if conv == nil || conv.AffiliateID == nil || *conv.AffiliateID != affiliateID || conv.Subtotal != subtotal ||
		conv.Commission != commission || conv.Why != why || (externalID != "" && conv.ExternalOrderID != externalID) {
		t.Fatalf("conversion %+v, want affiliate %d's, %d on %d, why %q, order %q", conv, affiliateID, commission, subtotal, why, externalID)
	}
}

// Detail is the conversion's detail, once the affiliate's ledger is
// checked: pending in currency, nothing approved or paid (the hold has
// not run).
func Detail(t testing.TB, s *models.Store, accountID, affiliateID, convID uint64, currency string, pending int64) *models.ConversionDetail {
	t.Helper()
	ctx := context.Background()
	bs, err := s.Balances(ctx, accountID, affiliateID)
	if err != nil || len(bs) != 1 || bs[0].Currency != currency || bs[0].Pending != pending || bs[0].Approved+bs[0].Paid != 0 {
		t.Fatalf("affiliate's balances %+v (%v), want %d pending in %s", bs, err, pending, currency)
	}
	d, err := s.GetConversionDetail(ctx, accountID, convID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// CheckBooked checks the affiliate's ledger as Detail does and that the
// conversion stored exactly the lines want, in order. It returns the
// conversion's detail.
func CheckBooked(t testing.TB, s *models.Store, accountID, affiliateID, convID uint64, currency string, pending int64, want []BookedLine) *models.ConversionDetail {
	t.Helper()
	d := Detail(t, s, accountID, affiliateID, convID, currency, pending)
	if len(d.Lines) != len(want) {
		t.Fatalf("%d lines booked, want %d: %+v", len(d.Lines), len(want), d.Lines)
	}
	for i, w := range want {
		l := d.Lines[i]
		if got := (BookedLine{l.LineID, l.Net, l.Base, l.Commission, l.Why}); got != w {
			t.Errorf("line %d = %+v, want %+v", i, got, w)
		}
	}
	return d
}

// SetRules saves the account's commission rules and sets the base its
// commissions are worked out on.
func SetRules(t testing.TB, s *models.Store, accountID uint64, base commission.Base, rules []models.ConditionRule) {
	t.Helper()
	ctx := context.Background()
	for _, r := range rules {
		if _, err := s.SaveConditionRule(ctx, accountID, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UpdateAccountSettings(ctx, accountID, models.AccountSettings{Base: &base}); err != nil {
		t.Fatal(err)
	}
}

// CheckCancelled checks that every line of the conversion gave back all it
// earned and that the conversion, earned in all, is reversed.
func CheckCancelled(t testing.TB, d *models.ConversionDetail, earned int64) {
	t.Helper()
	for _, l := range d.Lines {
		if l.ReversedCommission != l.Commission {
			t.Errorf("line %s reversed %d of %d after cancelling", l.LineID, l.ReversedCommission, l.Commission)
		}
	}
	if d.ReversedCommission != earned || d.Status != models.ConversionReversed {
		t.Errorf("after cancelling: reversed %d of %d, status %s", d.ReversedCommission, earned, d.Status)
	}
}
