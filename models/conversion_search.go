package models

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Kinds of rows in the conversions list.
const (
	RowOrder      = "order"      // a conversion (platform order or added by hand)
	RowAdjustment = "adjustment" // an adjustment added by hand
)

// Status filters of SearchConversions beyond the conversion statuses.
const (
	FilterRefunded   = "refunded"   // any refund booked against the order
	FilterManual     = "manual"     // conversions added by hand
	FilterAdjustment = "adjustment" // adjustments added by hand
)

// ConversionSearch narrows SearchConversions. Statuses are conversion
// statuses or the Filter* values, any of which matches; empty is all.
// From and To bound the day placed (To exclusive); zero is open.
type ConversionSearch struct {
	Query       string
	Statuses    []string
	AffiliateID uint64
	From, To    time.Time
	Page        int
	PerPage     int
}

// ConversionRow is one line of the conversions list: a conversion, or an
// adjustment added by hand (Kind says which; IDs are per kind).
type ConversionRow struct {
	Kind               string    `json:"kind"`
	ID                 uint64    `json:"id"`
	OrderID            string    `json:"order_id"`
	OrderNumber        string    `json:"order_number,omitempty"`
	AffiliateID        *uint64   `json:"affiliate_id,omitempty"`
	AffiliateName      string    `json:"affiliate_name"`
	AffiliateEmail     string    `json:"affiliate_email"`
	Code               string    `json:"code"`
	Currency           string    `json:"currency"`
	Subtotal           int64     `json:"subtotal"`
	Discount           int64     `json:"discount"`
	Commission         int64     `json:"commission"`
	RefundedSubtotal   int64     `json:"refunded_subtotal"`
	ReversedCommission int64     `json:"reversed_commission"`
	Status             string    `json:"status"`
	FlagReason         string    `json:"flag_reason,omitempty"`
	Origin             string    `json:"origin,omitempty"`
	Review             string    `json:"review,omitempty"`          // approve or reject, for a reviewed self-referral
	Note               string    `json:"note,omitempty"`            // an adjustment's reason
	CommissionNote     string    `json:"commission_note,omitempty"` // why an order earned what it did
	Lifetime           bool      `json:"lifetime,omitempty"`        // a repeat order of a customer the affiliate brought
	CreditNote         string    `json:"credit_note,omitempty"`     // why the order went to its affiliate
	Recurring          bool      `json:"recurring,omitempty"`       // a subscription's renewal
	PlacedAt           time.Time `json:"placed_at"`
	ApproveAt          time.Time `json:"approve_at"`
	FullCount          int64     `json:"-"`
}

// CreditedBy says what credited an order to its affiliate (CreditCode,
// CreditRenewal, CreditRepeat, CreditManual, CreditNone), as the
// conversion's own page does; "" for an adjustment.
func (r ConversionRow) CreditedBy() string {
	if r.Kind != "order" {
		return ""
	}
	return creditedBy(&Conversion{Origin: r.Origin, AffiliateID: r.AffiliateID, Lifetime: r.Lifetime, Recurring: r.Recurring})
}

// Columns of both halves of the list, in the same order.
const (
	orderColumns = `'order' AS kind, c.id, c.external_order_id AS order_id, c.order_number, c.affiliate_id,
		COALESCE(a.name, '') AS affiliate_name, COALESCE(a.email, '') AS affiliate_email, c.code, c.currency,
		c.subtotal, c.discount, c.commission, c.refunded_subtotal, c.reversed_commission, c.status,
		COALESCE(c.flag_reason, '') AS flag_reason, c.origin, COALESCE(r.action, '') AS review,
		'' AS note, c.commission_note, c.lifetime, c.credit_note, c.recurring, c.placed_at, c.approve_at`
	adjustmentColumns = `'adjustment' AS kind, e.id, '' AS order_id, '' AS order_number, e.affiliate_id,
		COALESCE(a.name, '') AS affiliate_name, COALESCE(a.email, '') AS affiliate_email, '' AS code, e.currency,
		0 AS subtotal, 0 AS discount, e.amount AS commission, 0 AS refunded_subtotal, 0 AS reversed_commission,
		e.status, '' AS flag_reason, 'adjustment' AS origin, '' AS review, COALESCE(e.note, '') AS note,
		'' AS commission_note, false AS lifetime, '' AS credit_note, false AS recurring, e.created_at AS placed_at,
		e.available_at AS approve_at`
)

// SearchConversions lists an account's conversions and adjustments made
// by hand, newest first, with the total count, in one query (after, for a
// search, looking up the affiliates it matches): the page (each half read
// newest first through its index, then merged) beside a count of the same
// rows that joins nothing.
func (s *Store) SearchConversions(ctx context.Context, accountID uint64, f ConversionSearch) ([]ConversionRow, int64, error) {
	page, per := ClampPaging(f.Page, f.PerPage)
	affs, err := s.searchAffiliates(ctx, accountID, f.Query)
	if err != nil {
		return nil, 0, err
	}
	orders, oArgs := orderWhere(accountID, f, affs)
	adjs, aArgs := adjustmentWhere(accountID, f, affs)
	var rows, counts []string
	var rowArgs, countArgs []any
	if orders != "" {
		rows = append(rows, "SELECT "+orderColumns+` FROM conversions c
			LEFT JOIN affiliates a ON a.id = c.affiliate_id AND a.account_id = c.account_id
			LEFT JOIN ledger_audits r ON r.conversion_id = c.id AND r.account_id = c.account_id AND r.action IN ('approve', 'reject')
			WHERE `+orders+" ORDER BY c.placed_at DESC, c.id DESC LIMIT ?")
		counts = append(counts, "SELECT COUNT(*) AS n FROM conversions c WHERE "+orders)
		rowArgs, countArgs = append(append(rowArgs, oArgs...), page*per), append(countArgs, oArgs...)
	}
	if adjs != "" {
		rows = append(rows, "SELECT "+adjustmentColumns+` FROM ledger_entries e
			LEFT JOIN affiliates a ON a.id = e.affiliate_id AND a.account_id = e.account_id
			WHERE `+adjs+" ORDER BY e.created_at DESC, e.id DESC LIMIT ?")
		counts = append(counts, "SELECT COUNT(*) AS n FROM ledger_entries e WHERE "+adjs)
		rowArgs, countArgs = append(append(rowArgs, aArgs...), page*per), append(countArgs, aArgs...)
	}
	if len(rows) == 0 {
		return []ConversionRow{}, 0, nil
	}
	// Each half keeps its own newest page*per rows (read in index order),
	// and the page is cut from their union.
	for i, r := range rows {
		rows[i] = "SELECT * FROM (" + r + ") h" + strconv.Itoa(i)
	}
	const order = " ORDER BY placed_at DESC, id DESC, kind DESC"
	sql := "SELECT p.*, n.full_count FROM (SELECT SUM(n) AS full_count FROM (" + strings.Join(counts, " UNION ALL ") +
		") k) n LEFT JOIN (SELECT * FROM (" + strings.Join(rows, " UNION ALL ") + ") x" + order +
		" LIMIT ? OFFSET ?) p ON 1 = 1" + order
	args := append(append(countArgs, rowArgs...), per, (page-1)*per)
	var found []ConversionRow
	if err := s.db.WithContext(ctx).Raw(sql, args...).Scan(&found).Error; err != nil {
		return nil, 0, err
	}
	out, total := []ConversionRow{}, int64(0)
	for _, r := range found {
		total = r.FullCount
		if r.Kind != "" { // a page past the end is one row with the count alone
			out = append(out, r)
		}
	}
	return out, total, nil
}

// orderWhere is the conversions half's condition; "" leaves it out.
func orderWhere(accountID uint64, f ConversionSearch, affs affiliateMatch) (string, []any) {
	conds, args := []string{"c.account_id = ?"}, []any{accountID}
	if len(f.Statuses) > 0 {
		var ors []string
		var sts []string
		for _, st := range f.Statuses {
			switch st {
			case FilterRefunded:
				ors = append(ors, "c.refunded_subtotal > 0")
			case FilterManual:
				ors = append(ors, "c.origin = '"+OriginManual+"'")
			case FilterAdjustment:
			default:
				sts = append(sts, st)
			}
		}
		if len(sts) > 0 {
			ors, args = append(ors, "c.status IN ?"), append(args, sts)
		}
		if len(ors) == 0 {
			return "", nil
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if f.AffiliateID != 0 {
		conds, args = append(conds, "c.affiliate_id = ?"), append(args, f.AffiliateID)
	}
	conds, args = timeConds(conds, args, "c.placed_at", f)
	if q := strings.TrimSpace(f.Query); q != "" {
		p := likeContains(strings.ToLower(q))
		aff, aArgs := affs.cond("c.affiliate_id")
		conds = append(conds, `(LOWER(c.external_order_id) LIKE ? ESCAPE '\' OR LOWER(c.order_number) LIKE ? ESCAPE '\'
			OR LOWER(c.code) LIKE ? ESCAPE '\'`+aff+`)`)
		args = append(append(args, p, p, p), aArgs...)
	}
	return strings.Join(conds, " AND "), args
}

// adjustmentWhere is the adjustments half's condition; "" leaves it out.
func adjustmentWhere(accountID uint64, f ConversionSearch, affs affiliateMatch) (string, []any) {
	conds := []string{"e.account_id = ?", "e.kind = '" + EntryAdjustment + "'", "e.conversion_id IS NULL"}
	args := []any{accountID}
	if len(f.Statuses) > 0 {
		var sts []string
		all := false
		for _, st := range f.Statuses {
			switch st {
			case FilterAdjustment:
				all = true
			case EntryPending, EntryApproved, EntryPaid:
				sts = append(sts, st)
			}
		}
		switch {
		case !all && len(sts) == 0:
			return "", nil
		case !all:
			conds, args = append(conds, "e.status IN ?"), append(args, sts)
		}
	}
	if f.AffiliateID != 0 {
		conds, args = append(conds, "e.affiliate_id = ?"), append(args, f.AffiliateID)
	}
	conds, args = timeConds(conds, args, "e.created_at", f)
	if q := strings.TrimSpace(f.Query); q != "" {
		p := likeContains(strings.ToLower(q))
		aff, aArgs := affs.cond("e.affiliate_id")
		conds = append(conds, `(LOWER(e.note) LIKE ? ESCAPE '\'`+aff+`)`)
		args = append(append(args, p), aArgs...)
	}
	return strings.Join(conds, " AND "), args
}

func timeConds(conds []string, args []any, col string, f ConversionSearch) ([]string, []any) {
	if !f.From.IsZero() {
		conds, args = append(conds, col+" >= ?"), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, col+" < ?"), append(args, f.To.UTC())
	}
	return conds, args
}

// ConversionRefunds loads the refunds of the conversions among rows, by
// conversion id, in one query.
func (s *Store) ConversionRefunds(ctx context.Context, accountID uint64, rows []ConversionRow) (map[uint64][]Refund, error) {
	var ids []uint64
	for _, r := range rows {
		if r.Kind == RowOrder {
			ids = append(ids, r.ID)
		}
	}
	out := map[uint64][]Refund{}
	if len(ids) == 0 {
		return out, nil
	}
	var refunds []Refund
	err := s.db.WithContext(ctx).Where("account_id = ? AND conversion_id IN ?", accountID, ids).
		Order("refunded_at, id").Find(&refunds).Error
	for _, r := range refunds {
		out[*r.ConversionID] = append(out[*r.ConversionID], r)
	}
	return out, err
}
