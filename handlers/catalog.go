package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// catalogItem is a product or collection as the rule editor's picker
// takes it.
type catalogItem struct {
	ConnectionID uint64 `json:"connection_id"`
	ID           string `json:"id"`
	Title        string `json:"title"`
	Products     int    `json:"products,omitempty"` // a collection's
}

// SearchCatalog finds the stores' products and collections whose title
// holds q (any case), as read from the stores (Shopify, kept current):
// {products: [{connection_id, id, title}], collections: [{connection_id,
// id, title, products}]}, at most 20 of each.
func (h *commissionRuleHandlers) SearchCatalog(c echo.Context) error {
	q := c.QueryParam("q")
	if err := models.CheckText("q", q); err != nil {
		return err
	}
	products, collections, err := h.store.SearchCatalog(c.Request().Context(), account(c).ID, q, 20)
	if err != nil {
		return err
	}
	out := struct {
		Products    []catalogItem `json:"products"`
		Collections []catalogItem `json:"collections"`
	}{Products: []catalogItem{}, Collections: []catalogItem{}}
	for _, p := range products {
		out.Products = append(out.Products, catalogItem{ConnectionID: p.ConnectionID, ID: p.ProductID, Title: p.Title})
	}
	for _, col := range collections {
		out.Collections = append(out.Collections, catalogItem{ConnectionID: col.ConnectionID, ID: col.CollectionID,
			Title: col.Title, Products: col.Products})
	}
	return c.JSON(http.StatusOK, out)
}
