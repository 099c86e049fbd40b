package shopify_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// catalogRig is a sandbox whose app configuration grants read_products,
// and a connection made by token exchange.
func catalogRig(t *testing.T, scopes string) (*sandbox.Sandbox, *shopify.Adapter, *platforms.Conn) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	sb := sandbox.New(sandbox.Options{APIKey: apiKey, APISecret: apiSecret, Clock: clk.Now, Scopes: scopes,
		AppURL: "http://127.0.0.1:1"})
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	sb.AddShop(shopName, "USD")
	a := shopify.New(shopify.Config{APIKey: apiKey, APISecret: apiSecret, AppURL: "https://cc.example.com",
		BaseURL: base, HTTPClient: &http.Client{Timeout: 10 * time.Second}, Clock: clk.Now})
	conn, err := a.ExchangeSessionToken(context.Background(), shopName, sb.MintSessionToken(shopName, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return sb, a, conn
}

// readCatalog reads every page, as the sync job does.
func readCatalog(t *testing.T, a *shopify.Adapter, conn *platforms.Conn) (map[string]platforms.Product, map[string]string, int) {
	t.Helper()
	products, collections, pages := map[string]platforms.Product{}, map[string]string{}, 0
	for cursor := ""; ; pages++ {
		page, err := a.ListProducts(context.Background(), conn, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Products {
			products[p.ID] = p
		}
		for _, c := range page.Collections {
			collections[c.ID] = c.Title
		}
		if cursor = page.Next; cursor == "" {
			return products, collections, pages + 1
		}
	}
}

// The seeded catalog reads back with its collections; a product added to
// Summer, and the hat moved out of Summer, show on the next read; 60
// products take three pages of 25 after the collections' page.
func TestListProductsFromSandbox(t *testing.T) {
	sb, a, conn := catalogRig(t, "read_orders,read_discounts,write_discounts,read_products")
	seeded, err := sb.Products(shopName)
	if err != nil {
		t.Fatal(err)
	}
	products, collections, _ := readCatalog(t, a, conn)
	titles := map[string]string{}
	for id, title := range collections {
		titles[title] = id
	}
	if len(collections) != 2 || titles["Summer"] == "" || titles["Accessories"] == "" {
		t.Fatalf("collections %v, want Summer and Accessories", collections)
	}
	hat := seeded[1]
	if got := products[strconv.FormatInt(hat.ID, 10)]; got.Title != "Straw hat" ||
		!reflect.DeepEqual(got.Collections, []string{titles["Summer"], titles["Accessories"]}) {
		t.Fatalf("hat %+v; want in Summer and Accessories", got)
	}
	if gift := products[strconv.FormatInt(seeded[4].ID, 10)]; gift.Title != "Gift card" || len(gift.Collections) != 0 {
		t.Fatalf("gift card %+v; want in no collection", gift)
	}
	if _, err := sb.MoveProduct(shopName, hat.ID, []string{"Accessories", "Sale"}); err != nil {
		t.Fatal(err)
	}
	for i := range 55 {
		if _, err := sb.AddProduct(shopName, sandbox.ProductSpec{Title: "Sandal " + strconv.Itoa(i), Price: "30.00", Collections: []string{"Summer"}}); err != nil {
			t.Fatal(err)
		}
	}
	products, collections, pages := readCatalog(t, a, conn)
	titles = map[string]string{}
	for id, title := range collections {
		titles[title] = id
	}
	if len(products) != 60 || len(collections) != 3 || pages != 4 {
		t.Fatalf("%d products, %d collections in %d pages; want 60, 3 in 4", len(products), len(collections), pages)
	}
	if got := products[strconv.FormatInt(hat.ID, 10)].Collections; !reflect.DeepEqual(got, []string{titles["Accessories"], titles["Sale"]}) {
		t.Fatalf("hat after the move is in %v", got)
	}
}

// A connection without read_products is refused plainly, not retried.
func TestListProductsWithoutScope(t *testing.T) {
	_, a, conn := catalogRig(t, "read_orders,read_discounts,write_discounts")
	_, err := a.ListProducts(context.Background(), conn, "")
	var rej *platforms.RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("ListProducts without read_products: %v, want a RejectedError", err)
	}
}
