package models

import (
	"gorm.io/gorm"
)

// batchLinks applies lifetime attribution across a batch as booking one
// order after the other would: the links stored, read with one query per
// account, and those the batch's own earlier orders make.
type batchLinks struct {
	known map[uint64]map[string]CustomerLink // account → customer → link
	affs  map[uint64]*Affiliate              // active linked affiliates
	made  []madeLink                         // links to save, by the order that made them
}

type madeLink struct {
	conv *Conversion
	link CustomerLink
}

// loadBatchLinks reads the links of the customers of the batch's orders
// in accounts with lifetime attribution.
func loadBatchLinks(tx *gorm.DB, book *ruleBook, items []*batchItem) (*batchLinks, error) {
	bl := &batchLinks{known: map[uint64]map[string]CustomerLink{}, affs: map[uint64]*Affiliate{}}
	keys := map[uint64][]string{}
	for _, it := range items {
		ar, err := book.account(it.conn.AccountID)
		if err != nil {
			return nil, err
		}
		if ar.account.LifetimeOn {
			keys[it.conn.AccountID] = append(keys[it.conn.AccountID], customerKeys(it.conn.ID, it.order.CustomerID, it.order.CustomerEmail)...)
		}
	}
	for acct, ks := range keys {
		links, affs, err := loadLinks(tx, acct, ks)
		if err != nil {
			return nil, err
		}
		bl.known[acct] = map[string]CustomerLink{}
		for _, l := range links {
			bl.known[acct][l.Customer] = l
		}
		for id, a := range affs {
			bl.affs[id] = a
		}
	}
	return bl, nil
}

// credit is cr with lifetime attribution applied to it.
func (bl *batchLinks) credit(a *Account, it *batchItem, cr credit) credit {
	known := bl.known[a.ID]
	if known == nil {
		return cr
	}
	var links []CustomerLink
	for _, k := range customerKeys(it.conn.ID, it.order.CustomerID, it.order.CustomerEmail) {
		if l, ok := known[k]; ok {
			links = append(links, l)
		}
	}
	return lifetimeCredit(a, &it.order, cr, links, bl.affs)
}

// booked notes the links conv makes, for the batch's later orders and
// to save once the conversions have their ids.
func (bl *batchLinks) booked(a *Account, conv *Conversion, cr credit) {
	known := bl.known[a.ID]
	if known == nil {
		return
	}
	for _, l := range linksOf(a, conv, cr) {
		if old, ok := known[l.Customer]; ok && !(a.LifetimeCodeWins && l.LinkedAt.After(old.LinkedAt)) {
			continue
		}
		known[l.Customer] = l
		bl.affs[l.AffiliateID] = cr.affiliate
		bl.made = append(bl.made, madeLink{conv: conv, link: l})
	}
}

// save stores the links the batch's orders made, per account.
func (bl *batchLinks) save(tx *gorm.DB, book *ruleBook) error {
	byAccount := map[uint64][]CustomerLink{}
	for _, m := range bl.made {
		m.link.ConversionID = m.conv.ID
		byAccount[m.link.AccountID] = append(byAccount[m.link.AccountID], m.link)
	}
	for acct, links := range byAccount {
		ar, err := book.account(acct)
		if err != nil {
			return err
		}
		if err := saveLinks(tx, &ar.account, links); err != nil {
			return err
		}
	}
	return nil
}
