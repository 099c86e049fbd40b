package handlers_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"codecredit/models"
)

func TestCodesThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	var jane, bob models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Bob Stone", "email": "bob@example.com"}, &bob)

	// Manual code, then the same code in another case.
	var vip models.Code
	v.step("a manual code keeps its spelling, and a duplicate in another case or a fixed amount without currency is refused", func(t *testing.T) {
		v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{
			"code": "Vip-Jane", "discount_type": "percentage", "discount_value": 2000, "affiliate_id": jane.ID}, &vip)
		if vip.Source != "manual" || vip.AffiliateID == nil || *vip.AffiliateID != jane.ID || vip.DiscountValue != 2000 {
			t.Fatalf("manual code = %+v", vip)
		}
		rec := v.call("POST", "/api/v1/codes", shop.key, map[string]any{"code": "VIP-JANE", "discount_type": "percentage", "discount_value": 1000})
		if msg := errorOf(t, rec); rec.Code != http.StatusConflict || msg != "code Vip-Jane already exists" {
			t.Fatalf("duplicate code: %d %q", rec.Code, msg)
		}
		rec = v.call("POST", "/api/v1/codes", shop.key, map[string]any{"code": "TEN", "discount_type": "fixed_amount", "discount_value": 1000})
		if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, "currency is required") {
			t.Fatalf("fixed without currency: %d %q", rec.Code, msg)
		}
	})

	// Preview writes nothing; generate writes what the rule says.
	gen := map[string]any{"template": "{FIRST}{DISCOUNT}", "discount_type": "percentage", "discount_value": 1500,
		"affiliate_ids": []uint64{jane.ID, bob.ID}}
	var preview listOf[models.GeneratedCode]
	var l listOf[models.Code]
	var made listOf[models.Code]
	v.step("preview shows the rule's codes and writes none", func(t *testing.T) {
		v.must(http.StatusOK, "POST", "/api/v1/codes/preview", shop.key, gen, &preview)
		if preview.Count != 2 || preview.Data[0].Code != "JANE15" || preview.Data[1].Code != "BOB15" || preview.Data[1].AffiliateName != "Bob Stone" {
			t.Fatalf("preview = %+v", preview)
		}
		v.must(http.StatusOK, "GET", "/api/v1/codes", shop.key, nil, &l)
		if l.Total != 1 {
			t.Fatalf("preview wrote codes: %d", l.Total)
		}
	})
	v.step("generate writes the rule's codes and never collides with earlier ones", func(t *testing.T) {
		v.must(http.StatusCreated, "POST", "/api/v1/codes/generate", shop.key, gen, &made)
		if made.Count != 2 || made.Data[0].Code != "JANE15" || made.Data[0].Source != "generated" || made.Data[0].ID == 0 {
			t.Fatalf("generate = %+v", made)
		}
		v.must(http.StatusCreated, "POST", "/api/v1/codes/generate", shop.key, gen, &made)
		if made.Data[0].Code != "JANE15B" || made.Data[1].Code != "BOB15B" {
			t.Fatalf("second generation must not collide: %+v", made.Data)
		}
		randomGen := map[string]any{"template": "CC{RANDOM8}", "discount_type": "percentage", "discount_value": 1000, "affiliate_ids": []uint64{bob.ID}}
		v.must(http.StatusCreated, "POST", "/api/v1/codes/generate", shop.key, randomGen, &made)
		if !regexp.MustCompile(`^CC[A-HJKMNP-Z2-9]{8}$`).MatchString(made.Data[0].Code) {
			t.Fatalf("random code %q", made.Data[0].Code)
		}
	})
	v.step("refused generations write no codes", func(t *testing.T) {
		for name, body := range map[string]any{
			"unknown token":  map[string]any{"template": "{CITY}", "discount_type": "percentage", "discount_value": 1000, "affiliate_ids": []uint64{jane.ID}},
			"both":           map[string]any{"discount_type": "percentage", "discount_value": 1000, "affiliate_ids": []uint64{jane.ID}, "all_missing": true},
			"neither":        map[string]any{"discount_type": "percentage", "discount_value": 1000},
			"bad discount":   map[string]any{"discount_type": "percentage", "discount_value": 0, "affiliate_ids": []uint64{jane.ID}},
			"missing person": map[string]any{"discount_type": "percentage", "discount_value": 1000, "affiliate_ids": []uint64{jane.ID, 987654}},
		} {
			rec := v.call("POST", "/api/v1/codes/generate", shop.key, body)
			if rec.Code != http.StatusBadRequest && rec.Code != http.StatusNotFound {
				t.Fatalf("%s: %d %s", name, rec.Code, rec.Body.String())
			}
			errorOf(t, rec)
		}
		v.must(http.StatusOK, "GET", "/api/v1/codes", shop.key, nil, &l)
		if l.Total != 6 {
			t.Fatalf("refused generations wrote codes: total %d", l.Total)
		}
	})

	// All missing: a new affiliate without a code gets one from the account's rule.
	v.step("generating for all missing gives a new affiliate without a code one from the rule", func(t *testing.T) {
		var cara models.Affiliate
		v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Cara", "email": "cara@example.com"}, &cara)
		missing := map[string]any{"discount_type": "percentage", "discount_value": 1000, "all_missing": true}
		v.must(http.StatusOK, "POST", "/api/v1/codes/preview", shop.key, missing, &preview)
		if preview.Count != 1 || preview.Data[0].AffiliateID != cara.ID || preview.Data[0].Code != "CARA10" {
			t.Fatalf("preview missing = %+v", preview)
		}
		v.must(http.StatusCreated, "POST", "/api/v1/codes/generate", shop.key, missing, &made)
		if made.Count != 1 || made.Data[0].Code != "CARA10" {
			t.Fatalf("generate missing = %+v", made)
		}
	})

	// Assign, unassign, deactivate and the filters that show it.
	v.step("a code can be assigned, unassigned and deactivated", func(t *testing.T) {
		var code models.Code
		codePath := fmt.Sprintf("/api/v1/codes/%d", vip.ID)
		v.must(http.StatusOK, "POST", codePath+"/assign", shop.key, map[string]any{"affiliate_id": bob.ID}, &code)
		if *code.AffiliateID != bob.ID {
			t.Fatalf("assign = %+v", code)
		}
		rec := v.call("POST", codePath+"/assign", shop.key, map[string]any{})
		if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || msg != "affiliate_id is required" {
			t.Fatalf("assign without affiliate: %d %q", rec.Code, msg)
		}
		var unassigned models.Code
		v.must(http.StatusOK, "POST", codePath+"/unassign", shop.key, nil, &unassigned)
		if unassigned.AffiliateID != nil {
			t.Fatalf("unassign = %+v", unassigned)
		}
		v.must(http.StatusOK, "POST", codePath+"/deactivate", shop.key, nil, &code)
		if code.Active {
			t.Fatalf("deactivate = %+v", code)
		}
	})
	v.step("the code list filters by source, assignment, affiliate, activity, connection and text and refuses bad filters", func(t *testing.T) {
		filters := []struct {
			query string
			total int64
		}{
			{"?source=manual", 1},
			{"?source=generated", 6},
			{"?assigned=no", 1},
			{"?assigned=yes", 6},
			{fmt.Sprintf("?affiliate_id=%d", bob.ID), 3},
			{"?active=no", 1},
			{"?connection_id=0", 7},
			{"?connection_id=5", 0},
			{"?q=jane", 2},
			{"?q=vip-", 1},
			{"?q=BOB&per_page=1&page=2", 2},
		}
		for _, f := range filters {
			v.must(http.StatusOK, "GET", "/api/v1/codes"+f.query, shop.key, nil, &l)
			if l.Total != f.total {
				t.Fatalf("codes%s: total %d, want %d", f.query, l.Total, f.total)
			}
		}
		for _, q := range []string{"?source=other", "?assigned=maybe", "?active=2", "?affiliate_id=x", "?connection_id=-1"} {
			if rec := v.call("GET", "/api/v1/codes"+q, shop.key, nil); rec.Code != http.StatusBadRequest {
				t.Fatalf("codes%s: %d, want 400", q, rec.Code)
			}
		}
	})
}
