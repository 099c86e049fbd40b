package shopify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"codecredit/platforms"
)

// Reading a shop's catalog (read_products): first its collections, then
// its products with the collections each is in, so commission rules can
// name them. Page sizes keep each query's requested cost under the 1,000
// points a query may ask for: 250 collections cost 2 + 250 = 252; 25
// products with up to 25 collections each cost 2 + 25 × (1 + 2 + 25) =
// 702. A product in more collections has the rest read on its own
// (2 + 250 + 1 = 253 a page).
const (
	collectionsPerPage   = 250
	productsPerPage      = 25
	collectionsOfProduct = 25
)

const (
	queryCollections = `query Collections($first: Int!, $after: String) {
  collections(first: $first, after: $after) { nodes { id title } pageInfo { hasNextPage endCursor } }
}`
	queryProducts = `query Products($first: Int!, $after: String, $collectionsFirst: Int!) {
  products(first: $first, after: $after) {
    nodes { id title collections(first: $collectionsFirst) { nodes { id } pageInfo { hasNextPage endCursor } } }
    pageInfo { hasNextPage endCursor }
  }
}`
	queryProductCollections = `query ProductCollections($id: ID!, $first: Int!, $after: String) {
  product(id: $id) { collections(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }
}`
)

// Catalog cursors: "c:<after>" continues the collections, "p:<after>" the
// products ("p:" starts them).
const (
	cursorCollections = "c:"
	cursorProducts    = "p:"
)

type gqlPageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

type idNodes struct {
	Nodes []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"nodes"`
	PageInfo gqlPageInfo `json:"pageInfo"`
}

// ListProducts reads one page of the shop's catalog: the collections'
// pages come first (with no products), then the products'.
func (a *Adapter) ListProducts(ctx context.Context, c *platforms.Conn, cursor string) (platforms.ProductPage, error) {
	var page platforms.ProductPage
	var err error
	switch {
	case cursor == "":
		page, err = a.collectionsPage(ctx, c, "")
	case strings.HasPrefix(cursor, cursorCollections):
		page, err = a.collectionsPage(ctx, c, strings.TrimPrefix(cursor, cursorCollections))
	case strings.HasPrefix(cursor, cursorProducts):
		page, err = a.productsPage(ctx, c, strings.TrimPrefix(cursor, cursorProducts))
	default:
		return page, fmt.Errorf("shopify: catalog cursor %q is not one of ours", cursor)
	}
	if errors.Is(err, errAccessDenied) {
		return page, &platforms.RejectedError{Reason: "the app may not read the shop's products (read_products); reinstall it to grant access"}
	}
	return page, err
}

func (a *Adapter) collectionsPage(ctx context.Context, c *platforms.Conn, after string) (platforms.ProductPage, error) {
	var out struct {
		Collections idNodes `json:"collections"`
	}
	vars := map[string]any{"first": collectionsPerPage, "after": nullable(after)}
	if err := a.graphql(ctx, c, queryCollections, vars, &out); err != nil {
		return platforms.ProductPage{}, err
	}
	page := platforms.ProductPage{Next: cursorProducts}
	for _, n := range out.Collections.Nodes {
		page.Collections = append(page.Collections, platforms.Collection{ID: legacyID(n.ID), Title: n.Title})
	}
	if pi := out.Collections.PageInfo; pi.HasNextPage {
		page.Next = cursorCollections + pi.EndCursor
	}
	return page, nil
}

func (a *Adapter) productsPage(ctx context.Context, c *platforms.Conn, after string) (platforms.ProductPage, error) {
	var out struct {
		Products struct {
			Nodes []struct {
				ID          string  `json:"id"`
				Title       string  `json:"title"`
				Collections idNodes `json:"collections"`
			} `json:"nodes"`
			PageInfo gqlPageInfo `json:"pageInfo"`
		} `json:"products"`
	}
	vars := map[string]any{"first": productsPerPage, "after": nullable(after), "collectionsFirst": collectionsOfProduct}
	if err := a.graphql(ctx, c, queryProducts, vars, &out); err != nil {
		return platforms.ProductPage{}, err
	}
	var page platforms.ProductPage
	for _, n := range out.Products.Nodes {
		p := platforms.Product{ID: legacyID(n.ID), Title: n.Title, Collections: []string{}}
		for _, col := range n.Collections.Nodes {
			p.Collections = append(p.Collections, legacyID(col.ID))
		}
		if pi := n.Collections.PageInfo; pi.HasNextPage {
			more, err := a.moreCollections(ctx, c, n.ID, pi.EndCursor)
			if err != nil {
				return platforms.ProductPage{}, err
			}
			p.Collections = append(p.Collections, more...)
		}
		page.Products = append(page.Products, p)
	}
	if pi := out.Products.PageInfo; pi.HasNextPage {
		page.Next = cursorProducts + pi.EndCursor
	}
	return page, nil
}

// moreCollections reads the collections of one product after the first
// page.
func (a *Adapter) moreCollections(ctx context.Context, c *platforms.Conn, productGID, after string) ([]string, error) {
	var ids []string
	for {
		var out struct {
			Product *struct {
				Collections idNodes `json:"collections"`
			} `json:"product"`
		}
		vars := map[string]any{"id": productGID, "first": collectionsPerPage, "after": after}
		if err := a.graphql(ctx, c, queryProductCollections, vars, &out); err != nil {
			return nil, err
		}
		if out.Product == nil { // deleted meanwhile
			return ids, nil
		}
		for _, col := range out.Product.Collections.Nodes {
			ids = append(ids, legacyID(col.ID))
		}
		pi := out.Product.Collections.PageInfo
		if !pi.HasNextPage {
			return ids, nil
		}
		after = pi.EndCursor
	}
}

// legacyID is the numeric id of a GraphQL global id
// ("gid://shopify/Product/123" → "123"), as REST payloads give it.
func legacyID(gid string) string {
	if i := strings.LastIndexByte(gid, '/'); i >= 0 {
		gid = gid[i+1:]
	}
	if i := strings.IndexByte(gid, '?'); i >= 0 {
		gid = gid[:i]
	}
	return gid
}

var _ platforms.ProductLister = (*Adapter)(nil)
