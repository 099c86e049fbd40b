package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// convRow is a line of the conversions list as a client reads it.
type convRow struct {
	Kind           string `json:"kind"`
	ID             uint64 `json:"id"`
	OrderID        string `json:"order_id"`
	AffiliateName  string `json:"affiliate_name"`
	Commission     int64  `json:"commission"`
	Status         string `json:"status"`
	Origin         string `json:"origin"`
	Review         string `json:"review"`
	Note           string `json:"note"`
	RefundedAmount int64  `json:"refunded_subtotal"`
}

// convFixture is an account with two affiliates and orders placed on
// different days, one of them a self-referral.
type convFixture struct {
	v          *env
	shop       tenant
	jane, bob  models.Affiliate
	conn       *models.Connection
	day0       time.Time
	selfReferA uint64
}

func newConvFixture(t *testing.T, v *env) *convFixture {
	f := &convFixture{v: v, shop: v.tenant("Shop")}
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", f.shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &f.jane)
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", f.shop.key, map[string]string{"name": "=Bob+1", "email": "bob@example.com"}, &f.bob)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", f.shop.key, map[string]any{"code": "JANE15", "discount_type": "percentage", "discount_value": 1500, "affiliate_id": f.jane.ID}, nil)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", f.shop.key, map[string]any{"code": "BOB10", "discount_type": "percentage", "discount_value": 1000, "affiliate_id": f.bob.ID}, nil)
	var err error
	if f.conn, err = v.store.APIConnection(context.Background(), f.shop.acct.ID); err != nil {
		t.Fatal(err)
	}
	f.day0 = v.store.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10)
	for i, o := range []struct {
		id, code, email string
		subtotal        int64
		days            int
	}{{"1001", "JANE15", "", 10000, 0}, {"1002", "JANE15", "", 5000, 3}, {"2001", "BOB10", "", 20000, 5},
		{"3001", "JANE15", "jane@example.com", 8000, 6}, {"3002", "BOB10", "BOB@example.com", 4000, 7}} {
		c := f.attribute(t, platforms.Order{ExternalID: o.id, Number: "#" + o.id, Codes: []string{o.code}, Currency: "USD",
			Subtotal: o.subtotal, Total: o.subtotal, CustomerEmail: o.email, PlacedAt: f.day0.AddDate(0, 0, o.days).Add(time.Hour)})
		if i == 3 {
			f.selfReferA = c.ID
		}
	}
	return f
}

func (f *convFixture) attribute(t *testing.T, o platforms.Order) *models.Conversion {
	t.Helper()
	c, err := f.v.store.AttributeOrder(context.Background(), f.conn.ID, o)
	if err != nil || c == nil {
		t.Fatalf("attribute %s: %v %v", o.ExternalID, c, err)
	}
	return c
}

func (f *convFixture) list(q string) listOf[convRow] {
	var out listOf[convRow]
	f.v.must(http.StatusOK, "GET", "/api/v1/conversions"+q, f.shop.key, nil, &out)
	return out
}

func orderIDs(l listOf[convRow]) string {
	var ids []string
	for _, r := range l.Data {
		ids = append(ids, r.OrderID)
	}
	return strings.Join(ids, ",")
}

func TestConversionListSearchesFiltersAndPages(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	day := func(n int) string { return f.day0.AddDate(0, 0, n).Format(time.DateOnly) }
	for _, tc := range []struct{ q, want string }{
		{"", "3002,3001,2001,1002,1001"},
		{"?q=1002", "1002"},
		{"?q=%231001", "1001"},
		{"?q=bob10", "3002,2001"},
		{"?q=jane%20doe", "3001,1002,1001"},
		{"?q=BOB@EXAMPLE", "3002,2001"},
		{"?q=nobody", ""},
		{"?q=%25", ""}, // a literal %, not a wildcard
		{"?from=" + day(3) + "&to=" + day(5), "2001,1002"},
		{"?from=" + day(6), "3002,3001"},
		{"?to=" + day(0), "1001"},
		{"?status=flagged", "3002,3001"},
		{"?status=pending,flagged&q=jane", "3001,1002,1001"},
		{"?status=paid", ""},
		{"?status=flagged&per_page=1&page=2", "3001"},
	} {
		if got := orderIDs(f.list(tc.q)); got != tc.want {
			t.Errorf("GET /conversions%s = %q, want %q", tc.q, got, tc.want)
		}
	}
	if l := f.list("?per_page=2&page=2"); l.Total != 5 || len(l.Data) != 2 {
		t.Fatalf("page 2: %+v", l)
	}
	if l := f.list("?per_page=2&page=50"); l.Total != 5 || len(l.Data) != 0 {
		t.Fatalf("a page past the end keeps the real total: %+v", l)
	}
	for _, q := range []string{"?status=lost", "?from=yesterday", "?from=2026-02-01&to=2026-01-01", "?q=a%00b", "?to=0001-01-01"} {
		rec := v.call("GET", "/api/v1/conversions"+q, f.shop.key, nil)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("GET /conversions%s: %d %s, want 400", q, rec.Code, rec.Body)
		}
	}
}

func TestConversionExportFollowsTheFilterAndDefusesFormulas(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	rec := v.call("GET", "/api/v1/conversions/export.csv?q=bob", f.shop.key, nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][3] != "order_id" {
		t.Fatalf("export of the filter: %q", rows)
	}
	for _, r := range rows[1:] {
		if r[6] != "'=Bob+1" {
			t.Errorf("affiliate cell %q is not defused", r[6])
		}
	}
	if rows[2][3] != "2001" || rows[2][11] != "20.00" {
		t.Errorf("row %q: want order 2001 earning 20.00", rows[2])
	}
	if rec := v.call("GET", "/api/v1/conversions/export.csv?status=nope", f.shop.key, nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad filter: %d", rec.Code)
	}
}

func TestConversionDetailShowsOrderRuleRefundsAndEntries(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	ctx := context.Background()
	conv := f.list("?q=1001").Data[0]
	if err := v.store.ReverseRefund(ctx, f.conn.ID, platforms.Refund{ExternalID: "r1", OrderExternalID: "1001",
		Currency: "USD", Subtotal: 2500, CreatedAt: v.store.Now()}); err != nil {
		t.Fatal(err)
	}
	var d models.ConversionDetail
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/conversions/%d", conv.ID), f.shop.key, nil, &d)
	if d.OrderNumber != "#1001" || d.Subtotal != 10000 || d.Platform != "api" || d.StoreName == "" || d.Code != "JANE15" {
		t.Fatalf("order: %+v", d.Conversion)
	}
	if d.AffiliateName != "Jane Doe" || d.CreditedBy != models.CreditCode || d.Rule == nil || d.Rule.Own || !strings.Contains(d.Rule.Terms, "10%") {
		t.Fatalf("affiliate and rule: %q %q %+v", d.AffiliateName, d.CreditedBy, d.Rule)
	}
	if len(d.Refunds) != 1 || d.Refunds[0].Subtotal != 2500 {
		t.Fatalf("refunds: %+v", d.Refunds)
	}
	if len(d.Entries) != 2 || d.Entries[0].Kind != models.EntryAccrual || d.Entries[0].Amount != 1000 ||
		d.Entries[1].Kind != models.EntryReversal || d.Entries[1].Amount != -250 {
		t.Fatalf("entries: %+v", d.Entries)
	}
	for _, p := range []string{"/api/v1/conversions/999999", "/api/v1/conversions/abc"} {
		if rec := v.call("GET", p, f.shop.key, nil); rec.Code != http.StatusNotFound && rec.Code != http.StatusBadRequest {
			t.Fatalf("GET %s: %d", p, rec.Code)
		}
	}
}

// balanceOf is an affiliate's pending and approved USD balance.
func balanceOf(v *env, key string, affID uint64) (pending, approved int64) {
	var bals struct{ Data []models.Balance }
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/balances?affiliate_id=%d", affID), key, nil, &bals)
	for _, b := range bals.Data {
		if b.Currency == "USD" {
			return b.Pending, b.Approved
		}
	}
	return 0, 0
}

func TestFlaggedSelfReferralIsApprovedOnceWithAReason(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	path := fmt.Sprintf("/api/v1/conversions/%d/approve", f.selfReferA)
	before, _ := balanceOf(v, f.shop.key, f.jane.ID)
	for _, body := range []any{map[string]string{"reason": "  "}, map[string]string{}, `{"reason":"ok","extra":1}`, "", map[string]string{"reason": "a\nb"}} {
		if rec := v.call("POST", path, f.shop.key, body); rec.Code != http.StatusBadRequest {
			t.Fatalf("approve with %v: %d %s", body, rec.Code, rec.Body)
		}
	}
	var r models.Review
	v.must(http.StatusOK, "POST", path, f.shop.key, map[string]string{"reason": "Jane bought for a client"}, &r)
	if r.Conversion.Status != models.ConversionPending || r.Conversion.Commission != 800 || len(r.Entries) != 1 || r.Entries[0].Amount != 800 {
		t.Fatalf("approval booked %+v %+v", r.Conversion, r.Entries)
	}
	if !strings.HasPrefix(r.Audit.Actor, "API key cc_") || r.Audit.Reason != "Jane bought for a client" || r.Audit.Action != models.AuditApprove {
		t.Fatalf("audit: %+v", r.Audit)
	}
	after, _ := balanceOf(v, f.shop.key, f.jane.ID)
	if after != before+800 {
		t.Fatalf("pending balance %d → %d, want +800", before, after)
	}
	rec := v.call("POST", path, f.shop.key, map[string]string{"reason": "again"})
	if rec.Code != http.StatusConflict || !strings.Contains(errorOf(t, rec), "already approved") {
		t.Fatalf("second approval: %d %s", rec.Code, rec.Body)
	}
	if rec := v.call("POST", fmt.Sprintf("/api/v1/conversions/%d/reject", f.selfReferA), f.shop.key, map[string]string{"reason": "changed my mind"}); rec.Code != http.StatusConflict {
		t.Fatalf("reject after approval: %d", rec.Code)
	}
	if again, _ := balanceOf(v, f.shop.key, f.jane.ID); again != after {
		t.Fatalf("a refused review changed the balance: %d → %d", after, again)
	}
	var d models.ConversionDetail
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/conversions/%d", f.selfReferA), f.shop.key, nil, &d)
	if len(d.Entries) != 1 || len(d.Audits) != 1 || d.Audits[0].Reason != "Jane bought for a client" {
		t.Fatalf("detail after approval: %+v %+v", d.Entries, d.Audits)
	}
	// An order that is not flagged cannot be approved.
	plain := f.list("?q=1001").Data[0]
	if rec := v.call("POST", fmt.Sprintf("/api/v1/conversions/%d/approve", plain.ID), f.shop.key, map[string]string{"reason": "x"}); rec.Code != http.StatusConflict {
		t.Fatalf("approving a pending order: %d", rec.Code)
	}
}

func TestFlaggedSelfReferralRejectedStaysOutOfTheBalance(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	row := f.list("?q=3002").Data[0]
	before, _ := balanceOf(v, f.shop.key, f.bob.ID)
	path := fmt.Sprintf("/api/v1/conversions/%d/", row.ID)
	var r models.Review
	v.must(http.StatusOK, "POST", path+"reject", f.shop.key, map[string]string{"reason": "own purchase"}, &r)
	if len(r.Entries) != 0 || r.Conversion.Status != models.ConversionFlagged || r.Audit.Action != models.AuditReject {
		t.Fatalf("rejection: %+v", r)
	}
	for _, action := range []string{"reject", "approve"} {
		if rec := v.call("POST", path+action, f.shop.key, map[string]string{"reason": "again"}); rec.Code != http.StatusConflict {
			t.Fatalf("%s after rejection: %d", action, rec.Code)
		}
	}
	if after, _ := balanceOf(v, f.shop.key, f.bob.ID); after != before {
		t.Fatalf("rejection changed the balance %d → %d", before, after)
	}
	if got := f.list("?q=3002").Data[0].Review; got != models.AuditReject {
		t.Fatalf("the list does not say it was rejected: %q", got)
	}
}

func TestManualConversionAndAdjustmentCountInBalancesAndPayouts(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	_, approvedBefore := balanceOf(v, f.shop.key, f.jane.ID)
	bad := []map[string]any{
		{"affiliate_id": f.jane.ID, "order_id": "M-1", "subtotal": 5000},                                         // no reason
		{"affiliate_id": f.jane.ID, "order_id": "", "subtotal": 5000, "reason": "phone order"},                   // no order
		{"affiliate_id": f.bob.ID + 1000, "order_id": "M-1", "subtotal": 5000, "reason": "phone order"},          // unknown affiliate
		{"affiliate_id": f.jane.ID, "order_id": "M-1", "subtotal": -1, "reason": "phone order"},                  // negative
		{"affiliate_id": f.jane.ID, "order_id": "M-1", "subtotal": 100, "commission": 200, "reason": "too much"}, // more than the order
		{"affiliate_id": f.jane.ID, "order_id": "M-1", "subtotal": 100, "placed_at": "soon", "reason": "x"},
	}
	for _, b := range bad {
		if rec := v.call("POST", "/api/v1/conversions", f.shop.key, b); rec.Code != http.StatusBadRequest {
			t.Fatalf("manual conversion %v: %d %s", b, rec.Code, rec.Body)
		}
	}
	var conv models.Conversion
	v.must(http.StatusCreated, "POST", "/api/v1/conversions", f.shop.key, map[string]any{"affiliate_id": f.jane.ID,
		"order_id": "M-1", "subtotal": 5000, "placed_at": f.day0.Format(time.DateOnly), "reason": "phone order"}, &conv)
	if conv.Commission != 500 || conv.Origin != models.OriginManual || conv.Status != models.ConversionPending {
		t.Fatalf("manual conversion: %+v", conv)
	}
	if rec := v.call("POST", "/api/v1/conversions", f.shop.key, map[string]any{"affiliate_id": f.jane.ID,
		"order_id": "M-1", "subtotal": 5000, "reason": "again"}); rec.Code != http.StatusConflict {
		t.Fatalf("same order twice: %d", rec.Code)
	}
	for _, b := range []map[string]any{{"affiliate_id": f.jane.ID, "amount": 0, "reason": "nothing"},
		{"affiliate_id": f.jane.ID, "amount": 1500}, {"affiliate_id": f.jane.ID, "amount": 1500, "currency": "XYZ", "reason": "bonus"},
		{"amount": 1500, "reason": "bonus"}, {"affiliate_id": f.jane.ID, "amount": 1500, "reason": strings.Repeat("x", 501)}} {
		if rec := v.call("POST", "/api/v1/adjustments", f.shop.key, b); rec.Code != http.StatusBadRequest {
			t.Fatalf("adjustment %v: %d %s", b, rec.Code, rec.Body)
		}
	}
	var bonus, fix models.LedgerEntry
	v.must(http.StatusCreated, "POST", "/api/v1/adjustments", f.shop.key, map[string]any{"affiliate_id": f.jane.ID, "amount": 1500, "reason": "Launch bonus"}, &bonus)
	v.must(http.StatusCreated, "POST", "/api/v1/adjustments", f.shop.key, map[string]any{"affiliate_id": f.jane.ID, "amount": -300, "reason": "Correction"}, &fix)
	if bonus.Kind != models.EntryAdjustment || bonus.Status != models.EntryApproved || fix.Amount != -300 {
		t.Fatalf("adjustments: %+v %+v", bonus, fix)
	}
	_, approved := balanceOf(v, f.shop.key, f.jane.ID)
	if approved != approvedBefore+1200 {
		t.Fatalf("approved balance %d → %d, want +1200", approvedBefore, approved)
	}
	l := f.list("?status=manual,adjustment")
	if l.Total != 3 || l.Data[0].Kind != models.RowAdjustment || l.Data[0].Note != "Correction" || l.Data[0].AffiliateName != "Jane Doe" {
		t.Fatalf("the list marks what was added by hand: %+v", l)
	}
	if got := orderIDs(f.list("?q=launch")); got != "" || f.list("?q=launch").Total != 1 {
		t.Fatalf("search finds the adjustment by its reason: %+v", f.list("?q=launch"))
	}
	var p models.Payout
	v.must(http.StatusCreated, "POST", "/api/v1/payouts", f.shop.key, map[string]any{"affiliate_id": f.jane.ID}, &p)
	if p.Amount != approved {
		t.Fatalf("payout %d, want the approved balance %d", p.Amount, approved)
	}
	if l := f.list("?status=paid"); l.Total < 2 {
		t.Fatalf("paid adjustments show as paid: %+v", l)
	}
}

func TestMerchantRetriesAFailedEvent(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	ctx := context.Background()
	store := func(id string) *models.WebhookEvent {
		ev, _, err := v.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: f.shop.acct.ID, ConnectionID: f.conn.ID,
			Platform: platforms.API, Topic: "order.paid", ExternalEventID: id, Body: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	dead, live := store("e1"), store("e2")
	if err := v.store.MarkEventDead(ctx, dead.ID, fmt.Errorf("order e1: currency %q is not known", "XX")); err != nil {
		t.Fatal(err)
	}
	var failed listOf[models.WebhookEvent]
	v.must(http.StatusOK, "GET", "/api/v1/events?status=failed", f.shop.key, nil, &failed)
	if failed.Total != 1 || failed.Data[0].ID != dead.ID {
		t.Fatalf("failed events: %+v", failed)
	}
	var ev models.WebhookEvent
	v.must(http.StatusAccepted, "POST", fmt.Sprintf("/api/v1/events/%d/retry", dead.ID), f.shop.key, nil, &ev)
	if ev.Status != models.EventPending || ev.DeadAt != nil {
		t.Fatalf("retried event: %+v", ev)
	}
	if got := v.queue.Events(); len(got) != 1 || got[0] != dead.ID {
		t.Fatalf("queued %v, want [%d]", got, dead.ID)
	}
	for _, id := range []uint64{dead.ID, live.ID} {
		if rec := v.call("POST", fmt.Sprintf("/api/v1/events/%d/retry", id), f.shop.key, nil); rec.Code != http.StatusConflict {
			t.Fatalf("retry of an event that is not failed: %d", rec.Code)
		}
	}
	if got := v.queue.Events(); len(got) != 1 {
		t.Fatalf("a refused retry queued %v", got)
	}
}

func TestConversionRoutesAreTenantScoped(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	ctx := context.Background()
	other := v.tenant("Other")
	ev, _, err := v.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: f.shop.acct.ID, ConnectionID: f.conn.ID,
		Platform: platforms.API, Topic: "order.paid", ExternalEventID: "x1", Body: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.store.MarkEventDead(ctx, ev.ID, fmt.Errorf("broken")); err != nil {
		t.Fatal(err)
	}
	conv := fmt.Sprintf("/api/v1/conversions/%d", f.selfReferA)
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", conv, nil},
		{"POST", conv + "/approve", map[string]string{"reason": "mine now"}},
		{"POST", conv + "/reject", map[string]string{"reason": "mine now"}},
		{"POST", fmt.Sprintf("/api/v1/events/%d/retry", ev.ID), nil},
	} {
		if rec := v.call(tc.method, tc.path, other.key, tc.body); rec.Code != http.StatusNotFound {
			t.Errorf("%s %s as another account: %d, want 404", tc.method, tc.path, rec.Code)
		}
	}
	for _, tc := range []struct {
		path string
		body map[string]any
	}{
		{"/api/v1/conversions", map[string]any{"affiliate_id": f.jane.ID, "order_id": "X", "subtotal": 100, "reason": "steal"}},
		{"/api/v1/adjustments", map[string]any{"affiliate_id": f.jane.ID, "amount": 100, "reason": "steal"}},
	} {
		if rec := v.call("POST", tc.path, other.key, tc.body); rec.Code != http.StatusBadRequest {
			t.Errorf("POST %s for another account's affiliate: %d, want 400", tc.path, rec.Code)
		}
	}
	var l listOf[convRow]
	v.must(http.StatusOK, "GET", "/api/v1/conversions", other.key, nil, &l)
	rec := v.call("GET", "/api/v1/conversions/export.csv", other.key, nil)
	if l.Total != 0 || strings.Count(rec.Body.String(), "\n") != 1 {
		t.Fatalf("another account sees %d conversions, export %q", l.Total, rec.Body)
	}
	if d, _ := v.store.GetConversionDetail(ctx, f.shop.acct.ID, f.selfReferA); d.Status != models.ConversionFlagged || len(d.Audits) != 0 {
		t.Fatalf("another account's attempts changed the conversion: %+v", d)
	}
	if got, _ := v.store.GetAccountEvent(ctx, f.shop.acct.ID, ev.ID); got.Status != models.EventFailed {
		t.Fatalf("another account's retry revived the event: %+v", got)
	}
}
