package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// storedRows counts the rows a refused request must not have added.
func storedRows(t *testing.T, s *models.Store) string {
	t.Helper()
	var out []string
	for _, table := range []string{"affiliates", "codes", "webhook_events", "commission_rules", "payouts"} {
		var n int64
		if err := s.DB().Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(out, " ")
}

// Bad input of every kind is a 400 naming what is wrong, stores nothing,
// and never reaches the database as a 5xx or the workers as a 202.
func TestBadInputIsA400AndStoresNothing(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		v := newEnvOn(t, s)
		shop := v.tenant("Shop")
		var jane models.Affiliate
		v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, &jane)
		order := func(field, value string) string {
			return strings.Replace(orderJSON, `"currency":"usd"`, `"currency":"usd",`+`"`+field+`":`+value, 1)
		}
		refund := `{"id":"r1","order_id":"1001","subtotal":%s,"created_at":"2026-11-21T10:00:00Z"}`
		tests := []struct{ name, method, path, body, msg string }{
			{"path id past 2^63", "GET", "/api/v1/affiliates/9223372036854775808", "", "at most 9223372036854775807"},
			{"path id past 2^64", "GET", "/api/v1/codes/99999999999999999999", "", "positive whole number"},
			{"query id past 2^63", "GET", "/api/v1/conversions?affiliate_id=9223372036854775808", "", "affiliate_id must be"},
			{"connection id past 2^63", "GET", "/api/v1/codes?connection_id=18446744073709551615", "", "connection_id must be"},
			{"body id past 2^63", "POST", "/api/v1/payouts", `{"affiliate_id":9223372036854775808}`, "affiliate_id must be at most"},
			{"body id list past 2^63", "POST", "/api/v1/codes/generate", `{"discount_type":"percentage","discount_value":1000,"affiliate_ids":[18446744073709551615]}`, "affiliate_ids[0] must be at most"},
			{"NUL in a search", "GET", "/api/v1/affiliates?q=a%00b", "", "q must not contain NUL"},
			{"NUL in a code search", "GET", "/api/v1/codes?q=%0D%0A", "", "q must be printable"},
			{"NUL in a name", "POST", "/api/v1/affiliates", `{"name":"Ja\u0000ne","email":"j2@example.com"}`, "name must not contain NUL"},
			{"CR/LF in a name", "POST", "/api/v1/affiliates", `{"name":"Jane\r\nBcc: all@example.com","email":"j3@example.com"}`, "name must be printable text on one line"},
			{"CR/LF in a rename", "PATCH", fmt.Sprintf("/api/v1/affiliates/%d", jane.ID), `{"name":"Jane\nDoe"}`, "name must be printable"},
			{"NUL in an order id", "POST", "/api/v1/orders", strings.Replace(orderJSON, `"1001"`, `"10\u000001"`, 1), "must not contain NUL"},
			{"NUL in an order's code", "POST", "/api/v1/orders", strings.Replace(orderJSON, `"JANE15"`, `"JANE\u000015"`, 1), "must not contain NUL"},
			{"order id too long", "POST", "/api/v1/orders", strings.Replace(orderJSON, `"1001"`, `"`+strings.Repeat("é", 200)+`"`, 1), "at most 255 bytes"},
			{"currency =1+", "POST", "/api/v1/orders", strings.Replace(orderJSON, `"usd"`, `"=1+"`, 1), "not an ISO 4217 currency code"},
			{"currency <b>", "POST", "/api/v1/orders", strings.Replace(orderJSON, `"usd"`, `"<b>"`, 1), "not an ISO 4217 currency code"},
			{"currency not ISO", "POST", "/api/v1/orders", strings.Replace(orderJSON, `"usd"`, `"ABC"`, 1), "not an ISO 4217 currency code"},
			{"subtotal int64 max", "POST", "/api/v1/orders", strings.Replace(orderJSON, `10000`, `9223372036854775807`, 1), "subtotal must be between 0 and 10000000000000 minor units"},
			{"total past the bound", "POST", "/api/v1/orders", strings.Replace(orderJSON, `9350`, `10000000000001`, 1), "total must be between 0 and 10000000000000"},
			{"placed_at in year 0", "POST", "/api/v1/orders", strings.Replace(orderJSON, `2026-11-20`, `0000-01-01`, 1), "placed_at must be between 1970 and 2999"},
			{"customer name with a line break", "POST", "/api/v1/orders", order("customer_name", `"A\nB"`), "customer_name must be printable"},
			{"refund subtotal int64 max", "POST", "/api/v1/refunds", fmt.Sprintf(refund, "9223372036854775807"), "subtotal must be between 0 and 10000000000000"},
			{"refund currency <b>", "POST", "/api/v1/refunds", `{"id":"r1","order_id":"1001","currency":"<b>","subtotal":5,"created_at":"2026-11-21T10:00:00Z"}`, "not an ISO 4217"},
			{"NUL in a refund id", "POST", "/api/v1/refunds", `{"id":"r\u00001","order_id":"1001","subtotal":5,"created_at":"2026-11-21T10:00:00Z"}`, "must not contain NUL"},
			{"flat commission past the bound", "PUT", fmt.Sprintf("/api/v1/affiliates/%d/commission", jane.ID), `{"kind":"flat","flat_amount":9223372036854775807,"currency":"USD"}`, "flat_amount must be between 0 and 10000000000000"},
			{"page past int64", "GET", "/api/v1/conversions?page=99999999999999999999", "", "page must be"},
		}
		before := storedRows(t, s)
		for _, tc := range tests {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			rec := v.call(tc.method, tc.path, shop.key, body)
			if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, tc.msg) {
				t.Errorf("%s: %d %q, want 400 mentioning %q", tc.name, rec.Code, msg, tc.msg)
			}
		}
		if after := storedRows(t, s); after != before || len(v.queue.Events()) != 0 {
			t.Fatalf("refused requests stored rows: before %s, after %s, queued %v", before, after, v.queue.Events())
		}
		// The largest id is merely unknown.
		if rec := v.call("GET", "/api/v1/affiliates/9223372036854775807", shop.key, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("largest id: %d %s, want 404", rec.Code, rec.Body)
		}
		// Notes may hold line breaks.
		v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, `{"name":"Bob","email":"bob@example.com","notes":"line 1\nline 2"}`, nil)
	})
}

// A page past the end is empty and says the real total; it is not page 1.
func TestPagePastTheEndIsEmpty(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		v := newEnvOn(t, s)
		shop := v.tenant("Shop")
		for _, n := range []string{"a", "b", "c"} {
			v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": n, "email": n + "@example.com"}, nil)
		}
		for _, path := range []string{"/api/v1/affiliates?per_page=2&page=3", "/api/v1/affiliates?page=9223372036854775807&per_page=200",
			"/api/v1/codes?page=1000000000", "/api/v1/conversions?page=46116860184273880", "/api/v1/emails?page=1000000000"} {
			var page listOf[map[string]any]
			v.must(http.StatusOK, "GET", path, shop.key, nil, &page)
			if len(page.Data) != 0 || page.Page == 1 {
				t.Fatalf("%s: %+v, want an empty page past the end", path, page)
			}
			if strings.HasPrefix(path, "/api/v1/affiliates") && page.Total != 3 {
				t.Fatalf("%s: total %d, want 3", path, page.Total)
			}
		}
		var last listOf[map[string]any]
		v.must(http.StatusOK, "GET", "/api/v1/affiliates?per_page=2&page=2", shop.key, nil, &last)
		if len(last.Data) != 1 || last.Total != 3 {
			t.Fatalf("last page: %+v", last)
		}
	})
}
