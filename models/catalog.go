package models

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
)

// A store's catalog, as its platform lists it: products, and the
// collections each is in, so that a commission rule can name a product or
// a collection and a booking can tell which collections an order line's
// product belongs to. It is a copy kept current by the catalog sync job;
// the platform's ids are kept as text.

// Product is a product of a connection's store.
type Product struct {
	ID           uint64    `gorm:"primaryKey" json:"-"`
	AccountID    uint64    `gorm:"not null;index" json:"-"`
	ConnectionID uint64    `gorm:"not null;uniqueIndex:idx_product_source" json:"connection_id"`
	ProductID    string    `gorm:"size:64;not null;uniqueIndex:idx_product_source" json:"product_id"`
	Title        string    `gorm:"size:255;not null;default:''" json:"title"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ProductCollection is a product's place in a collection, with the
// collection's title. A row with an empty ProductID stands for the
// collection itself, so an empty collection can still be found and named.
type ProductCollection struct {
	ConnectionID    uint64 `gorm:"primaryKey;autoIncrement:false;index:idx_product_collections_product,priority:1"`
	CollectionID    string `gorm:"primaryKey;size:64"`
	ProductID       string `gorm:"primaryKey;size:64;index:idx_product_collections_product,priority:2"`
	AccountID       uint64 `gorm:"not null;index"`
	CollectionTitle string `gorm:"size:255;not null;default:''"`
}

// CatalogProduct is a product as the rule editor's picker shows it.
type CatalogProduct struct {
	ConnectionID uint64 `json:"connection_id"`
	ProductID    string `json:"product_id"`
	Title        string `json:"title"`
}

// CatalogCollection is a collection as the rule editor's picker shows it,
// with how many products it holds.
type CatalogCollection struct {
	ConnectionID uint64 `json:"connection_id"`
	CollectionID string `json:"collection_id"`
	Title        string `json:"title"`
	Products     int    `json:"products"`
}

// catalogChunk bounds the ids bound to one statement (SQLite allows 32,766
// parameters; a row of product_collections takes 5).
const catalogChunk = 500

// SaveCatalog stores products and collections read from a connection's
// store. complete says they are the whole catalog, read from the start:
// every row of the connection is then replaced, in one transaction.
// Otherwise the products given replace their own rows and collection
// memberships, and the collections given their titles.
func (s *Store) SaveCatalog(ctx context.Context, connectionID uint64, products []platforms.Product, collections []platforms.Collection, complete bool) error {
	conn, err := s.GetConnection(ctx, connectionID)
	if err != nil {
		return wrapErr("save catalog", err)
	}
	prods, links := catalogRows(conn, products, collections, s.now())
	return wrapErr("save catalog", s.tx(ctx, func(tx *gorm.DB) error {
		if complete {
			if err := tx.Where("connection_id = ?", conn.ID).Delete(&ProductCollection{}).Error; err != nil {
				return err
			}
			if err := tx.Where("connection_id = ?", conn.ID).Delete(&Product{}).Error; err != nil {
				return err
			}
		} else if err := forgetProducts(tx, conn.ID, prods, collections); err != nil {
			return err
		}
		if len(prods) > 0 {
			if err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "connection_id"}, {Name: "product_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"title", "updated_at"}),
			}).CreateInBatches(prods, catalogChunk).Error; err != nil {
				return err
			}
		}
		if len(links) == 0 {
			return nil
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "connection_id"}, {Name: "collection_id"}, {Name: "product_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"collection_title"}),
		}).CreateInBatches(links, catalogChunk).Error
	}))
}

// catalogRows turns a platform's catalog into rows: one per product (the
// last of a repeated id wins), one per product and collection, and one per
// collection itself.
func catalogRows(conn *Connection, products []platforms.Product, collections []platforms.Collection, now time.Time) ([]Product, []ProductCollection) {
	titles := make(map[string]string, len(collections))
	var links []ProductCollection
	for _, c := range collections {
		if c.ID == "" {
			continue
		}
		if _, seen := titles[c.ID]; !seen {
			links = append(links, ProductCollection{ConnectionID: conn.ID, AccountID: conn.AccountID, CollectionID: c.ID})
		}
		titles[c.ID] = clip(c.Title, 255)
	}
	byID := map[string]int{}
	var prods []Product
	for _, p := range products {
		if p.ID == "" {
			continue
		}
		row := Product{AccountID: conn.AccountID, ConnectionID: conn.ID, ProductID: p.ID, Title: clip(p.Title, 255), UpdatedAt: now}
		if i, ok := byID[p.ID]; ok {
			prods[i] = row
			continue
		}
		byID[p.ID] = len(prods)
		prods = append(prods, row)
	}
	seen := map[[2]string]bool{}
	for _, p := range products {
		for _, c := range p.Collections {
			if c == "" || p.ID == "" || seen[[2]string{p.ID, c}] {
				continue
			}
			seen[[2]string{p.ID, c}] = true
			links = append(links, ProductCollection{ConnectionID: conn.ID, AccountID: conn.AccountID,
				CollectionID: c, ProductID: p.ID})
		}
	}
	for i := range links {
		links[i].CollectionTitle = titles[links[i].CollectionID]
	}
	return prods, links
}

// forgetProducts drops the collection memberships of the products about
// to be saved again, and renames the collections given, before a partial
// save.
func forgetProducts(tx *gorm.DB, connID uint64, prods []Product, collections []platforms.Collection) error {
	ids := make([]string, len(prods))
	for i, p := range prods {
		ids[i] = p.ProductID
	}
	for chunk := range slices.Chunk(ids, catalogChunk) {
		if err := tx.Where("connection_id = ? AND product_id IN ?", connID, chunk).Delete(&ProductCollection{}).Error; err != nil {
			return err
		}
	}
	for _, c := range collections {
		if err := tx.Model(&ProductCollection{}).Where("connection_id = ? AND collection_id = ?", connID, c.ID).
			Update("collection_title", clip(c.Title, 255)).Error; err != nil {
			return err
		}
	}
	return nil
}

// ProductCollections gives, for each of the products named that the
// connection's catalog knows, the ids of the collections it is in.
func (s *Store) ProductCollections(ctx context.Context, connectionID uint64, productIDs []string) (map[string][]string, error) {
	out, err := productCollections(s.db.WithContext(ctx), connectionID, productIDs)
	return out, wrapErr("product collections", err)
}

// productCollections is ProductCollections on db (a booking's
// transaction); collection ids come sorted.
func productCollections(db *gorm.DB, connectionID uint64, productIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	ids := slices.Compact(slices.Sorted(slices.Values(productIDs)))
	for chunk := range slices.Chunk(ids, catalogChunk) {
		var rows []ProductCollection
		if err := db.Select("product_id", "collection_id").
			Where("connection_id = ? AND product_id IN ?", connectionID, chunk).
			Order("product_id, collection_id").Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.ProductID != "" {
				out[r.ProductID] = append(out[r.ProductID], r.CollectionID)
			}
		}
	}
	return out, nil
}

// SearchCatalog finds an account's products and collections whose title
// contains q, ignoring case (on SQLite for ASCII letters only, as its
// LOWER() does), by title; limit caps each list (default 20, at most 100).
func (s *Store) SearchCatalog(ctx context.Context, accountID uint64, q string, limit int) ([]CatalogProduct, []CatalogCollection, error) {
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	pat := likeContains(strings.ToLower(strings.TrimSpace(q)))
	db := s.db.WithContext(ctx)
	products := []CatalogProduct{}
	err := db.Model(&Product{}).Select("connection_id", "product_id", "title").
		Where(`account_id = ? AND LOWER(title) LIKE ? ESCAPE '\'`, accountID, pat).
		Order("title, connection_id, product_id").Limit(limit).Scan(&products).Error
	if err != nil {
		return nil, nil, wrapErr("search catalog", err)
	}
	collections := []CatalogCollection{}
	err = db.Model(&ProductCollection{}).
		Select(`connection_id, collection_id, MAX(collection_title) AS title,
			SUM(CASE WHEN product_id <> '' THEN 1 ELSE 0 END) AS products`).
		Where(`account_id = ? AND LOWER(collection_title) LIKE ? ESCAPE '\'`, accountID, pat).
		Group("connection_id, collection_id").Order("title, connection_id, collection_id").Limit(limit).
		Scan(&collections).Error
	if err != nil {
		return nil, nil, wrapErr("search catalog", err)
	}
	return products, collections, nil
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
