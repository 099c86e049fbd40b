package models

import (
	"gorm.io/gorm"

	"codecredit/models/commission"
	"codecredit/platforms"
)

// ConversionLine is one line of a conversion's order as it was booked:
// the goods, what the commission was computed on, what it earned and the
// rule that decided it (kept as it was then, so "why this commission"
// never changes when the rules do). Refunds of the line add to
// RefundedNet, and ReversedCommission is its commission's share taken
// back. Shipping, when the base includes it, is a line of its own (id
// "shipping").
type ConversionLine struct {
	ID                 uint64          `gorm:"primaryKey" json:"-"`
	ConversionID       uint64          `gorm:"not null;uniqueIndex:idx_conversion_line" json:"-"`
	LineID             string          `gorm:"not null;uniqueIndex:idx_conversion_line" json:"id"`
	ProductID          string          `gorm:"not null;default:''" json:"product_id,omitempty"`
	VariantID          string          `gorm:"not null;default:''" json:"variant_id,omitempty"`
	SKU                string          `gorm:"not null;default:''" json:"sku,omitempty"`
	Title              string          `gorm:"not null;default:''" json:"title"`
	Quantity           int64           `gorm:"not null;default:0" json:"quantity"`
	UnitPrice          int64           `gorm:"not null;default:0" json:"unit_price"`
	Discount           int64           `gorm:"not null;default:0" json:"discount"`
	Tax                int64           `gorm:"not null;default:0" json:"tax"`
	Net                int64           `gorm:"not null;default:0" json:"net"`
	Base               int64           `gorm:"not null;default:0" json:"base"`
	Commission         int64           `gorm:"not null;default:0" json:"commission"`
	Rule               commission.Rule `gorm:"type:text;serializer:json" json:"rule"`
	Why                string          `gorm:"not null;default:''" json:"why"`
	RefundedNet        int64           `gorm:"not null;default:0" json:"refunded_net"`
	ReversedCommission int64           `gorm:"not null;default:0" json:"reversed_commission"`
}

// conversionLines are the lines to store for a conversion of o that
// earned res (none when the order came without lines).
func conversionLines(o *platforms.Order, res commission.Result) []ConversionLine {
	if len(res.Lines) == 0 {
		return nil
	}
	out := make([]ConversionLine, 0, len(res.Lines))
	for i, l := range res.Lines {
		cl := ConversionLine{LineID: l.ID, Net: l.Net, Base: l.Base, Commission: l.Commission, Rule: l.Rule, Why: commission.Why(l.Rule)}
		if i < len(o.Lines) {
			ol := o.Lines[i]
			cl.ProductID, cl.VariantID, cl.SKU, cl.Title = ol.ProductID, ol.VariantID, ol.SKU, ol.Title
			cl.Quantity, cl.UnitPrice, cl.Discount, cl.Tax = ol.Quantity, ol.UnitPrice, ol.Discount, ol.Tax
		} else {
			cl.Title, cl.Quantity, cl.UnitPrice = "Shipping", 1, l.Base
		}
		out = append(out, cl)
	}
	return out
}

// loadConversionLines loads a conversion's lines in order.
func loadConversionLines(db *gorm.DB, conversionID uint64) ([]ConversionLine, error) {
	lines := []ConversionLine{}
	err := db.Where("conversion_id = ?", conversionID).Order("id").Find(&lines).Error
	return lines, err
}
