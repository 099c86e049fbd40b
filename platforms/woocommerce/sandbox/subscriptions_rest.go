package sandbox

import (
	"net/http"
	"slices"
	"strings"
)

// The REST endpoints of WooCommerce Subscriptions. A store without the
// extension has no such routes: WordPress answers 404 rest_no_route.

// listSubscriptions supports what WC_REST_Subscriptions_Controller
// inherits from the orders controller: status (default any),
// modified_after/modified_before with dates_are_gmt (the site is on UTC),
// orderby id or date (the same order here), order, page and per_page,
// answered with X-WP-Total and X-WP-TotalPages.
func (st *Store) listSubscriptions(w http.ResponseWriter, r *http.Request, _ []int64) {
	if !st.cfg.Subscriptions {
		writeError(w, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
		return
	}
	in, ok := modifiedWindow(w, r)
	if !ok {
		return
	}
	status := r.URL.Query().Get("status")
	statuses := strings.Split(status, ",")
	st.mu.Lock()
	out := []subscriptionJSON{}
	for _, s := range st.subs {
		if in(s.Changed) && (status == "" || status == "any" || slices.Contains(statuses, s.Status)) {
			out = append(out, s.json())
		}
	}
	st.mu.Unlock()
	writePage(w, r, out)
}

func (st *Store) getSubscription(w http.ResponseWriter, _ *http.Request, ids []int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.subByID(ids[0])
	switch {
	case !st.cfg.Subscriptions:
		writeError(w, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
	case s == nil:
		writeError(w, http.StatusNotFound, "woocommerce_rest_shop_subscription_invalid_id", "Invalid ID.")
	default:
		writeJSON(w, http.StatusOK, s.json())
	}
}
