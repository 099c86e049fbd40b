package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type ruleAnswer struct {
	ID     uint64 `json:"id"`
	Scope  string `json:"scope"`
	Target string `json:"target"`
	Label  string `json:"label"`
	Kind   string `json:"kind"`
	Why    string `json:"why"`
}

type previewAnswer struct {
	Subtotal   int64  `json:"subtotal"`
	Commission int64  `json:"commission"`
	Why        string `json:"why"`
	Lines      []struct {
		ID         string `json:"id"`
		Title      string `json:"title"`
		Base       int64  `json:"base"`
		Commission int64  `json:"commission"`
		Why        string `json:"why"`
	} `json:"lines"`
}

// Rules for products and codes are added, listed in order of precedence,
// changed and removed; the preview says what an order of some lines would
// earn under them, line by line; bad rules are refused naming the field,
// and another shop's rule is not found.
func TestCommissionRulesThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop, other := v.tenant("Shop"), v.tenant("Other")
	var shirt, gift ruleAnswer
	v.must(http.StatusCreated, "POST", "/api/v1/commission-rules", shop.key,
		`{"scope":"product","target":"111","label":"Linen shirt","kind":"percent","basis_points":1500}`, &shirt)
	v.must(http.StatusCreated, "POST", "/api/v1/commission-rules", shop.key,
		`{"scope":"product","target":"222","label":"Gift card","kind":"exclude"}`, &gift)
	if shirt.Why != "Product rule (Linen shirt): 15%" || gift.Why != "Excluded: Gift card earns nothing" {
		t.Fatalf("whys %q %q", shirt.Why, gift.Why)
	}
	var jane struct{ ID uint64 }
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "j@example.com"}, &jane)
	var code struct{ ID uint64 }
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE20", "affiliate_id": jane.ID, "discount_type": "percentage", "discount_value": 2000}, &code)
	var codeRule ruleAnswer
	v.must(http.StatusCreated, "POST", "/api/v1/commission-rules", shop.key,
		map[string]any{"scope": "code", "target": fmt.Sprint(code.ID), "kind": "flat", "flat_amount": 500, "currency": "usd"}, &codeRule)
	if codeRule.Label != "JANE20" || codeRule.Why != "Code rule (JANE20): 5.00 USD per order" {
		t.Fatalf("code rule %+v", codeRule)
	}
	var list listOf[ruleAnswer]
	v.must(http.StatusOK, "GET", "/api/v1/commission-rules", shop.key, nil, &list)
	if len(list.Data) != 3 || list.Data[0].Scope != "code" || list.Data[1].ID != shirt.ID {
		t.Fatalf("list %+v", list.Data)
	}

	// An order of two shirts (2 × 30.00 less 6.00), a gift card and a mug
	// (12.00): the shirts earn 15% of 54.00 = 8.10, the gift card nothing,
	// the mug the program default, 10% of 12.00 = 1.20; 9.30 in all.
	order := map[string]any{"lines": []map[string]any{
		{"id": "1", "product_id": "111", "title": "Linen shirt", "quantity": 2, "unit_price": 3000, "discount": 600},
		{"id": "2", "product_id": "222", "title": "Gift card", "quantity": 1, "unit_price": 5000},
		{"id": "3", "product_id": "333", "title": "Mug", "quantity": 1, "unit_price": 1200},
	}, "shipping": 500}
	var p previewAnswer
	v.must(http.StatusOK, "POST", "/api/v1/commission-rules/preview", shop.key, order, &p)
	if p.Subtotal != 11600 || p.Commission != 930 || len(p.Lines) != 3 || p.Lines[0].Commission != 810 ||
		p.Lines[1].Why != "Excluded: Gift card earns nothing" || p.Lines[2].Why != "Program default: 10%" {
		t.Fatalf("preview %+v", p)
	}
	// With the code, the code rule decides every line but the gift card.
	order["code_id"] = code.ID
	v.must(http.StatusOK, "POST", "/api/v1/commission-rules/preview", shop.key, order, &p)
	if p.Commission != 500 || p.Why != "Code rule (JANE20): 5.00 USD per order; Excluded: Gift card earns nothing" {
		t.Fatalf("preview with the code %+v", p)
	}
	// Shipping in the base: a line of its own under the order's rule.
	delete(order, "code_id")
	v.must(http.StatusOK, "PUT", "/api/v1/settings", shop.key, `{"commission_base":{"shipping":true}}`, nil)
	v.must(http.StatusOK, "POST", "/api/v1/commission-rules/preview", shop.key, order, &p)
	if p.Commission != 980 || len(p.Lines) != 4 || p.Lines[3].Title != "Shipping" || p.Lines[3].Commission != 50 {
		t.Fatalf("preview with shipping %+v", p)
	}

	v.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/commission-rules/%d", shirt.ID), shop.key,
		`{"scope":"product","target":"111","label":"Linen shirt","kind":"percent","basis_points":2000}`, &shirt)
	if shirt.Why != "Product rule (Linen shirt): 20%" {
		t.Fatalf("after the change %q", shirt.Why)
	}
	bad := []struct{ name, body, field string }{
		{"unknown scope", `{"scope":"brand","target":"x","kind":"percent"}`, "scope"},
		{"no target", `{"scope":"product","target":" ","kind":"percent"}`, "target"},
		{"rate over 100%", `{"scope":"product","target":"9","kind":"percent","basis_points":10001}`, "basis_points"},
		{"flat without currency", `{"scope":"product","target":"9","kind":"flat","flat_amount":100}`, "currency"},
		{"excluding a code", fmt.Sprintf(`{"scope":"code","target":"%d","kind":"exclude"}`, code.ID), "kind"},
		{"the same product twice", `{"scope":"product","target":"111","kind":"percent","basis_points":100}`, "target"},
		{"unknown field", `{"scope":"product","target":"9","kind":"percent","rate":5}`, ""},
	}
	for _, b := range bad {
		rec := v.call("POST", "/api/v1/commission-rules", shop.key, b.body)
		var body struct{ Error, Field string }
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code/100 != 4 || body.Error == "" || body.Field != b.field {
			t.Errorf("%s: %d %s, want a 4xx naming field %q", b.name, rec.Code, rec.Body.String(), b.field)
		}
	}
	// Another shop sees none of it and cannot touch it, nor preview with
	// this shop's code.
	for _, c := range []struct{ method, path, body string }{
		{"PUT", fmt.Sprintf("/api/v1/commission-rules/%d", shirt.ID), `{"scope":"product","target":"1","kind":"exclude"}`},
		{"DELETE", fmt.Sprintf("/api/v1/commission-rules/%d", shirt.ID), ""},
		{"POST", "/api/v1/commission-rules", fmt.Sprintf(`{"scope":"code","target":"%d","kind":"percent"}`, code.ID)},
		{"POST", "/api/v1/commission-rules/preview", fmt.Sprintf(`{"code_id":%d,"subtotal":100}`, code.ID)},
	} {
		var body any
		if c.body != "" {
			body = c.body
		}
		if rec := v.call(c.method, c.path, other.key, body); rec.Code != http.StatusNotFound {
			t.Errorf("other shop %s %s: %d %s, want 404", c.method, c.path, rec.Code, rec.Body.String())
		}
	}
	v.must(http.StatusOK, "GET", "/api/v1/commission-rules", other.key, nil, &list)
	if len(list.Data) != 0 {
		t.Fatalf("other shop lists %+v", list.Data)
	}
	v.must(http.StatusNoContent, "DELETE", fmt.Sprintf("/api/v1/commission-rules/%d", gift.ID), shop.key, nil, nil)
	v.must(http.StatusOK, "GET", "/api/v1/commission-rules", shop.key, nil, &list)
	if len(list.Data) != 2 {
		t.Fatalf("after delete %+v", list.Data)
	}
	if rec := v.call("DELETE", fmt.Sprintf("/api/v1/commission-rules/%d", gift.ID), shop.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("deleting twice: %d", rec.Code)
	}
}

// Orders with lines are checked at the door: lines that do not add up to
// the subtotal, a line without an id, a refund line without its goods.
func TestOrderLinesAreCheckedAtTheDoor(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	line := `{"id":"1","product_id":"7","quantity":2,"unit_price":1500,"discount":500}`
	good := `{"id":"L1","codes":["X"],"currency":"USD","placed_at":"2026-11-20T10:00:00Z","lines":[` + line + `]}`
	v.must(http.StatusAccepted, "POST", "/api/v1/orders", shop.key, good, nil)
	for name, c := range map[string]struct{ path, body, msg string }{
		"subtotal not the lines'": {"/api/v1/orders", strings.Replace(good, `"id":"L1"`, `"id":"L2","subtotal":3000`, 1), "not what the lines sold for (2500"},
		"line without id":         {"/api/v1/orders", strings.Replace(good, `"id":"1"`, `"id":""`, 1), "has no id"},
		"discount above the line": {"/api/v1/orders", strings.Replace(good, `"discount":500`, `"discount":5000`, 1), "discount is larger"},
		"refund line without goods": {"/api/v1/refunds",
			`{"id":"r","order_id":"L1","created_at":"2026-11-21T10:00:00Z","lines":[{"line_id":"1","quantity":1}]}`, "positive subtotal"},
	} {
		rec := v.call("POST", c.path, shop.key, c.body)
		if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %d %q, want 400 mentioning %q", name, rec.Code, msg, c.msg)
		}
	}
}
