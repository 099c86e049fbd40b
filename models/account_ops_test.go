package models_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

func TestUpdateAccountSettings(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Shop")
		str := func(v string) *string { return &v }
		tests := []struct {
			name     string
			in       models.AccountSettings
			sentinel error
			msg      string
			rule     string
			currency string
		}{
			{"naming rule", models.AccountSettings{NamingRule: str(" {NAME}{RANDOM4} ")}, nil, "", "{NAME}{RANDOM4}", "USD"},
			{"currency", models.AccountSettings{Currency: str("eur")}, nil, "", "{NAME}{RANDOM4}", "EUR"},
			{"unknown token", models.AccountSettings{NamingRule: str("{FIRST}{SHOE}")}, models.ErrInvalid, "unknown token {SHOE}", "", ""},
			{"too short", models.AccountSettings{NamingRule: str("{RANDOM2}")}, models.ErrInvalid, "at least 3", "", ""},
			{"empty", models.AccountSettings{NamingRule: str("")}, models.ErrInvalid, "template is empty", "", ""},
			{"bad currency", models.AccountSettings{Currency: str("euro")}, models.ErrInvalid, "ISO 4217", "", ""},
			{"good rule, bad commission: nothing saved", models.AccountSettings{NamingRule: str("{FIRST}"),
				DefaultRule: &models.CommissionRule{Kind: "percent", BasisPoints: -1}}, models.ErrInvalid, "basis_points", "", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				a, err := s.UpdateAccountSettings(ctx, acct.ID, tc.in)
				opsWantErr(t, err, tc.sentinel, tc.msg)
				if err == nil && (a.NamingRule != tc.rule || a.Currency != tc.currency) {
					t.Fatalf("account = %+v", a)
				}
			})
		}
		a, _ := s.GetAccount(ctx, acct.ID)
		if a.NamingRule != "{NAME}{RANDOM4}" || a.Currency != "EUR" {
			t.Fatalf("refused settings changed the account: %+v", a)
		}
		if _, err := s.UpdateAccountSettings(ctx, acct.ID, models.AccountSettings{
			DefaultRule: &models.CommissionRule{Kind: "flat", FlatAmount: 250, HoldDays: 10}}); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.GetDefaultRule(ctx, acct.ID); r.Kind != "flat" || r.FlatAmount != 250 || r.Currency != "EUR" {
			t.Fatalf("default rule: %+v", r)
		}
		if _, err := s.UpdateAccountSettings(ctx, 987654, models.AccountSettings{Currency: str("USD")}); err == nil {
			t.Fatal("a missing account must be ErrNotFound")
		}
	})
}
