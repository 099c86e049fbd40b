package models_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

func catalogConn(t *testing.T, s *models.Store, acct *models.Account, shop string) *models.Connection {
	t.Helper()
	conn := &models.Connection{AccountID: acct.ID, Platform: platforms.Shopify, ExternalID: shop,
		Status: models.ConnectionActive, Currency: "USD", InstalledAt: time.Now()}
	if err := s.DB().Create(conn).Error; err != nil {
		t.Fatal(err)
	}
	return conn
}

var (
	summer      = platforms.Collection{ID: "841564295", Title: "Summer"}
	accessories = platforms.Collection{ID: "841564296", Title: "Accessories"}
	sale        = platforms.Collection{ID: "841564297", Title: "Sale"}
)

// A full read replaces the connection's catalog; the booking's lookup
// gives each product's collections; the other store's catalog is untouched.
func TestSaveCatalogComplete(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Catalog")
		conn := catalogConn(t, s, acct, "alice.myshopify.com")
		other := catalogConn(t, s, acct, "bob.myshopify.com")
		first := []platforms.Product{
			{ID: "101", Title: "Straw hat", Collections: []string{summer.ID, accessories.ID}},
			{ID: "102", Title: "Linen shirt", Collections: []string{summer.ID}},
			{ID: "103", Title: "Gift card"},
		}
		if err := s.SaveCatalog(ctx, conn.ID, first, []platforms.Collection{summer, accessories, sale}, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveCatalog(ctx, other.ID, []platforms.Product{{ID: "101", Title: "Bob's hat", Collections: []string{"9"}}}, nil, true); err != nil {
			t.Fatal(err)
		}
		got, err := s.ProductCollections(ctx, conn.ID, []string{"101", "102", "103", "999", "101"})
		want := map[string][]string{"101": {summer.ID, accessories.ID}, "102": {summer.ID}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("ProductCollections = %v, %v; want %v", got, err, want)
		}
		// The hat leaves Summer for Sale; the shirt is gone from the store.
		second := []platforms.Product{{ID: "101", Title: "Straw hat", Collections: []string{accessories.ID, sale.ID}}, {ID: "103", Title: "Gift card"}}
		if err := s.SaveCatalog(ctx, conn.ID, second, []platforms.Collection{summer, accessories, sale}, true); err != nil {
			t.Fatal(err)
		}
		got, err = s.ProductCollections(ctx, conn.ID, []string{"101", "102"})
		want = map[string][]string{"101": {accessories.ID, sale.ID}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("after the second read: %v, %v; want %v", got, err, want)
		}
		if got, _ := s.ProductCollections(ctx, other.ID, []string{"101"}); !reflect.DeepEqual(got, map[string][]string{"101": {"9"}}) {
			t.Fatalf("the other store's catalog changed: %v", got)
		}
		var n int64
		s.DB().Model(&models.Product{}).Where("connection_id = ?", conn.ID).Count(&n)
		if n != 2 {
			t.Fatalf("%d product rows, want 2", n)
		}
	})
}

// A partial save replaces only the products given.
func TestSaveCatalogPartial(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		conn := catalogConn(t, s, opsAccount(t, s, "Partial"), "carol.myshopify.com")
		all := []platforms.Product{{ID: "1", Title: "A", Collections: []string{summer.ID}}, {ID: "2", Title: "B", Collections: []string{summer.ID}}}
		if err := s.SaveCatalog(ctx, conn.ID, all, []platforms.Collection{summer}, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveCatalog(ctx, conn.ID, []platforms.Product{{ID: "2", Title: "B", Collections: []string{sale.ID}}}, []platforms.Collection{sale}, false); err != nil {
			t.Fatal(err)
		}
		got, err := s.ProductCollections(ctx, conn.ID, []string{"1", "2"})
		want := map[string][]string{"1": {summer.ID}, "2": {sale.ID}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("ProductCollections = %v, %v; want %v", got, err, want)
		}
	})
}

// The picker finds products and collections by part of their title,
// whatever the case, in the account only; an empty collection is found
// too, and a % in the search is a plain character.
func TestSearchCatalogCollections(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct := opsAccount(t, s, "Search")
		conn := catalogConn(t, s, acct, "dave.myshopify.com")
		stranger := catalogConn(t, s, opsAccount(t, s, "Stranger"), "eve.myshopify.com")
		products := []platforms.Product{
			{ID: "1", Title: "Summer hat", Collections: []string{summer.ID, accessories.ID}},
			{ID: "2", Title: "Winter HAT", Collections: []string{accessories.ID}},
			{ID: "3", Title: "100% wool"},
		}
		if err := s.SaveCatalog(ctx, conn.ID, products, []platforms.Collection{summer, accessories, {ID: "5", Title: "Hats (empty)"}}, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveCatalog(ctx, stranger.ID, []platforms.Product{{ID: "9", Title: "Hat of a stranger"}}, []platforms.Collection{{ID: "8", Title: "Hats"}}, true); err != nil {
			t.Fatal(err)
		}
		prods, cols, err := s.SearchCatalog(ctx, acct.ID, "hat", 10)
		if err != nil {
			t.Fatal(err)
		}
		wantProds := []models.CatalogProduct{{ConnectionID: conn.ID, ProductID: "1", Title: "Summer hat"}, {ConnectionID: conn.ID, ProductID: "2", Title: "Winter HAT"}}
		wantCols := []models.CatalogCollection{{ConnectionID: conn.ID, CollectionID: "5", Title: "Hats (empty)", Products: 0}}
		if !reflect.DeepEqual(prods, wantProds) || !reflect.DeepEqual(cols, wantCols) {
			t.Fatalf("search hat: %+v %+v; want %+v %+v", prods, cols, wantProds, wantCols)
		}
		_, cols, _ = s.SearchCatalog(ctx, acct.ID, "ACCESS", 10)
		if want := []models.CatalogCollection{{ConnectionID: conn.ID, CollectionID: accessories.ID, Title: "Accessories", Products: 2}}; !reflect.DeepEqual(cols, want) {
			t.Fatalf("search ACCESS: %+v, want %+v", cols, want)
		}
		if prods, _, _ := s.SearchCatalog(ctx, acct.ID, "0%", 10); len(prods) != 1 || prods[0].ProductID != "3" {
			t.Fatalf("search 0%%: %+v", prods)
		}
		if prods, _, _ := s.SearchCatalog(ctx, acct.ID, "", 1); len(prods) != 1 || prods[0].Title != "100% wool" {
			t.Fatalf("empty search with limit 1: %+v", prods)
		}
	})
}
