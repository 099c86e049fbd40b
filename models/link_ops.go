package models

import (
	"context"
	"time"
)

// EnsureLinks returns the links of the account's codes by code id,
// making any missing one with its default slug (codes get their link
// when they are made; this covers a code made before that). A code of
// another account is left out.
func (s *Store) EnsureLinks(ctx context.Context, accountID uint64, codeIDs []uint64) (map[uint64]Link, error) {
	if len(codeIDs) == 0 {
		return map[uint64]Link{}, nil
	}
	db := s.db.WithContext(ctx)
	var codes []Code
	err := db.Select("id", "account_id", "code").Where("account_id = ? AND id IN ?", accountID, codeIDs).Find(&codes).Error
	if err != nil {
		return nil, wrapErr("ensure links", err)
	}
	out, err := codeLinksOf(db, accountID, codes)
	return out, wrapErr("ensure links", err)
}

// GetCodeLink is the link of one of the account's codes (made here for a
// code that has none); another account's code is ErrNotFound.
func (s *Store) GetCodeLink(ctx context.Context, accountID, codeID uint64) (*Link, error) {
	if _, err := s.GetCode(ctx, accountID, codeID); err != nil {
		return nil, wrapErr("get link", err)
	}
	links, err := s.EnsureLinks(ctx, accountID, []uint64{codeID})
	if err != nil {
		return nil, err
	}
	l := links[codeID]
	return &l, nil
}

// LinkUpdate is what the merchant may change of a link; nil keeps it.
type LinkUpdate struct {
	Slug        *string `json:"slug"`
	LandingPath *string `json:"landing_path"`
}

// UpdateCodeLink changes a code's link. A slug another link has (in any
// account) is ErrConflict; the old slug stops working at once.
func (s *Store) UpdateCodeLink(ctx context.Context, accountID, codeID uint64, in LinkUpdate) (*Link, error) {
	l, err := s.GetCodeLink(ctx, accountID, codeID)
	if err != nil {
		return nil, err
	}
	if in.Slug != nil {
		if l.Slug, err = CheckSlug(*in.Slug); err != nil {
			return nil, wrapErr("update link", err)
		}
	}
	if in.LandingPath != nil {
		if l.LandingPath, err = CheckLandingPath(*in.LandingPath); err != nil {
			return nil, wrapErr("update link", err)
		}
	}
	if taken, err := s.experimentSlugTaken(ctx, l.Slug); err != nil || taken {
		if err == nil {
			err = withField("slug", conflictf("the link name %q is taken by an experiment; choose another", l.Slug))
		}
		return nil, wrapErr("update link", err)
	}
	l.UpdatedAt = s.now()
	err = s.db.WithContext(ctx).Model(&Link{}).Where("id = ? AND account_id = ?", l.ID, accountID).
		Updates(map[string]any{"slug": l.Slug, "landing_path": l.LandingPath, "updated_at": l.UpdatedAt}).Error
	if isUniqueViolation(err) {
		return nil, wrapErr("update link", withField("slug", conflictf("the link name %q is taken; choose another", l.Slug)))
	}
	return l, wrapErr("update link", err)
}

// LinkTarget is what the redirect needs to know of a slug: the link, its
// code and the store the code belongs to.
type LinkTarget struct {
	LinkID      uint64
	AccountID   uint64
	CodeID      uint64
	Code        string
	LandingPath string
	Platform    string // "" when the code is tied to no store
	ExternalID  string // the shop domain, store URL or account id
	CheckoutURL string // the connection's LinkCheckout, if set
}

// linkTargetSQL selects LinkTargets; a WHERE clause follows.
const linkTargetSQL = `SELECT links.id AS link_id, links.account_id, links.code_id, codes.code,
	links.landing_path, COALESCE(connections.platform, '') AS platform, COALESCE(connections.external_id, '') AS external_id,
	COALESCE(link_checkouts.url, '') AS checkout_url
FROM links JOIN codes ON codes.id = links.code_id AND codes.account_id = links.account_id
LEFT JOIN connections ON connections.id = codes.connection_id AND connections.account_id = codes.account_id
LEFT JOIN link_checkouts ON link_checkouts.account_id = codes.account_id AND link_checkouts.connection_id = codes.connection_id
`

// ResolveLink finds the link named slug (any case), in any account; an
// unknown slug is ErrNotFound.
func (s *Store) ResolveLink(ctx context.Context, slug string) (*LinkTarget, error) {
	var t LinkTarget
	res := s.db.WithContext(ctx).Raw(linkTargetSQL+`WHERE links.slug = ?`, toLowerASCII(slug)).Scan(&t)
	if res.Error != nil {
		return nil, wrapErr("resolve link", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, wrapErr("resolve link", notFound("link"))
	}
	return &t, nil
}

// toLowerASCII lower-cases ASCII letters only (slugs are ASCII).
func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// LinkVisits is a number of counted visits to a link on a UTC day.
type LinkVisits struct {
	AccountID uint64
	LinkID    uint64
	Day       time.Time
	Visits    int64
}

// AddLinkVisits adds counted visits to the daily rollup in one statement;
// rows of one link and day are summed first.
func (s *Store) AddLinkVisits(ctx context.Context, visits []LinkVisits) error {
	type key struct {
		acct, link uint64
		day        string
	}
	sum := map[key]int64{}
	var order []key
	for _, v := range visits {
		k := key{v.AccountID, v.LinkID, visitDay(v.Day)}
		if _, ok := sum[k]; !ok {
			order = append(order, k)
		}
		sum[k] += v.Visits
	}
	if len(order) == 0 {
		return nil
	}
	rows := make([]LinkVisitDay, len(order))
	for i, k := range order {
		rows[i] = LinkVisitDay{AccountID: k.acct, Day: k.day, LinkID: k.link, Visits: sum[k]}
	}
	return wrapErr("add link visits", s.addLinkVisitRows(ctx, rows))
}
