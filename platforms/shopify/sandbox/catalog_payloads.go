package sandbox

// ProductPayload is the body of products/create and products/update: the
// REST Product resource
// (https://shopify.dev/docs/api/admin-rest/latest/resources/product),
// without images and options.
type ProductPayload struct {
	ID                int64            `json:"id"`
	AdminGraphqlAPIID string           `json:"admin_graphql_api_id"`
	Title             string           `json:"title"`
	BodyHTML          string           `json:"body_html"`
	Vendor            string           `json:"vendor"`
	ProductType       string           `json:"product_type"`
	Handle            string           `json:"handle"`
	Status            string           `json:"status"`
	Tags              string           `json:"tags"`
	CreatedAt         string           `json:"created_at"`
	UpdatedAt         string           `json:"updated_at"`
	PublishedAt       string           `json:"published_at"`
	Variants          []ProductVariant `json:"variants"`
}

// ProductVariant is an entry of a product's variants.
type ProductVariant struct {
	ID                int64  `json:"id"`
	ProductID         int64  `json:"product_id"`
	AdminGraphqlAPIID string `json:"admin_graphql_api_id"`
	Title             string `json:"title"`
	Price             string `json:"price"`
	SKU               string `json:"sku"`
	Position          int    `json:"position"`
	Taxable           bool   `json:"taxable"`
	RequiresShipping  bool   `json:"requires_shipping"`
	CreatedAt         string `json:"created_at"`
	UpdatedAt         string `json:"updated_at"`
}

// CollectionPayload is the body of collections/create and
// collections/update: the REST Collection resource
// (https://shopify.dev/docs/api/admin-rest/latest/resources/collection).
type CollectionPayload struct {
	ID                int64  `json:"id"`
	AdminGraphqlAPIID string `json:"admin_graphql_api_id"`
	Handle            string `json:"handle"`
	Title             string `json:"title"`
	BodyHTML          string `json:"body_html"`
	UpdatedAt         string `json:"updated_at"`
	PublishedAt       string `json:"published_at"`
	PublishedScope    string `json:"published_scope"`
	SortOrder         string `json:"sort_order"`
}

func productPayload(sh *Shop, p *product) ProductPayload {
	return ProductPayload{ID: p.ID, AdminGraphqlAPIID: gid("Product", p.ID), Title: p.Title,
		Vendor: sh.Name, Handle: p.Handle, Status: "active", CreatedAt: timestamp(p.CreatedAt),
		UpdatedAt: timestamp(p.UpdatedAt), PublishedAt: timestamp(p.CreatedAt),
		Variants: []ProductVariant{{ID: p.VariantID, ProductID: p.ID, AdminGraphqlAPIID: gid("ProductVariant", p.VariantID),
			Title: "Default Title", Price: money(p.Price, sh.Currency), SKU: p.SKU, Position: 1,
			Taxable: !p.GiftCard, RequiresShipping: !p.GiftCard,
			CreatedAt: timestamp(p.CreatedAt), UpdatedAt: timestamp(p.UpdatedAt)}}}
}

func collectionPayload(c *collection) CollectionPayload {
	return CollectionPayload{ID: c.ID, AdminGraphqlAPIID: gid("Collection", c.ID), Handle: c.Handle,
		Title: c.Title, UpdatedAt: timestamp(c.UpdatedAt), PublishedAt: timestamp(c.UpdatedAt),
		PublishedScope: "web", SortOrder: "manual"}
}
