package models

import (
	"context"
	"strings"
	"time"
)

// Sort keys of ListAffiliateRows.
const (
	SortAffiliateName    = "name"
	SortAffiliateOrders  = "orders"
	SortAffiliateSales   = "sales"
	SortAffiliateBalance = "balance" // pending + payable commission
	SortAffiliateCreated = "created"
)

// AffiliateListFilter narrows and orders ListAffiliateRows: the filter of
// ListAffiliates plus a sort key (name, orders, sales, balance or
// created; created when empty), a direction (asc or desc; desc when
// empty) and, when IDs is not empty, only those affiliates.
type AffiliateListFilter struct {
	AffiliateFilter
	Sort string
	Dir  string
	IDs  []uint64
}

// AffiliateRow is an affiliate with what the list shows beside it. Money
// is in the account's currency (Currency): Orders and Sales count its
// earning orders in that currency, neither flagged self-referrals nor
// fully refunded (as the dashboard summary counts them), Sales net of
// refunds; Pending is commission in its hold period, Payable approved
// and not yet paid. Codes are its first two active codes, oldest first,
// of CodeCount.
type AffiliateRow struct {
	Affiliate
	CodeCount int64    `json:"code_count"`
	Codes     []string `json:"codes"`
	Orders    int64    `json:"orders"`
	Sales     int64    `json:"sales"`
	Pending   int64    `json:"pending"`
	Payable   int64    `json:"payable"`
	Currency  string   `json:"currency"`
}

// affiliateRowScan is one row of affiliateListSQL.
type affiliateRowScan struct {
	ID        uint64
	AccountID uint64
	Name      string
	Email     string
	Status    string
	Notes     string
	CreatedAt time.Time
	UpdatedAt time.Time
	CodeCount int64
	Code1     *string
	Code2     *string
	Orders    int64
	Sales     int64
	Pending   int64
	Payable   int64
	Currency  string
	Total     int64
}

// maxListIDs bounds AffiliateListFilter.IDs.
const maxListIDs = 1000

// affiliateSortKeys maps a sort key to its SQL expression over the
// columns of affiliateListSQL's "agg" set.
var affiliateSortKeys = map[string]string{
	SortAffiliateName:    "LOWER(a.name)",
	SortAffiliateOrders:  "COALESCE(cv.orders, 0)",
	SortAffiliateSales:   "COALESCE(cv.sales, 0)",
	SortAffiliateBalance: "COALESCE(le.pending, 0) + COALESCE(le.payable, 0)",
	SortAffiliateCreated: "a.created_at",
}

// ListAffiliateRows lists an account's affiliates with their codes,
// orders, sales and balances, one page at a time, in one query, with
// the total count of those matching. Sorting by orders, sales or balance
// aggregates every matching affiliate; sorting by name or date
// aggregates only the page's. Ties are broken by id in the same
// direction, so pages never overlap.
func (s *Store) ListAffiliateRows(ctx context.Context, accountID uint64, f AffiliateListFilter) ([]AffiliateRow, int64, error) {
	_, per, offset := listWindow(f.Page, f.PerPage)
	sql, args, err := affiliateListSQL(accountID, f, per, offset)
	if err != nil {
		return nil, 0, err
	}
	var scanned []affiliateRowScan
	if err := s.db.WithContext(ctx).Raw(sql, args...).Scan(&scanned).Error; err != nil {
		return nil, 0, err
	}
	out := make([]AffiliateRow, len(scanned))
	var total int64
	for i, r := range scanned {
		total = r.Total
		out[i] = AffiliateRow{
			Affiliate: Affiliate{ID: r.ID, AccountID: r.AccountID, Name: r.Name, Email: r.Email, Status: r.Status,
				Notes: r.Notes, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt},
			CodeCount: r.CodeCount, Codes: []string{}, Orders: r.Orders, Sales: r.Sales,
			Pending: r.Pending, Payable: r.Payable, Currency: r.Currency,
		}
		for _, c := range []*string{r.Code1, r.Code2} {
			if c != nil {
				out[i].Codes = append(out[i].Codes, *c)
			}
		}
	}
	if len(scanned) == 0 && offset > 0 {
		// Past the end: the page has no row to carry the count.
		total, err = s.countAffiliates(ctx, accountID, f)
	}
	return out, total, err
}

// countAffiliates counts the affiliates matching f.
func (s *Store) countAffiliates(ctx context.Context, accountID uint64, f AffiliateListFilter) (int64, error) {
	where, args, err := affiliateWhere(accountID, f)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM affiliates a WHERE "+where, args...).Scan(&n).Error
	return n, err
}

// affiliateWhere is the filter of ListAffiliateRows over affiliates "a".
func affiliateWhere(accountID uint64, f AffiliateListFilter) (string, []any, error) {
	where, args := "a.account_id = ?", []any{accountID}
	if term := strings.ToLower(strings.TrimSpace(f.Q)); term != "" {
		pat := likeContains(term)
		where += ` AND (LOWER(a.name) LIKE ? ESCAPE '\' OR LOWER(a.email) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat)
	}
	if f.Status != "" {
		if f.Status != AffiliateActive && f.Status != AffiliateDisabled {
			return "", nil, withField("status", invalidf("status must be %q or %q", AffiliateActive, AffiliateDisabled))
		}
		where += " AND a.status = ?"
		args = append(args, f.Status)
	}
	if len(f.IDs) > maxListIDs {
		return "", nil, withField("ids", invalidf("at most %d affiliates at once, got %d", maxListIDs, len(f.IDs)))
	}
	if len(f.IDs) > 0 {
		where += " AND a.id IN ?"
		args = append(args, f.IDs)
	}
	return where, args, nil
}

// notEarning are the statuses left out of orders and sales: the summary
// counts neither unattributed orders, flagged self-referrals nor
// reversed ones.
const notEarning = "('" + ConversionUnattributed + "', '" + ConversionFlagged + "', '" + ConversionReversed + "')"

// accountCurrency is the account's currency, by its id.
const accountCurrency = "(SELECT currency FROM accounts WHERE id = ?)"

// affiliateAggregates are the per-affiliate sums of the list, by CTE
// name, each read from the rollup kept with every write: cv (orders and
// sales, from affiliate_sales), le (pending and payable commission, from
// affiliate_balances).
var affiliateAggregates = map[string]struct{ table, sums string }{
	"cv": {"affiliate_sales", "SUM(x.orders) AS orders, SUM(x.sales) AS sales"},
	"le": {"affiliate_balances", "SUM(x.pending) AS pending, SUM(x.payable) AS payable"},
}

// affiliateAggregate is the CTE of affiliateAggregates by name, summing
// the rollup's slots in the account's currency. It takes the account id
// twice; onPage restricts it to the page's affiliates.
func affiliateAggregate(name string, onPage bool) string {
	scope := ""
	if onPage {
		scope = " AND x.affiliate_id IN (SELECT id FROM page)"
	}
	agg := affiliateAggregates[name]
	return name + ` AS (SELECT x.affiliate_id, ` + agg.sums + `
		FROM ` + agg.table + ` x WHERE x.account_id = ?` + scope + ` AND x.currency = ` + accountCurrency + `
		GROUP BY x.affiliate_id)`
}

// affiliateSortAggregate is the aggregate a sort key orders by, or "".
var affiliateSortAggregate = map[string]string{
	SortAffiliateOrders: "cv", SortAffiliateSales: "cv", SortAffiliateBalance: "le",
}

// affiliateListSQL builds the page query. The CTE "page" picks the page's
// affiliates; the aggregate the sort orders by (if any) is computed for
// every affiliate of the account before it, the others and the codes
// after it, for the page's affiliates only.
func affiliateListSQL(accountID uint64, f AffiliateListFilter, limit, offset int) (string, []any, error) {
	key := f.Sort
	if key == "" {
		key = SortAffiliateCreated
	}
	expr, ok := affiliateSortKeys[key]
	if !ok {
		return "", nil, withField("sort", invalidf("sort must be one of name, orders, sales, balance or created, not %q", f.Sort))
	}
	dir := strings.ToUpper(f.Dir)
	if dir == "" {
		dir = "DESC"
	}
	if dir != "ASC" && dir != "DESC" {
		return "", nil, withField("dir", invalidf("dir must be asc or desc, not %q", f.Dir))
	}
	where, wargs, err := affiliateWhere(accountID, f)
	if err != nil {
		return "", nil, err
	}
	order := expr + " " + dir + ", a.id " + dir
	var ctes []string
	var args []any
	sortAgg := affiliateSortAggregate[key]
	page := `page AS (SELECT a.id, COUNT(*) OVER () AS total FROM affiliates a`
	if sortAgg != "" {
		ctes = append(ctes, affiliateAggregate(sortAgg, false))
		args = append(args, accountID, accountID)
		page += ` LEFT JOIN ` + sortAgg + ` ON ` + sortAgg + `.affiliate_id = a.id`
	}
	ctes = append(ctes, page+` WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?)`)
	args = append(append(args, wargs...), limit, offset)
	for _, agg := range []string{"cv", "le"} {
		if agg != sortAgg {
			ctes = append(ctes, affiliateAggregate(agg, true))
			args = append(args, accountID, accountID)
		}
	}
	ctes = append(ctes, `cd AS (SELECT affiliate_id, COUNT(*) AS code_count,
			MAX(CASE WHEN rn = 1 THEN code END) AS code1, MAX(CASE WHEN rn = 2 THEN code END) AS code2
		FROM (SELECT k.affiliate_id, k.code, ROW_NUMBER() OVER (PARTITION BY k.affiliate_id ORDER BY k.id) AS rn
			FROM codes k WHERE k.account_id = ? AND k.active = ? AND k.affiliate_id IN (SELECT id FROM page)) numbered
		GROUP BY affiliate_id)`)
	args = append(args, accountID, true, accountID)
	sel := `SELECT a.id, a.account_id, a.name, a.email, a.status, a.notes, a.created_at, a.updated_at,
		COALESCE(cd.code_count, 0) AS code_count, cd.code1, cd.code2,
		COALESCE(cv.orders, 0) AS orders, COALESCE(cv.sales, 0) AS sales,
		COALESCE(le.pending, 0) AS pending, COALESCE(le.payable, 0) AS payable,
		` + accountCurrency + ` AS currency, page.total
	FROM page JOIN affiliates a ON a.id = page.id
	LEFT JOIN cv ON cv.affiliate_id = a.id LEFT JOIN le ON le.affiliate_id = a.id LEFT JOIN cd ON cd.affiliate_id = a.id
	ORDER BY ` + order
	return "WITH " + strings.Join(ctes, ", ") + " " + sel, args, nil
}
