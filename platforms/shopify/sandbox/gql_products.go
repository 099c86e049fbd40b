package sandbox

import (
	"slices"
	"strconv"
)

// The catalog in GraphQL: QueryRoot.products, product and collections
// (read_products), each Product with its collections connection, as
// https://shopify.dev/docs/api/admin-graphql/latest/queries/products
// describes them. Costs follow the connection rules like every other list.

func (s *Sandbox) catalogRoots(sh *Shop, scope string, fields map[string]any) {
	fields["products"] = resolver(func(a map[string]any) (any, error) {
		if err := needScope(scope, "products", "read_products"); err != nil {
			return nil, err
		}
		ids := make([]int64, len(sh.products))
		for i, p := range sh.products {
			ids[i] = p.ID
		}
		return connection("Product", ids, a, func(i int) *gobj { return productObject(sh, sh.products[i]) })
	})
	fields["product"] = resolver(func(a map[string]any) (any, error) {
		if err := needScope(scope, "product", "read_products"); err != nil {
			return nil, err
		}
		for _, p := range sh.products {
			if gid("Product", p.ID) == strArg(a, "id") {
				return productObject(sh, p), nil
			}
		}
		return nil, nil
	})
	fields["collections"] = resolver(func(a map[string]any) (any, error) {
		if err := needScope(scope, "collections", "read_products"); err != nil {
			return nil, err
		}
		return collectionConnection(sh.collections, a)
	})
}

func productObject(sh *Shop, p *product) *gobj {
	return &gobj{typ: "Product", fields: map[string]any{
		"id": gid("Product", p.ID), "legacyResourceId": strconv.FormatInt(p.ID, 10), "title": p.Title, "handle": p.Handle,
		"status": "ACTIVE", "isGiftCard": p.GiftCard,
		"createdAt": p.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"updatedAt": p.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"collections": resolver(func(a map[string]any) (any, error) {
			var in []*collection
			for _, c := range sh.collections {
				if slices.Contains(p.Collections, c.ID) {
					in = append(in, c)
				}
			}
			return collectionConnection(in, a)
		}),
	}}
}

func collectionConnection(list []*collection, a map[string]any) (any, error) {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return connection("Collection", ids, a, func(i int) *gobj {
		c := list[i]
		return &gobj{typ: "Collection", fields: map[string]any{
			"id": gid("Collection", c.ID), "legacyResourceId": strconv.FormatInt(c.ID, 10), "title": c.Title, "handle": c.Handle,
			"updatedAt": c.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")}}
	})
}
