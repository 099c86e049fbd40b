// Notices written to the outbox by jobs rather than by a merchant's
// action: an affiliate's reversal notice when an order is refunded, and
// the monthly earnings summary.

package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"codecredit/models/emailtmpl"
)

// WriteReversalNotices writes a notice to the affiliate for every refund
// booked against an order's commission (a reversal, or a clawback after
// payout) and returns the ids to send. Call it after a refund or after an
// order (a held refund may apply then); each refund is noticed once, so
// calling it again writes nothing. Accounts that turned notices off get none.
func (s *Store) WriteReversalNotices(ctx context.Context, connectionID uint64, orderExternalID, appURL string) ([]uint64, error) {
	conn, err := s.GetConnection(ctx, connectionID)
	if err != nil {
		return nil, fmt.Errorf("models: write reversal notices: %w", err)
	}
	set, err := s.GetEmailSettings(ctx, conn.AccountID)
	if err != nil || !set.ReversalNotices {
		return nil, wrapErr("write reversal notices", err)
	}
	var ids []uint64
	err = s.tx(ctx, func(tx *gorm.DB) error {
		ids = ids[:0]
		var convs []Conversion
		if err := tx.Where("connection_id = ? AND external_order_id = ? AND affiliate_id IS NOT NULL", conn.ID, orderExternalID).
			Limit(1).Find(&convs).Error; err != nil || len(convs) == 0 {
			return err
		}
		var entries []LedgerEntry
		if err := tx.Where("conversion_id = ? AND refund_id IS NOT NULL AND kind IN ?", convs[0].ID,
			[]string{EntryReversal, EntryAdjustment}).Order("id").Find(&entries).Error; err != nil {
			return err
		}
		var err error
		ids, err = writeEach(len(entries), func(i int) (uint64, error) {
			return s.writeReversal(tx, &convs[0], entries[i], i == len(entries)-1, set, appURL)
		})
		return err
	})
	if err != nil {
		return ids, fmt.Errorf("models: write reversal notices: %w", err)
	}
	return ids, nil
}

// writeReversal writes the notice of one reversal entry.
func (s *Store) writeReversal(tx *gorm.DB, conv *Conversion, e LedgerEntry, last bool, set *EmailSettings, appURL string) (uint64, error) {
	var aff Affiliate
	if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", e.AffiliateID, conv.AccountID); err != nil {
		return 0, err
	}
	var acct Account
	if err := first(tx, &acct, "account", conv.AccountID); err != nil {
		return 0, err
	}
	var ref Refund
	if err := first(tx, &ref, "refund", *e.RefundID); err != nil {
		return 0, err
	}
	data := emailtmpl.Reversal{Program: program(&acct, set), Affiliate: person(&aff),
		OrderNumber: firstNonEmpty(conv.OrderNumber, conv.ExternalOrderID), Code: conv.Code,
		Amount: moneyText(-e.Amount, e.Currency), Full: ref.Full || (last && conv.Status == ConversionReversed),
		Clawback: e.Kind == EntryAdjustment, PortalURL: PortalURL(appURL)}
	return writeEmail(tx, newEmail{account: &acct, to: &aff, kind: emailtmpl.KindReversalNotice,
		dedupKey: "reversal:" + strconv.FormatUint(*e.RefundID, 10), data: data})
}

// WriteEarningsSummaries writes last month's earnings summary, in every
// account whose summary day of this month has come, to each active
// affiliate with activity in that month: orders, refunds, commission
// approved (its hold ended) or a payout. It first approves the account's
// matured commission, so the summary counts it as payable. It runs as
// often as the caller likes: each affiliate gets one summary per month.
// It returns the ids to send.
func (s *Store) WriteEarningsSummaries(ctx context.Context, appURL string) ([]uint64, error) {
	now := s.now()
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, -1, 0)
	var accountIDs []uint64
	if err := s.db.WithContext(ctx).Model(&Account{}).Order("id").Pluck("id", &accountIDs).Error; err != nil {
		return nil, fmt.Errorf("models: write earnings summaries: %w", err)
	}
	var ids []uint64
	for _, accountID := range accountIDs {
		set, err := s.GetEmailSettings(ctx, accountID)
		if err != nil {
			return ids, wrapErr("write earnings summaries", err)
		}
		if !set.Summaries || now.Day() < set.SummaryDay {
			continue
		}
		if err := s.approveForSummaries(ctx, accountID); err != nil {
			return ids, wrapErr("write earnings summaries", err)
		}
		got, err := s.writeAccountSummaries(ctx, accountID, set, start, end, appURL)
		if err != nil {
			return ids, wrapErr("write earnings summaries", err)
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// monthActivity is one affiliate's ledger movements in one currency of a month.
type monthActivity struct {
	earned, reversed int64
}

// writeAccountSummaries writes one account's summaries of [start, end).
func (s *Store) writeAccountSummaries(ctx context.Context, accountID uint64, set *EmailSettings, start, end time.Time, appURL string) ([]uint64, error) {
	balances, err := s.Balances(ctx, accountID, 0)
	if err != nil {
		return nil, err
	}
	byAff := map[uint64][]Balance{}
	for _, b := range balances {
		byAff[b.AffiliateID] = append(byAff[b.AffiliateID], b)
	}
	var ids []uint64
	err = s.tx(ctx, func(tx *gorm.DB) error {
		ids = ids[:0]
		activity, orders, err := monthLedger(tx, accountID, start, end)
		if err != nil {
			return err
		}
		moved, err := monthMovements(tx, accountID, start, end)
		if err != nil {
			return err
		}
		var acct Account
		if err := first(tx, &acct, "account", accountID); err != nil {
			return err
		}
		var affs []Affiliate
		if err := tx.Where("account_id = ? AND status = ?", accountID, AffiliateActive).Order("id").Find(&affs).Error; err != nil {
			return err
		}
		ids, err = writeEach(len(affs), func(i int) (uint64, error) {
			data, ok := summaryData(&affs[i], activity[affs[i].ID], orders[affs[i].ID], byAff[affs[i].ID], start)
			if !ok && !moved[affs[i].ID] {
				return 0, nil
			}
			data.Program, data.PortalURL = program(&acct, set), PortalURL(appURL)
			return writeEmail(tx, newEmail{account: &acct, to: &affs[i], kind: emailtmpl.KindEarningsSummary,
				dedupKey: "summary:" + strconv.FormatUint(affs[i].ID, 10) + ":" + start.Format("2006-01"), data: data})
		})
		return err
	})
	return ids, err
}

// monthLedger sums, per affiliate and currency, the commission booked for
// orders placed in [start, end) and the commission taken back for refunds
// made then, and counts each affiliate's orders placed then.
func monthLedger(tx *gorm.DB, accountID uint64, start, end time.Time) (map[uint64]map[string]*monthActivity, map[uint64]int, error) {
	type sum struct {
		AffiliateID uint64
		Currency    string
		Sum         int64
	}
	var earned, reversed []sum
	err := tx.Table("ledger_entries AS le").Select("le.affiliate_id, le.currency, SUM(le.amount) AS sum").
		Joins("JOIN conversions AS c ON c.id = le.conversion_id").
		Where("le.account_id = ? AND le.kind = ? AND c.placed_at >= ? AND c.placed_at < ?", accountID, EntryAccrual, start, end).
		Group("le.affiliate_id, le.currency").Scan(&earned).Error
	if err != nil {
		return nil, nil, err
	}
	err = tx.Table("ledger_entries AS le").Select("le.affiliate_id, le.currency, SUM(le.amount) AS sum").
		Joins("JOIN refunds AS r ON r.id = le.refund_id").
		Where("le.account_id = ? AND le.kind IN ? AND r.refunded_at >= ? AND r.refunded_at < ?",
			accountID, []string{EntryReversal, EntryAdjustment}, start, end).
		Group("le.affiliate_id, le.currency").Scan(&reversed).Error
	if err != nil {
		return nil, nil, err
	}
	activity := map[uint64]map[string]*monthActivity{}
	at := func(r sum) *monthActivity {
		if activity[r.AffiliateID] == nil {
			activity[r.AffiliateID] = map[string]*monthActivity{}
		}
		if activity[r.AffiliateID][r.Currency] == nil {
			activity[r.AffiliateID][r.Currency] = &monthActivity{}
		}
		return activity[r.AffiliateID][r.Currency]
	}
	for _, r := range earned {
		at(r).earned += r.Sum
	}
	for _, r := range reversed {
		at(r).reversed -= r.Sum
	}
	orders, err := monthOrders(tx, accountID, start, end)
	return activity, orders, err
}

// monthOrders counts each affiliate's orders placed in [start, end).
func monthOrders(tx *gorm.DB, accountID uint64, start, end time.Time) (map[uint64]int, error) {
	var counts []struct {
		AffiliateID uint64
		N           int
	}
	err := tx.Model(&Conversion{}).Select("affiliate_id, COUNT(*) AS n").
		Where("account_id = ? AND affiliate_id IS NOT NULL AND placed_at >= ? AND placed_at < ?", accountID, start, end).
		Group("affiliate_id").Scan(&counts).Error
	orders := map[uint64]int{}
	for _, c := range counts {
		orders[c.AffiliateID] = c.N
	}
	return orders, err
}

// summaryData is one affiliate's summary, a line per currency of its
// balances (every ledger entry of the month is in them); ok is false when
// the month brought no order and no commission booked or reversed (a
// balance left from before is no news).
func summaryData(aff *Affiliate, activity map[string]*monthActivity, orders int, balances []Balance, start time.Time) (emailtmpl.Summary, bool) {
	d := emailtmpl.Summary{Affiliate: person(aff), Period: start.Format("January 2006"), Conversions: orders}
	active := orders > 0 || len(activity) > 0
	for _, b := range balances {
		act := activity[b.Currency]
		if act == nil {
			act = &monthActivity{}
		}
		cur := b.Currency
		d.Lines = append(d.Lines, emailtmpl.EarningsLine{Currency: cur, Earned: moneyText(act.earned, cur),
			Reversed: moneyText(act.reversed, cur), Pending: moneyText(b.Pending, cur),
			Approved: moneyText(b.Approved, cur), Paid: moneyText(b.Paid, cur)})
	}
	return d, active
}
