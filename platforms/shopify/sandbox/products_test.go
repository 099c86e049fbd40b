package sandbox

import (
	"slices"
	"strconv"
	"testing"
)

const queryCatalogPage = `query($after: String) {
  products(first: 25, after: $after) {
    nodes { id title collections(first: 25) { nodes { id } pageInfo { hasNextPage endCursor } } }
    pageInfo { hasNextPage endCursor }
  }
}`

// A catalog page is priced as Shopify prices connections: 2 + 25 × (1
// product + 2 + 25 collections) = 702 requested; the bucket is charged
// what was returned: 5 products and their 4 memberships.
func TestProductsCost(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.grantCode(t, "read_products", false).AccessToken
	r := e.gql(t, tok, queryCatalogPage, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("products: %s", r.Raw)
	}
	nodes := dig(r.Data, "products", "nodes").([]any)
	c := r.Extensions.Cost
	if len(nodes) != 5 || c.RequestedQueryCost != 702 || c.ActualQueryCost == nil || *c.ActualQueryCost >= 702 || *c.ActualQueryCost < 5+4 {
		t.Fatalf("%d products, cost %+v; want 5, requested 702, actual between 9 and 702", len(nodes), c)
	}
	if got := c.ThrottleStatus.CurrentlyAvailable; got != c.ThrottleStatus.MaximumAvailable-float64(*c.ActualQueryCost) {
		t.Fatalf("bucket %v after a query of actual cost %d", got, *c.ActualQueryCost)
	}
	if r := e.gql(t, tok, `{ collections(first: 250) { nodes { id title } } }`, nil); r.Extensions.Cost.RequestedQueryCost != 252 {
		t.Fatalf("collections requested %d, want 2 + 250 = 252", r.Extensions.Cost.RequestedQueryCost)
	}
	if r := e.gql(t, e.token(t), queryCatalogPage, nil); len(r.Errors) == 0 || dig(r.Errors[0].Extensions, "code") != "ACCESS_DENIED" {
		t.Fatalf("products without read_products: %s", r.Raw)
	}
}

// An order names catalog products by id: the price, title and SKU come
// from the catalog, the same product bought twice keeps its ids, and the
// gift card is neither discounted nor taxed.
func TestOrderOfCatalogProducts(t *testing.T) {
	e := newEnv(t, nil)
	list, err := e.sb.Products(testShop)
	if err != nil || len(list) != 5 {
		t.Fatalf("Products = %v, %v", list, err)
	}
	hat, gift := list[1], list[4]
	if _, err := e.sb.CreateDiscount(testShop, DiscountSpec{Title: "Ten", Codes: []string{"TEN"}, Kind: KindPercentage, Value: 1000}); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for range 2 {
		id, err := e.sb.PlaceOrder(testShop, OrderSpec{Codes: []string{"TEN"}, TaxRate: 800,
			Lines: []Line{{ProductID: hat.ID, Quantity: 2}, {ProductID: gift.ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		p, err := e.sb.Order(testShop, id)
		if err != nil {
			t.Fatal(err)
		}
		h, g := p.LineItems[0], p.LineItems[1]
		// 2 × 25.00 = 50.00, 10 % off 5.00, 8 % of 45.00 = 3.60.
		if h.ProductID != hat.ID || h.VariantID != hat.VariantID || h.Title != "Straw hat" || h.SKU != "HAT" || h.Price != "25.00" ||
			len(h.DiscountAllocations) != 1 || h.DiscountAllocations[0].Amount != "5.00" || h.TaxLines[0].Price != "3.60" {
			t.Fatalf("hat line %+v", h)
		}
		if g.ProductID != gift.ID || !g.GiftCard || g.Taxable || g.Price != "50.00" || len(g.DiscountAllocations) != 0 || len(g.TaxLines) != 0 {
			t.Fatalf("gift card line %+v", g)
		}
	}
}

// The control API adds a product and moves it between collections, and
// the app subscribed to the catalog topics hears of both.
func TestControlProducts(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, func(o *Options) {
		o.AppURL = rc.srv.URL
		o.AppTopics = []string{"products/create", "products/update", "collections/create", "collections/update"}
	})
	status, out := e.control(t, "POST", "/shops/"+testShop+"/products", ProductSpec{Title: "Beach towel", Price: "19.90", Collections: []string{"Summer", "Beach"}})
	id, _ := out["product_id"].(float64)
	if status != 201 || id == 0 || !slices.Equal(anyStrings(out["collections"]), []string{"Summer", "Beach"}) {
		t.Fatalf("add product: %d %v", status, out)
	}
	path := "/shops/" + testShop + "/products/" + strconv.FormatInt(int64(id), 10) + "/collections"
	if status, out := e.control(t, "PUT", path, map[string]any{"collections": []string{"Accessories"}}); status != 200 ||
		!slices.Equal(anyStrings(out["collections"]), []string{"Accessories"}) {
		t.Fatalf("move product: %d %v", status, out)
	}
	if status, _ := e.control(t, "PUT", "/shops/"+testShop+"/products/1/collections", map[string]any{}); status != 404 {
		t.Fatalf("move an unknown product: %d, want 404", status)
	}
	e.sb.Wait()
	// Beach is new; leaving Summer and Beach and joining Accessories
	// touches all three.
	want := []string{"collections/create", "products/create", "products/update", "collections/update", "collections/update", "collections/update"}
	if got := rc.topics(); !slices.Equal(sorted(got), sorted(want)) {
		t.Fatalf("deliveries %v, want %v", got, want)
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
