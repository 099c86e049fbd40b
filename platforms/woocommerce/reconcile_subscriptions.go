package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"codecredit/platforms"
)

// Subscriptions are read back as orders are (see ModifiedOrders), since a
// lost subscription.updated (a cancellation, a switch) is never sent again.
// What the docs and the source say of GET /wp-json/wc/v3/subscriptions:
//
//   - The REST API docs of WooCommerce Subscriptions
//     (https://woocommerce.github.io/subscriptions-rest-api-docs/) give v3
//     from Subscriptions 3.1 and WooCommerce 3.7, a subscription being an
//     order's fields plus the schedule's; the part we could read does not
//     list the collection's parameters, so the source decides.
//   - WC_REST_Subscriptions_Controller (woocommerce-subscriptions-core,
//     includes/api/class-wc-rest-subscriptions-controller.php, since 3.1)
//     extends WC_REST_Orders_Controller; its get_collection_params takes
//     the parent's and only rewords status. They end in
//     WC_REST_CRUD_Controller::get_collection_params (WooCommerce): page
//     (from 1), per_page (1 to 100, default 10), modified_after and
//     modified_before with dates_are_gmt (WooCommerce 5.8+), order (asc,
//     desc) and orderby (date, id, include, title, slug, modified);
//     prepare_objects_query turns modified_after into a date_query "after"
//     on post_modified_gmt, which excludes the instant itself, and
//     get_items answers X-WP-Total and X-WP-TotalPages. status defaults to
//     any, so cancelled, switched and expired subscriptions are listed too.
//   - Where the extension is not active the route does not exist: WordPress
//     answers 404 {"code": "rest_no_route"}.
//
// Each listed subscription is the body GET /subscriptions/{id} gives, the
// payload of the extension's webhooks (WCS_Webhooks::create_payload), so
// its event id is the one a webhook reporting that state carries.

// ErrNoSubscriptions is returned by ModifiedSubscriptions for a store
// without WooCommerce Subscriptions.
var ErrNoSubscriptions = errors.New("woocommerce: the store has no WooCommerce Subscriptions")

// SubscriptionPage is one page of modified subscriptions, each to store as
// a subscription.updated event; Next is 0 after the last page.
type SubscriptionPage struct {
	Subscriptions []OrderRecord
	Next          int
}

// ModifiedSubscriptions reads page (from 1) of the subscriptions modified
// after since, oldest id first: GET /subscriptions?modified_after=...
// &dates_are_gmt=true. A store without the extension gives ErrNoSubscriptions.
func (a *Adapter) ModifiedSubscriptions(ctx context.Context, c *platforms.Conn, since time.Time, page int) (SubscriptionPage, error) {
	page = max(page, 1)
	var raw []json.RawMessage
	h, err := a.do(ctx, c, call{method: http.MethodGet, path: "/subscriptions", query: modifiedQuery(since, page), out: &raw})
	if apiErr, ok := isAPIError(err, http.StatusNotFound); ok && apiErr.Code == "rest_no_route" {
		return SubscriptionPage{}, ErrNoSubscriptions
	}
	if err != nil {
		return SubscriptionPage{}, err
	}
	out := SubscriptionPage{Next: nextPage(h, page, len(raw))}
	for _, body := range raw {
		var head struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(body, &head); err != nil || head.ID <= 0 {
			return SubscriptionPage{}, fmt.Errorf("woocommerce: listed subscription without an id: %v", err)
		}
		out.Subscriptions = append(out.Subscriptions, OrderRecord{ID: head.ID, Topic: TopicSubscriptionUpdated,
			EventID: EventID(TopicSubscriptionUpdated, body), Body: body})
	}
	return out, nil
}
