package models

import (
	"strconv"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// attribute credits the batch's new orders as AttributeOrder does, and
// inserts their conversions and accruals, each kind with one statement. A
// second delivery of an order in the same batch gets the first's conversion.
func (b *eventBatch) attribute() error {
	first := map[orderKey]*batchItem{}
	var fresh []*batchItem
	for _, it := range b.pending() {
		if first[it.key] == nil {
			first[it.key] = it
			fresh = append(fresh, it)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	credits, err := b.credits(fresh)
	if err != nil {
		return err
	}
	book := b.s.newRuleBook(b.tx)
	var needs []tierNeed
	for i, it := range fresh {
		if credits[i].affiliate != nil {
			needs = append(needs, tierNeed{it.conn.AccountID, credits[i].affiliate.ID, it.order.PlacedAt})
		}
	}
	if err := book.prefetchTiers(needs); err != nil {
		return err
	}
	links, err := loadBatchLinks(b.tx, book, fresh)
	if err != nil {
		return err
	}
	var convs []*Conversion
	lines := map[*Conversion][]ConversionLine{}
	bonuses := map[*Conversion][]*LedgerEntry{}
	for i, it := range fresh {
		it.done = true
		ar, err := book.account(it.conn.AccountID)
		if err != nil {
			return err
		}
		cr := links.credit(&ar.account, it, credits[i])
		if cr.code == nil && cr.lifetime == nil {
			continue // no known code, no customer kept: nothing to book
		}
		res, rule, ord, err := book.earn(it.conn, &it.order, cr)
		if err != nil {
			return err
		}
		it.conv = newConversion(it.conn, &it.order, cr, rule, res, ord)
		convs = append(convs, it.conv)
		links.booked(&ar.account, it.conv, cr)
		if bonuses[it.conv], err = book.counted(it.conv); err != nil {
			return err
		}
		if ls := conversionLines(&it.order, res); len(ls) > 0 {
			lines[it.conv] = ls
		}
	}
	for _, it := range b.pending() {
		it.done, it.conv = true, first[it.key].conv
	}
	if len(convs) == 0 {
		return nil
	}
	if err := b.tx.Create(convs).Error; err != nil {
		return err
	}
	if err := createLines(b.tx, convs, lines); err != nil {
		return err
	}
	if err := createBonuses(b.tx, bonuses); err != nil {
		return err
	}
	if err := links.save(b.tx, book); err != nil {
		return err
	}
	if entries := accruals(convs); len(entries) > 0 {
		if err := b.tx.Create(entries).Error; err != nil {
			return err
		}
	}
	return emitHooks(b.tx, b.hooks, b.s.now(), conversionHooks(HookConversionCreated, convs...)...)
}

// accruals are the ledger entries of conversions that earn commission.
func accruals(convs []*Conversion) []*LedgerEntry {
	out := []*LedgerEntry{}
	for _, conv := range convs {
		if !conv.Earns() || conv.Commission == 0 {
			continue
		}
		status := LedgerStatus(EntryPending)
		if conv.Status == ConversionApproved {
			status = EntryApproved
		}
		key := "accrual:" + strconv.FormatUint(conv.ID, 10)
		out = append(out, &LedgerEntry{
			AccountID: conv.AccountID, AffiliateID: *conv.AffiliateID, ConversionID: &conv.ID, Kind: EntryAccrual,
			Amount: conv.Commission, Currency: conv.Currency, Status: status,
			AvailableAt: conv.ApproveAt, DedupKey: &key,
		})
	}
	return out
}

// credits finds who each order is credited to, as creditFor does for one
// order (subscriptions are not batched): the codes of the whole batch with
// one query, their active affiliates with another.
func (b *eventBatch) credits(items []*batchItem) ([]credit, error) {
	typed := make([][2][]string, len(items))
	accounts, kept, norms := map[uint64]bool{}, map[string]bool{}, map[string]bool{}
	for i, it := range items {
		k, n := typedCodes(it.order.Codes)
		typed[i] = [2][]string{k, n}
		accounts[it.conn.AccountID] = true
		for j := range k {
			kept[k[j]], norms[n[j]] = true, true
		}
	}
	out := make([]credit, len(items))
	if len(kept) == 0 {
		return out, nil
	}
	var rows []Code
	if err := b.tx.Where("account_id IN ? AND active = ? AND (normalized IN ? OR platform_code_id IN ?)",
		setKeys(accounts), true, setKeys(norms), setKeys(kept)).Find(&rows).Error; err != nil {
		return nil, err
	}
	affIDs := map[uint64]bool{}
	for _, c := range rows {
		if c.AffiliateID != nil {
			affIDs[*c.AffiliateID] = true
		}
	}
	var affs []Affiliate
	if len(affIDs) > 0 {
		if err := b.tx.Where("id IN ? AND status = ?", setKeys(affIDs), AffiliateActive).Find(&affs).Error; err != nil {
			return nil, err
		}
	}
	for i, it := range items {
		var mine []Code
		for _, c := range rows {
			if c.AccountID == it.conn.AccountID && (c.ConnectionID == it.conn.ID || c.ConnectionID == 0) {
				mine = append(mine, c)
			}
		}
		codes := pickCodes(mine, typed[i][0], typed[i][1])
		if len(codes) == 0 {
			continue
		}
		active := map[uint64]*Affiliate{}
		for j := range affs {
			if affs[j].AccountID == it.conn.AccountID {
				active[affs[j].ID] = &affs[j]
			}
		}
		out[i] = creditAmong(codes, active)
	}
	return out, nil
}

// createLines inserts the lines of the conversions just created, with one
// statement.
func createLines(tx *gorm.DB, convs []*Conversion, lines map[*Conversion][]ConversionLine) error {
	var all []ConversionLine
	for _, c := range convs {
		for _, l := range lines[c] {
			l.ConversionID = c.ID
			all = append(all, l)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return tx.CreateInBatches(all, 1000).Error
}

// createBonuses inserts the tier bonuses of conversions just created,
// each once (a bonus already booked for its tier and period is kept).
func createBonuses(tx *gorm.DB, bonuses map[*Conversion][]*LedgerEntry) error {
	var all []*LedgerEntry
	for conv, es := range bonuses {
		for _, e := range es {
			e.ConversionID = &conv.ID
			all = append(all, e)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(all).Error
}
