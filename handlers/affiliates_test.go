package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
)

func TestHealth(t *testing.T) {
	v := newEnv(t)
	var body map[string]string
	v.must(http.StatusOK, "GET", "/healthz", "", nil, &body)
	if body["status"] != "ok" {
		t.Fatalf("healthz = %v", body)
	}
	v.must(http.StatusOK, "GET", "/readyz", "", nil, &body)

	// A failing dependency: 503 saying so, without internal details.
	down := newEnv(t)
	sqlDB, _ := down.store.DB().DB()
	sqlDB.Close()
	rec := down.call("GET", "/readyz", "", nil)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "not reachable") || strings.Contains(rec.Body.String(), "closed") {
		t.Fatalf("readyz with the database closed: %d %s", rec.Code, rec.Body.String())
	}
}

func TestAPIKeyRequired(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	tests := []struct {
		name   string
		header string
		want   int
	}{
		{"no header", "", http.StatusUnauthorized},
		{"not bearer", "Basic " + shop.key, http.StatusUnauthorized},
		{"bearer without key", "Bearer ", http.StatusUnauthorized},
		{"unknown key", "Bearer cc_0000000000000000000000000000000000000000", http.StatusUnauthorized},
		{"not our prefix", "Bearer sk_live_123", http.StatusUnauthorized},
		{"valid", "Bearer " + shop.key, http.StatusOK},
		{"scheme any case", "bearer " + shop.key, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/affiliates", "/api/v1/codes", "/api/v1/settings"} {
				req := newRequest("GET", path, tc.header)
				rec := serve(v, req)
				if rec.Code != tc.want {
					t.Fatalf("%s: %d %s, want %d", path, rec.Code, rec.Body.String(), tc.want)
				}
				if tc.want == http.StatusUnauthorized {
					errorOf(t, rec)
					if rec.Header().Get("WWW-Authenticate") == "" {
						t.Fatal("401 without WWW-Authenticate")
					}
				}
			}
		})
	}
	// POST without a key stores nothing.
	rec := v.call("POST", "/api/v1/affiliates", "", map[string]string{"name": "X", "email": "x@example.com"})
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("POST without key: %d", rec.Code)
	}
	var l listOf[models.Affiliate]
	v.must(http.StatusOK, "GET", "/api/v1/affiliates", shop.key, nil, &l)
	if l.Total != 0 {
		t.Fatalf("an unauthenticated POST stored an affiliate")
	}
}

func TestAffiliatesThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	var jane models.Affiliate
	v.step("create keeps the email in lower case and refuses a duplicate email or a missing name", func(t *testing.T) {
		v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key,
			map[string]string{"name": "Jane Doe", "email": "Jane@Example.com", "notes": "podcast"}, &jane)
		if jane.ID == 0 || jane.Email != "jane@example.com" || jane.Status != "active" || jane.AccountID != shop.acct.ID {
			t.Fatalf("created = %+v", jane)
		}
		rec := v.call("POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Other Jane", "email": "jane@example.com"})
		if msg := errorOf(t, rec); rec.Code != http.StatusConflict || !strings.Contains(msg, "jane@example.com is already used") {
			t.Fatalf("duplicate email: %d %q", rec.Code, msg)
		}
		rec = v.call("POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "", "email": "x@example.com"})
		if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || msg != "name is required" {
			t.Fatalf("missing name: %d %q", rec.Code, msg)
		}
	})
	v.step("the list searches and pages, and refuses bad paging or status", func(t *testing.T) {
		for i := 1; i <= 30; i++ {
			v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key,
				map[string]string{"name": fmt.Sprintf("Creator %02d", i), "email": fmt.Sprintf("c%02d@creators.io", i)}, nil)
		}

		tests := []struct {
			query     string
			total     int64
			n         int
			first     string
			page, per int
		}{
			{"", 31, 31, "Creator 30", 1, 50},
			{"?q=JANE", 1, 1, "Jane Doe", 1, 50},
			{"?q=creators.IO&per_page=10&page=2", 30, 10, "Creator 20", 2, 10},
			{"?q=creator&per_page=10&page=4", 30, 0, "", 4, 10},
			{"?per_page=1000", 31, 31, "Creator 30", 1, 200},
			{"?q=nobody", 0, 0, "", 1, 50},
		}
		for _, tc := range tests {
			t.Run("list"+tc.query, func(t *testing.T) {
				var l listOf[models.Affiliate]
				v.must(http.StatusOK, "GET", "/api/v1/affiliates"+tc.query, shop.key, nil, &l)
				if l.Total != tc.total || len(l.Data) != tc.n || l.Page != tc.page || l.PerPage != tc.per {
					t.Fatalf("got total %d, %d rows, page %d/%d", l.Total, len(l.Data), l.Page, l.PerPage)
				}
				if tc.first != "" && l.Data[0].Name != tc.first {
					t.Fatalf("first = %q, want %q", l.Data[0].Name, tc.first)
				}
				if l.Data == nil {
					t.Fatal("data must be [] not null")
				}
			})
		}
		for _, q := range []string{"?page=0", "?page=x", "?per_page=-1", "?status=gone"} {
			if rec := v.call("GET", "/api/v1/affiliates"+q, shop.key, nil); rec.Code != http.StatusBadRequest {
				t.Fatalf("list%s: %d, want 400", q, rec.Code)
			}
		}
	})

	path := fmt.Sprintf("/api/v1/affiliates/%d", jane.ID)
	v.step("an affiliate can be read and patched, and a bad status or id is refused", func(t *testing.T) {
		var got models.Affiliate
		v.must(http.StatusOK, "GET", path, shop.key, nil, &got)
		if got.Name != "Jane Doe" {
			t.Fatalf("get = %+v", got)
		}
		v.must(http.StatusOK, "PATCH", path, shop.key, map[string]string{"status": "disabled", "notes": "paused"}, &got)
		if got.Status != "disabled" || got.Notes != "paused" || got.Name != "Jane Doe" {
			t.Fatalf("patched = %+v", got)
		}
		rec := v.call("PATCH", path, shop.key, map[string]string{"status": "gone"})
		if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, "status must be") {
			t.Fatalf("bad status: %d %q", rec.Code, msg)
		}
		if rec := v.call("GET", "/api/v1/affiliates/abc", shop.key, nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("non-numeric id: %d", rec.Code)
		}
		if rec := v.call("GET", "/api/v1/affiliates/999999", shop.key, nil); rec.Code != http.StatusNotFound || errorOf(t, rec) != "affiliate not found" {
			t.Fatalf("missing id: %d %s", rec.Code, rec.Body.String())
		}
	})

	v.step("deleting an affiliate without history removes it", func(t *testing.T) {
		var del struct {
			Deleted   bool             `json:"deleted"`
			Affiliate models.Affiliate `json:"affiliate"`
		}
		v.must(http.StatusOK, "DELETE", path, shop.key, nil, &del)
		if !del.Deleted || del.Affiliate.ID != jane.ID {
			t.Fatalf("delete = %+v", del)
		}
		v.must(http.StatusNotFound, "GET", path, shop.key, nil, nil)
	})
}

func TestAffiliateCommissionThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	var jane models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "j@example.com"}, &jane)
	path := fmt.Sprintf("/api/v1/affiliates/%d/commission", jane.ID)
	type view struct {
		Rule struct {
			Kind            string `json:"kind"`
			BasisPoints     int64  `json:"basis_points"`
			FlatAmount      int64  `json:"flat_amount"`
			Currency        string `json:"currency"`
			RecurringMonths *int   `json:"recurring_months"`
			HoldDays        int    `json:"hold_days"`
		} `json:"rule"`
		Source string `json:"source"`
	}
	var got view
	v.must(http.StatusOK, "GET", path, shop.key, nil, &got)
	if got.Source != "default" || got.Rule.BasisPoints != 1000 || got.Rule.HoldDays != 30 {
		t.Fatalf("initial = %+v", got)
	}
	// Only the rate: the rest keeps the rule in force.
	v.must(http.StatusOK, "PUT", path, shop.key, map[string]any{"basis_points": 2500}, &got)
	if got.Source != "affiliate" || got.Rule.BasisPoints != 2500 || got.Rule.HoldDays != 30 || got.Rule.Kind != "percent" {
		t.Fatalf("after PUT = %+v", got)
	}
	v.must(http.StatusOK, "PUT", path, shop.key, map[string]any{"kind": "flat", "flat_amount": 700, "recurring_months": nil}, &got)
	if got.Rule.Kind != "flat" || got.Rule.FlatAmount != 700 || got.Rule.RecurringMonths != nil {
		t.Fatalf("flat lifetime = %+v", got)
	}
	rec := v.call("PUT", path, shop.key, map[string]any{"hold_days": 999})
	if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, "hold_days") {
		t.Fatalf("bad hold: %d %q", rec.Code, msg)
	}
	v.must(http.StatusOK, "GET", path, shop.key, nil, &got)
	if got.Rule.FlatAmount != 700 || got.Rule.HoldDays != 30 {
		t.Fatalf("a refused PUT changed the rule: %+v", got)
	}
	v.must(http.StatusOK, "DELETE", path, shop.key, nil, &got)
	if got.Source != "default" || got.Rule.BasisPoints != 1000 {
		t.Fatalf("after DELETE = %+v", got)
	}
}

func newRequest(method, path, auth string) *http.Request {
	req, _ := http.NewRequest(method, path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return req
}
