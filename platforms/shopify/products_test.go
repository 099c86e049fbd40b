package shopify

import "testing"

// Product and collection deliveries only ask the worker to read the
// catalog again: they parse to no event and no error.
func TestCatalogTopicsGiveNoEvent(t *testing.T) {
	for _, topic := range []string{"products/create", "products/update", "products/delete",
		"collections/create", "collections/update", "collections/delete"} {
		evs, err := ParseWebhook(topic, []byte(`{"id":788032119674292922,"title":"Example T-Shirt"}`))
		if err != nil || len(evs) != 0 {
			t.Errorf("%s: %v, %v; want no event", topic, evs, err)
		}
	}
}

func TestLegacyID(t *testing.T) {
	for gid, want := range map[string]string{
		"gid://shopify/Product/632910392":         "632910392",
		"gid://shopify/Collection/841564295":      "841564295",
		"gid://shopify/Product/632910392?foo=bar": "632910392",
		"632910392": "632910392",
	} {
		if got := legacyID(gid); got != want {
			t.Errorf("legacyID(%q) = %q, want %q", gid, got, want)
		}
	}
}
