package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"codecredit/models/emailtmpl"
)

// The affiliate portal: an affiliate asks for a sign-in link by email, the
// link (single use, PortalLinkTTL) opens a session (PortalSessionTTL), and
// the session shows, read-only, that affiliate's codes, conversions and
// balances in that one merchant's program. An email address used by
// affiliates of several merchants gets one email per merchant, each link
// opening that merchant's program only. Only hashes of links and sessions
// are stored.
const (
	PortalLinkTTL      = 15 * time.Minute
	PortalSessionTTL   = 7 * 24 * time.Hour
	portalLinksPerHour = 5
)

// Sign-in link errors, for the page that explains them.
var (
	ErrLinkExpired = errors.New("models: sign-in link expired")
	ErrLinkUsed    = errors.New("models: sign-in link already used")
)

// PortalToken is a sign-in link sent to an affiliate; only its hash is kept.
type PortalToken struct {
	ID          uint64     `gorm:"primaryKey"`
	AccountID   uint64     `gorm:"not null;index"`
	AffiliateID uint64     `gorm:"not null;index"`
	Hash        string     `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt   time.Time  `gorm:"not null"`
	UsedAt      *time.Time ``
	CreatedAt   time.Time  `gorm:"not null"`
}

// PortalSession is a signed-in affiliate; only the cookie's hash is kept.
type PortalSession struct {
	ID          uint64    `gorm:"primaryKey"`
	AccountID   uint64    `gorm:"not null;index"`
	AffiliateID uint64    `gorm:"not null;index"`
	Hash        string    `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt   time.Time `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
}

// secret returns a random URL-safe secret and its stored hash.
func secret() (raw, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, hashSecret(raw), nil
}

func hashSecret(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// RequestPortalLinks writes a sign-in email to every affiliate with this
// address, one per merchant, and returns the outbox ids to send. An
// unknown address, a disabled affiliate or too many requests in the last
// hour (portalLinksPerHour) write nothing and are not errors, so the
// answer never tells whether an address is known. Only a malformed
// address is ErrInvalid.
func (s *Store) RequestPortalLinks(ctx context.Context, email, appURL string) ([]uint64, error) {
	email, err := cleanEmail(email)
	if err != nil {
		return nil, err
	}
	var affs []Affiliate
	err = s.db.WithContext(ctx).Where("email = ? AND status = ?", email, AffiliateActive).Order("id").Find(&affs).Error
	if err != nil {
		return nil, err
	}
	var ids []uint64
	for i := range affs {
		id, err := s.queueLogin(ctx, &affs[i], appURL)
		if err != nil {
			return ids, err
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// queueLogin makes a sign-in link for one affiliate and writes its email.
func (s *Store) queueLogin(ctx context.Context, aff *Affiliate, appURL string) (uint64, error) {
	now := s.now()
	var id uint64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockKey(tx, "portal-login", strconv.FormatUint(aff.ID, 10)); err != nil {
			return err
		}
		var recent int64
		if err := tx.Model(&PortalToken{}).Where("affiliate_id = ? AND created_at > ?", aff.ID, now.Add(-time.Hour)).
			Count(&recent).Error; err != nil || recent >= portalLinksPerHour {
			return err
		}
		raw, hash, err := secret()
		if err != nil {
			return err
		}
		tok := PortalToken{AccountID: aff.AccountID, AffiliateID: aff.ID, Hash: hash, ExpiresAt: now.Add(PortalLinkTTL), CreatedAt: now}
		if err := tx.Create(&tok).Error; err != nil {
			return err
		}
		var acct Account
		if err := first(tx, &acct, "account", aff.AccountID); err != nil {
			return err
		}
		set, err := emailSettings(tx, acct.ID)
		if err != nil {
			return err
		}
		data := emailtmpl.Login{Program: program(&acct, set.SiteURL), Affiliate: person(aff), Expires: "15 minutes",
			LinkURL: strings.TrimRight(appURL, "/") + "/portal/auth?token=" + raw}
		id, err = writeEmail(tx, newEmail{account: &acct, to: aff, kind: emailtmpl.KindPortalLogin,
			dedupKey: "login:" + strconv.FormatUint(tok.ID, 10), data: data})
		return err
	})
	return id, err
}

// ConsumePortalLink signs in with a link: it works once, before it
// expires, and returns the new session's secret (the cookie value). An
// unknown link is ErrNotFound; a used one ErrLinkUsed; a late one
// ErrLinkExpired.
func (s *Store) ConsumePortalLink(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > 100 {
		return "", notFound("sign-in link")
	}
	raw, hash, err := secret()
	if err != nil {
		return "", err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var tok PortalToken
		if err := first(s.forUpdate(tx), &tok, "sign-in link", "hash = ?", hashSecret(token)); err != nil {
			return err
		}
		now := s.now()
		switch {
		case tok.UsedAt != nil:
			return ErrLinkUsed
		case !now.Before(tok.ExpiresAt):
			return ErrLinkExpired
		}
		res := tx.Model(&PortalToken{}).Where("id = ? AND used_at IS NULL", tok.ID).Update("used_at", now)
		if res.Error != nil || res.RowsAffected == 0 {
			return errors.Join(res.Error, ErrLinkUsed)
		}
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", tok.AffiliateID, tok.AccountID); err != nil {
			return err
		}
		return tx.Create(&PortalSession{AccountID: aff.AccountID, AffiliateID: aff.ID, Hash: hash,
			ExpiresAt: now.Add(PortalSessionTTL), CreatedAt: now}).Error
	})
	if err != nil {
		return "", err
	}
	return raw, nil
}

// PeekPortalLink checks a sign-in link without using it up and returns
// the account (the merchant's program) it signs in to, so a page can ask
// the person to confirm before ConsumePortalLink uses it: mail scanners
// open every link in an email, and that must not use one up. It fails as
// ConsumePortalLink would: ErrNotFound, ErrLinkUsed or ErrLinkExpired.
func (s *Store) PeekPortalLink(ctx context.Context, token string) (*Account, error) {
	if token == "" || len(token) > 100 {
		return nil, notFound("sign-in link")
	}
	db := s.db.WithContext(ctx)
	var tok PortalToken
	if err := first(db, &tok, "sign-in link", "hash = ?", hashSecret(token)); err != nil {
		return nil, err
	}
	switch {
	case tok.UsedAt != nil:
		return nil, ErrLinkUsed
	case !s.now().Before(tok.ExpiresAt):
		return nil, ErrLinkExpired
	}
	var aff Affiliate
	if err := first(db, &aff, "affiliate", "id = ? AND account_id = ?", tok.AffiliateID, tok.AccountID); err != nil {
		return nil, err
	}
	return s.GetAccount(ctx, tok.AccountID)
}

// PortalAffiliate returns the affiliate and account of a live session;
// an unknown or expired session, or one of an affiliate since deleted or
// disabled, is ErrNotFound: the portal is for active affiliates only.
func (s *Store) PortalAffiliate(ctx context.Context, session string) (*Affiliate, *Account, error) {
	if session == "" || len(session) > 100 {
		return nil, nil, notFound("portal session")
	}
	db := s.db.WithContext(ctx)
	var ps PortalSession
	if err := first(db, &ps, "portal session", "hash = ? AND expires_at > ?", hashSecret(session), s.now()); err != nil {
		return nil, nil, err
	}
	var aff Affiliate
	if err := first(db, &aff, "portal session", "id = ? AND account_id = ? AND status = ?", ps.AffiliateID, ps.AccountID,
		AffiliateActive); err != nil {
		return nil, nil, err
	}
	acct, err := s.GetAccount(ctx, aff.AccountID)
	if err != nil {
		return nil, nil, err
	}
	return &aff, acct, nil
}

// EndPortalSession signs a session out.
func (s *Store) EndPortalSession(ctx context.Context, session string) error {
	return s.db.WithContext(ctx).Where("hash = ?", hashSecret(session)).Delete(&PortalSession{}).Error
}

// PortalConversion is one order as its affiliate sees it: no customer data.
type PortalConversion struct {
	PlacedAt    time.Time `json:"placed_at"`
	OrderNumber string    `json:"order_number"`
	Code        string    `json:"code"`
	Currency    string    `json:"currency"`
	Subtotal    int64     `json:"subtotal"`   // net of refunds
	Commission  int64     `json:"commission"` // net of reversals
	Status      string    `json:"status"`
	// PayableAt is when commission on hold becomes payable (nil otherwise).
	PayableAt *time.Time `json:"payable_at,omitempty"`
}

// PortalView is everything the portal shows one affiliate.
type PortalView struct {
	Program     emailtmpl.Program
	Affiliate   Affiliate
	Codes       []emailtmpl.Code
	Commission  string
	Balances    []Balance
	Conversions []PortalConversion
	Total       int64 // conversions in all
	Page        int
	PerPage     int
}

// PortalOverview gathers, for one affiliate only, its active codes and
// their links, its balances (the ledger's, as Balances sums them), its
// commission terms and a page of its conversions.
func (s *Store) PortalOverview(ctx context.Context, aff *Affiliate, page int) (*PortalView, error) {
	if aff == nil || aff.ID == 0 || aff.AccountID == 0 {
		return nil, notFound("affiliate")
	}
	db := s.db.WithContext(ctx)
	set, err := emailSettings(db, aff.AccountID)
	if err != nil {
		return nil, err
	}
	acct, links, err := linkContext(db, aff.AccountID, set)
	if err != nil {
		return nil, err
	}
	rule, err := affiliateRule(db, acct, aff.ID)
	if err != nil {
		return nil, err
	}
	v := &PortalView{Program: program(acct, set.SiteURL), Affiliate: *aff, Commission: CommissionTerms(rule)}
	v.Affiliate.Notes = "" // the merchant's own notes are not the affiliate's to read
	var codes []Code
	if err := db.Where("account_id = ? AND affiliate_id = ? AND active = ?", aff.AccountID, aff.ID, true).
		Order("id").Find(&codes).Error; err != nil {
		return nil, err
	}
	for _, c := range codes {
		v.Codes = append(v.Codes, links.code(c))
	}
	if v.Balances, err = s.Balances(ctx, aff.AccountID, aff.ID); err != nil {
		return nil, err
	}
	return v, s.portalConversions(ctx, aff, page, v)
}

// portalConversions fills v with one page of the affiliate's conversions.
func (s *Store) portalConversions(ctx context.Context, aff *Affiliate, page int, v *PortalView) error {
	rows, total, err := s.ListConversions(ctx, aff.AccountID, ConversionFilter{AffiliateID: aff.ID, Page: page, PerPage: 50})
	if err != nil {
		return err
	}
	v.Total, v.Page, v.PerPage = total, max(page, 1), 50
	for _, c := range rows {
		pc := PortalConversion{PlacedAt: c.PlacedAt, OrderNumber: firstNonEmpty(c.OrderNumber, c.ExternalOrderID),
			Code: c.Code, Currency: c.Currency, Subtotal: c.Subtotal - c.RefundedSubtotal,
			Commission: c.Commission - c.ReversedCommission, Status: c.Status}
		if c.AwaitsApproval() {
			pc.PayableAt = &c.ApproveAt
		}
		v.Conversions = append(v.Conversions, pc)
	}
	return nil
}

// QueueReversalNotices writes a notice to the affiliate for every refund
// booked against an order's commission (a reversal, or a clawback after
// payout) and returns the ids to send. Call it after a refund or after an
// order (a held refund may apply then); each refund is noticed once, so
// calling it again writes nothing. Accounts that turned notices off get none.
func (s *Store) QueueReversalNotices(ctx context.Context, connectionID uint64, orderExternalID, appURL string) ([]uint64, error) {
	conn, err := s.GetConnection(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	set, err := s.GetEmailSettings(ctx, conn.AccountID)
	if err != nil || !set.ReversalNotices {
		return nil, err
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
		for i, e := range entries {
			id, err := s.writeReversal(tx, &convs[0], e, i == len(entries)-1, set, appURL)
			if err != nil {
				return err
			}
			if id != 0 {
				ids = append(ids, id)
			}
		}
		return nil
	})
	return ids, err
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
	data := emailtmpl.Reversal{Program: program(&acct, set.SiteURL), Affiliate: person(&aff),
		OrderNumber: firstNonEmpty(conv.OrderNumber, conv.ExternalOrderID), Code: conv.Code,
		Amount: moneyText(-e.Amount, e.Currency), Full: ref.Full || (last && conv.Status == ConversionReversed),
		Clawback: e.Kind == EntryAdjustment, PortalURL: PortalURL(appURL)}
	return writeEmail(tx, newEmail{account: &acct, to: &aff, kind: emailtmpl.KindReversalNotice,
		dedupKey: "reversal:" + strconv.FormatUint(*e.RefundID, 10), data: data})
}

// QueueEarningsSummaries writes last month's earnings summary, in every
// account whose summary day of this month has come, to each active
// affiliate with activity in that month: orders, refunds, commission
// approved (its hold ended) or a payout. It first approves the account's
// matured commission, so the summary counts it as payable. It runs as
// often as the caller likes: each affiliate gets one summary per month.
// It returns the ids to send.
func (s *Store) QueueEarningsSummaries(ctx context.Context, appURL string) ([]uint64, error) {
	now := s.now()
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, -1, 0)
	var accountIDs []uint64
	if err := s.db.WithContext(ctx).Model(&Account{}).Order("id").Pluck("id", &accountIDs).Error; err != nil {
		return nil, err
	}
	var ids []uint64
	for _, accountID := range accountIDs {
		set, err := s.GetEmailSettings(ctx, accountID)
		if err != nil {
			return ids, err
		}
		if !set.Summaries || now.Day() < set.SummaryDay {
			continue
		}
		if err := s.approveForSummaries(ctx, accountID); err != nil {
			return ids, err
		}
		got, err := s.queueAccountSummaries(ctx, accountID, set, start, end, appURL)
		if err != nil {
			return ids, err
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// monthActivity is one affiliate's ledger movements in one currency of a month.
type monthActivity struct {
	earned, reversed int64
}

// queueAccountSummaries writes one account's summaries of [start, end).
func (s *Store) queueAccountSummaries(ctx context.Context, accountID uint64, set *EmailSettings, start, end time.Time, appURL string) ([]uint64, error) {
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
		for i := range affs {
			data, ok := summaryData(&affs[i], activity[affs[i].ID], orders[affs[i].ID], byAff[affs[i].ID], start)
			if !ok && !moved[affs[i].ID] {
				continue
			}
			data.Program, data.PortalURL = program(&acct, set.SiteURL), PortalURL(appURL)
			id, err := writeEmail(tx, newEmail{account: &acct, to: &affs[i], kind: emailtmpl.KindEarningsSummary,
				dedupKey: "summary:" + strconv.FormatUint(affs[i].ID, 10) + ":" + start.Format("2006-01"), data: data})
			if err != nil {
				return err
			}
			if id != 0 {
				ids = append(ids, id)
			}
		}
		return nil
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
