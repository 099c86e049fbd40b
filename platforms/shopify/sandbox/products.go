package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// A shop's catalog: products (each with one variant, enough for orders to
// name) in collections. Every shop starts with a small demo catalog; the
// control API adds products and moves them between collections, and each
// change is delivered as Shopify does: products/create, products/update,
// collections/create, collections/update (bodies after the REST Product
// and Collection resources,
// https://shopify.dev/docs/api/admin-rest/latest/resources/product and
// .../customcollection).

type product struct {
	ID, VariantID        int64
	Title, SKU, Handle   string
	Price                int64 // shop minor units
	GiftCard             bool
	Collections          []int64 // ids, in the order added
	CreatedAt, UpdatedAt time.Time
}

type collection struct {
	ID            int64
	Title, Handle string
	UpdatedAt     time.Time
}

// ProductSpec is a product the merchant adds: its price in the shop
// currency ("25.00") and the titles of the collections it goes in (a
// collection that does not exist yet is created).
type ProductSpec struct {
	Title       string   `json:"title"`
	SKU         string   `json:"sku,omitempty"`
	Price       string   `json:"price"`
	GiftCard    bool     `json:"gift_card,omitempty"`
	Collections []string `json:"collections,omitempty"`
}

// ProductView is a product as the control API shows it.
type ProductView struct {
	ID          int64    `json:"product_id"`
	VariantID   int64    `json:"variant_id"`
	Title       string   `json:"title"`
	SKU         string   `json:"sku"`
	Price       string   `json:"price"`
	GiftCard    bool     `json:"gift_card"`
	Collections []string `json:"collections"` // titles
}

// demoCatalog is every shop's catalog at the start; prices are whole
// units of the shop's currency.
var demoCatalog = []ProductSpec{
	{Title: "Linen shirt", SKU: "SHIRT", Price: "49", Collections: []string{"Summer"}},
	{Title: "Straw hat", SKU: "HAT", Price: "25", Collections: []string{"Summer", "Accessories"}},
	{Title: "Canvas tote", SKU: "TOTE", Price: "18", Collections: []string{"Accessories"}},
	{Title: "Wool sweater", SKU: "SWEATER", Price: "89"},
	{Title: "Gift card", SKU: "GIFT", Price: "50", GiftCard: true},
}

// seedCatalog gives a new shop the demo catalog; call with mu held. No
// webhooks: the catalog predates the app.
func (s *Sandbox) seedCatalog(sh *Shop) {
	for _, spec := range demoCatalog {
		if _, err := s.addProduct(sh, spec, false); err != nil {
			panic(err) // the demo catalog is valid
		}
	}
}

// AddProduct adds a product to a shop's catalog and delivers
// products/create (and collections/create for a new collection).
func (s *Sandbox) AddProduct(shop string, spec ProductSpec) (ProductView, error) {
	s.mu.Lock()
	sh, err := s.shop(shop)
	var p *product
	if err == nil {
		p, err = s.addProduct(sh, spec, true)
	}
	if err != nil {
		s.mu.Unlock()
		return ProductView{}, err
	}
	s.emit(sh, "products/create", productPayload(sh, p))
	v := productView(sh, p)
	s.mu.Unlock()
	s.flush(true)
	return v, nil
}

// addProduct adds a product; notify delivers collections/create for a
// collection it creates. Call with mu held.
func (s *Sandbox) addProduct(sh *Shop, spec ProductSpec, notify bool) (*product, error) {
	price, err := parseMoney(spec.Price, sh.Currency)
	if err != nil || price < 0 || strings.TrimSpace(spec.Title) == "" {
		return nil, fmt.Errorf("sandbox: a product needs a title and a price of zero or more: %v", err)
	}
	now := s.now()
	p := &product{ID: s.id(), VariantID: s.id(), Title: strings.TrimSpace(spec.Title), SKU: spec.SKU,
		Handle: handleOf(spec.Title), Price: price, GiftCard: spec.GiftCard, CreatedAt: now, UpdatedAt: now}
	for _, t := range spec.Collections {
		p.Collections = append(p.Collections, s.collectionNamed(sh, t, notify).ID)
	}
	sh.products = append(sh.products, p)
	return p, nil
}

// collectionNamed finds a collection by title, creating it (and, when
// notify, delivering collections/create) when there is none; call with mu
// held.
func (s *Sandbox) collectionNamed(sh *Shop, title string, notify bool) *collection {
	title = strings.TrimSpace(title)
	for _, c := range sh.collections {
		if strings.EqualFold(c.Title, title) {
			return c
		}
	}
	c := &collection{ID: s.id(), Title: title, Handle: handleOf(title), UpdatedAt: s.now()}
	sh.collections = append(sh.collections, c)
	if notify {
		s.emit(sh, "collections/create", collectionPayload(c))
	}
	return c
}

// MoveProduct puts a product in the collections titled (creating those
// that do not exist) and takes it out of the others; products/update is
// delivered, and collections/update for each collection it left or joined.
func (s *Sandbox) MoveProduct(shop string, productID int64, collections []string) (ProductView, error) {
	s.mu.Lock()
	sh, p, err := s.findProduct(shop, productID)
	if err != nil {
		s.mu.Unlock()
		return ProductView{}, err
	}
	var ids []int64
	for _, t := range collections {
		if id := s.collectionNamed(sh, t, true).ID; !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	changed := symmetricDifference(p.Collections, ids)
	p.Collections, p.UpdatedAt = ids, s.now()
	s.emit(sh, "products/update", productPayload(sh, p))
	for _, c := range sh.collections {
		if slices.Contains(changed, c.ID) {
			c.UpdatedAt = s.now()
			s.emit(sh, "collections/update", collectionPayload(c))
		}
	}
	v := productView(sh, p)
	s.mu.Unlock()
	s.flush(true)
	return v, nil
}

// Products lists a shop's catalog.
func (s *Sandbox) Products(shop string) ([]ProductView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return nil, err
	}
	out := make([]ProductView, 0, len(sh.products))
	for _, p := range sh.products {
		out = append(out, productView(sh, p))
	}
	return out, nil
}

func (s *Sandbox) findProduct(shop string, id int64) (*Shop, *product, error) {
	sh, err := s.shop(shop)
	if err != nil {
		return nil, nil, err
	}
	if p := sh.product(id); p != nil {
		return sh, p, nil
	}
	return nil, nil, fmt.Errorf("%w: product %d", ErrNotFound, id)
}

func (sh *Shop) product(id int64) *product {
	for _, p := range sh.products {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func productView(sh *Shop, p *product) ProductView {
	v := ProductView{ID: p.ID, VariantID: p.VariantID, Title: p.Title, SKU: p.SKU,
		Price: money(p.Price, sh.Currency), GiftCard: p.GiftCard, Collections: []string{}}
	for _, c := range sh.collections {
		if slices.Contains(p.Collections, c.ID) {
			v.Collections = append(v.Collections, c.Title)
		}
	}
	return v
}

func symmetricDifference(a, b []int64) []int64 {
	var out []int64
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

func handleOf(title string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, strings.TrimSpace(title)), "-")
}

func (s *Sandbox) ctlProducts(r *http.Request) (int, any, error) {
	list, err := s.Products(r.PathValue("shop"))
	return http.StatusOK, map[string]any{"products": list}, err
}

func (s *Sandbox) ctlAddProduct(r *http.Request) (int, any, error) {
	var spec ProductSpec
	if err := decode(r, &spec); err != nil {
		return 0, nil, err
	}
	p, err := s.AddProduct(r.PathValue("shop"), spec)
	return http.StatusCreated, p, err
}

// ctlMoveProduct takes {"collections": ["Summer", ...]}: the titles of
// every collection the product is to be in.
func (s *Sandbox) ctlMoveProduct(r *http.Request) (int, any, error) {
	var in struct {
		Collections []string `json:"collections"`
	}
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &in)
	}
	if err != nil {
		return 0, nil, err
	}
	p, err := s.MoveProduct(r.PathValue("shop"), id, in.Collections)
	return http.StatusOK, p, err
}
