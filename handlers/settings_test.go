package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

type settingsAnswer struct {
	Currency          string `json:"currency"`
	NamingRule        string `json:"naming_rule"`
	DefaultCommission struct {
		Kind            string `json:"kind"`
		BasisPoints     int64  `json:"basis_points"`
		FlatAmount      int64  `json:"flat_amount"`
		Currency        string `json:"currency"`
		RecurringMonths *int   `json:"recurring_months"`
		HoldDays        int    `json:"hold_days"`
	} `json:"default_commission"`
}

func TestSettingsThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	var s settingsAnswer
	v.must(http.StatusOK, "GET", "/api/v1/settings", shop.key, nil, &s)
	if s.Currency != "USD" || s.NamingRule != "{FIRST}{DISCOUNT}" || s.DefaultCommission.BasisPoints != 1000 ||
		s.DefaultCommission.RecurringMonths == nil || *s.DefaultCommission.RecurringMonths != 0 {
		t.Fatalf("defaults = %+v", s)
	}
	v.must(http.StatusOK, "PUT", "/api/v1/settings", shop.key,
		`{"naming_rule":"{FIRST}{RANDOM4}","default_commission":{"basis_points":1500,"recurring_months":12}}`, &s)
	if s.NamingRule != "{FIRST}{RANDOM4}" || s.DefaultCommission.BasisPoints != 1500 || *s.DefaultCommission.RecurringMonths != 12 ||
		s.DefaultCommission.HoldDays != 30 || s.Currency != "USD" {
		t.Fatalf("after PUT = %+v", s)
	}
	tests := []struct{ name, body, msg string }{
		{"unknown token", `{"naming_rule":"{FIRST}{ZIP}"}`, "unknown token {ZIP}"},
		{"too short", `{"naming_rule":"{RANDOM2}"}`, "at least 3"},
		{"bad currency", `{"currency":"dollar"}`, "ISO 4217"},
		{"good rule, bad commission", `{"naming_rule":"{NAME}","default_commission":{"kind":"tiered"}}`, "kind must be"},
		{"percent over 100", `{"default_commission":{"basis_points":20000}}`, "basis_points"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := v.call("PUT", "/api/v1/settings", shop.key, tc.body)
			if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, tc.msg) {
				t.Fatalf("%d %q, want 400 mentioning %q", rec.Code, msg, tc.msg)
			}
		})
	}
	v.must(http.StatusOK, "GET", "/api/v1/settings", shop.key, nil, &s)
	if s.NamingRule != "{FIRST}{RANDOM4}" || s.DefaultCommission.BasisPoints != 1500 || s.DefaultCommission.Kind != "percent" {
		t.Fatalf("refused updates changed settings: %+v", s)
	}
	// The saved rule is what generation uses when no template is sent.
	var jane struct{ ID uint64 }
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "j@example.com"}, &jane)
	var prev listOf[struct{ Code string }]
	v.must(http.StatusOK, "POST", "/api/v1/codes/preview", shop.key,
		map[string]any{"discount_type": "percentage", "discount_value": 1000, "affiliate_ids": []uint64{jane.ID}}, &prev)
	if len(prev.Data) != 1 || !strings.HasPrefix(prev.Data[0].Code, "JANE") || len(prev.Data[0].Code) != 8 {
		t.Fatalf("preview with the account rule = %+v", prev)
	}
}
