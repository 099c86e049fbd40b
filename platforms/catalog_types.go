package platforms

import "context"

// Product is a product on a store, with the collections it belongs to.
type Product struct {
	ID          string // the platform's product id (Shopify: the numeric id as decimal text, as orders' line_items.product_id give it)
	Title       string
	Collections []string // ids of the collections it is in (Shopify: numeric id as decimal text)
}

// Collection is a named group of products on a store (a Shopify collection).
type Collection struct {
	ID    string
	Title string
}

// ProductPage is one page of a store's catalog: some of its collections
// or some of its products (a platform may give the collections first, then
// the products). Next is the cursor of the following page, "" after the
// last.
type ProductPage struct {
	Products    []Product
	Collections []Collection
	Next        string
}

// ProductLister is implemented by adapters that can read a store's
// catalog, so commission rules can name its products and collections.
type ProductLister interface {
	// ListProducts reads one page of the store's products with their collections; cursor "" starts.
	ListProducts(ctx context.Context, c *Conn, cursor string) (ProductPage, error)
}
