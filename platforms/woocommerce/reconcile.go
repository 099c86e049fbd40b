package woocommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"codecredit/platforms"
)

// OrderRecord is an order (or a subscription, see ModifiedSubscriptions)
// read back from the store for reconciliation: the body to store as an
// order.updated event (the REST order, its refunds[] replaced by the full
// refund objects, so refunded subtotals are exact) and that body's event
// id, the same a webhook reporting this state carries.
type OrderRecord struct {
	ID      int64
	Topic   string
	EventID string
	Body    []byte
}

// OrderPage is one page of modified orders; Next is 0 after the last page.
type OrderPage struct {
	Orders []OrderRecord
	Next   int
}

// ModifiedOrders reads page (from 1) of the orders modified after since:
// GET /orders?modified_after=...&dates_are_gmt=true (WooCommerce 5.8+),
// oldest id first so paging is stable while orders change, and for each
// order with refunds GET /orders/{id}/refunds.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders
func (a *Adapter) ModifiedOrders(ctx context.Context, c *platforms.Conn, since time.Time, page int) (OrderPage, error) {
	page = max(page, 1)
	var raw []json.RawMessage
	h, err := a.do(ctx, c, call{method: http.MethodGet, path: "/orders", query: modifiedQuery(since, page), out: &raw})
	if err != nil {
		return OrderPage{}, err
	}
	out := OrderPage{}
	for _, o := range raw {
		rec, err := a.orderRecord(ctx, c, o)
		if err != nil {
			return OrderPage{}, err
		}
		out.Orders = append(out.Orders, rec)
	}
	out.Next = nextPage(h, page, len(raw))
	return out, nil
}

// modifiedQuery asks for page of what was modified after since, oldest
// id first so paging is stable while records change.
func modifiedQuery(since time.Time, page int) url.Values {
	return url.Values{
		"modified_after": {since.UTC().Format("2006-01-02T15:04:05")}, "dates_are_gmt": {"true"},
		"orderby": {"id"}, "order": {"asc"}, "per_page": {strconv.Itoa(pageSize)}, "page": {strconv.Itoa(page)},
	}
}

// nextPage is the page after page, read from X-WP-TotalPages (or, without
// it, from a full page of n records); 0 after the last page.
func nextPage(h http.Header, page, n int) int {
	if pages := totalHeader(h, "X-WP-TotalPages"); (pages < 0 && n == pageSize) || page < pages {
		return page + 1
	}
	return 0
}

// orderRecord enriches one listed order with its full refunds.
func (a *Adapter) orderRecord(ctx context.Context, c *platforms.Conn, order json.RawMessage) (OrderRecord, error) {
	var head struct {
		ID      int64             `json:"id"`
		Refunds []json.RawMessage `json:"refunds"`
	}
	if err := json.Unmarshal(order, &head); err != nil || head.ID <= 0 {
		return OrderRecord{}, fmt.Errorf("woocommerce: listed order without an id: %v", err)
	}
	body := []byte(order)
	if len(head.Refunds) > 0 {
		var err error
		if body, err = a.withFullRefunds(ctx, c, head.ID, order); err != nil {
			return OrderRecord{}, err
		}
	}
	return OrderRecord{ID: head.ID, Topic: TopicOrderUpdated, EventID: EventID(TopicOrderUpdated, body), Body: body}, nil
}

// withFullRefunds replaces the order's refunds[] by the refund objects
// (keeping each entry's total, which the event id and the parser read).
func (a *Adapter) withFullRefunds(ctx context.Context, c *platforms.Conn, orderID int64, order json.RawMessage) ([]byte, error) {
	var fields map[string]json.RawMessage
	var listed []wcRefund
	if err := json.Unmarshal(order, &fields); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(fields["refunds"], &listed); err != nil {
		return nil, fmt.Errorf("woocommerce: order %d refunds: %w", orderID, err)
	}
	var full []wcRefund
	path := "/orders/" + strconv.FormatInt(orderID, 10) + "/refunds"
	q := url.Values{"per_page": {strconv.Itoa(pageSize)}}
	if _, err := a.do(ctx, c, call{method: http.MethodGet, path: path, query: q, out: &full}); err != nil {
		return nil, fmt.Errorf("woocommerce: refunds of order %d: %w", orderID, err)
	}
	byID := map[int64]wcRefund{}
	for _, r := range full {
		byID[r.ID] = r
	}
	for i, r := range listed {
		if f, ok := byID[r.ID]; ok {
			f.Total, f.Reason = r.Total, r.Reason
			listed[i] = f
		}
	}
	enriched, err := json.Marshal(listed)
	if err != nil {
		return nil, err
	}
	fields["refunds"] = enriched
	return json.Marshal(fields)
}

// EnrichWebhook replaces the bare refunds[] entries of an order body (id,
// reason and total only) by the refund objects of GET /orders/{id}/refunds,
// whose lines tell goods from shipping, fees and tax. Other bodies, and an
// order whose refunds are already objects, come back unchanged.
func (a *Adapter) EnrichWebhook(ctx context.Context, c *platforms.Conn, topic string, body []byte) ([]byte, error) {
	if topic != TopicOrderCreated && topic != TopicOrderUpdated {
		return body, nil
	}
	var head struct {
		ID      int64      `json:"id"`
		Refunds []wcRefund `json:"refunds"`
	}
	if err := json.Unmarshal(body, &head); err != nil || head.ID <= 0 {
		return body, nil // the parser says what is wrong with it
	}
	bare := false
	for i := range head.Refunds {
		bare = bare || !head.Refunds[i].full()
	}
	if !bare {
		return body, nil
	}
	return a.withFullRefunds(ctx, c, head.ID, body)
}
