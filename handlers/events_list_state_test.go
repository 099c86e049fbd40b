package handlers_test

import (
	"net/http"
	"strconv"
	"testing"
)

// checkListedStates checks that GET /api/v1/events tells each event's
// state as GET /api/v1/events/{id} does, for the owner only, with every
// state in want among them.
func checkListedStates(t *testing.T, v *env, owner, other tenant, want ...string) {
	t.Helper()
	var page listOf[bookingAnswer]
	v.must(http.StatusOK, "GET", "/api/v1/events?per_page=100", owner.key, nil, &page)
	seen := map[string]bool{}
	for _, listed := range page.Data {
		var one bookingAnswer
		v.must(http.StatusOK, "GET", "/api/v1/events/"+strconv.FormatUint(listed.ID, 10), owner.key, nil, &one)
		if listed.State == "" || listed.State != one.State || listed.Reason != one.Reason ||
			(listed.ConversionID == nil) != (one.ConversionID == nil) || (listed.ConversionID != nil && *listed.ConversionID != *one.ConversionID) {
			t.Errorf("event %d listed as %+v, read alone as %+v", listed.ID, listed, one)
		}
		seen[listed.State] = true
	}
	for _, s := range want {
		if !seen[s] {
			t.Errorf("no event listed as %s among %d: %v", s, len(page.Data), seen)
		}
	}
	v.must(http.StatusOK, "GET", "/api/v1/events", other.key, nil, &page)
	if page.Total != 0 {
		t.Errorf("another account lists %d events", page.Total)
	}
}
