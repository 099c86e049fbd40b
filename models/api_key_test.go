package models_test

import (
	"testing"

	"codecredit/models"
)

func TestAPIKeyAllows(t *testing.T) {
	cases := []struct {
		scopes string
		area   string
		write  bool
		want   bool
	}{
		{"full", "keys", true, true},
		{"full", "orders", true, true},
		{"write", "orders", true, true},
		{"write", "keys", false, false},
		{"read", "orders", false, true},
		{"read", "orders", true, false},
		{"read", "keys", false, false},
		{"orders:write", "orders", false, true},
		{"orders:write", "affiliates", false, false},
		{"reports:read", "reports", true, false},
		{"reports:read orders:write", "orders", true, true},
		{"keys:read", "keys", false, true},
		{"orders:read", "", false, false},
		{"read", "", false, true},
		{"", "orders", false, false},
	}
	for _, tc := range cases {
		k := &models.APIKey{Scopes: tc.scopes}
		if got := k.Allows(tc.area, tc.write); got != tc.want {
			t.Errorf("scopes %q on %q (write %v) = %v, want %v", tc.scopes, tc.area, tc.write, got, tc.want)
		}
	}
}

func TestValidScopesNormalises(t *testing.T) {
	got, err := models.ValidScopes([]string{" Read ", "orders:write", "read"})
	if err != nil || len(got) != 2 || got[0] != "read" || got[1] != "orders:write" {
		t.Fatalf("ValidScopes = %v, %v; want [read orders:write]", got, err)
	}
	for _, bad := range [][]string{nil, {" "}, {"orders"}, {"orders:admin"}, {"nosuch:read"}} {
		if _, err := models.ValidScopes(bad); err == nil {
			t.Errorf("ValidScopes(%q) accepted", bad)
		}
	}
}

func TestAPIKeyCovers(t *testing.T) {
	cases := []struct {
		has, scope string
		want       bool
	}{
		{"full", "full", true},
		{"write", "full", false},
		{"write", "read", true},
		{"write", "orders:write", true},
		{"write", "keys:read", false},
		{"read", "orders:write", false},
		{"read", "write", false},
		{"keys:write", "full", false},
		{"keys:write", "keys:read", true},
		{"orders:write", "orders:read", true},
		{"orders:read", "orders:write", false},
	}
	for _, tc := range cases {
		k := &models.APIKey{Scopes: tc.has}
		if got := k.Covers(tc.scope); got != tc.want {
			t.Errorf("%q covers %q = %v, want %v", tc.has, tc.scope, got, tc.want)
		}
	}
}
