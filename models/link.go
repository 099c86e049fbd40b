package models

import (
	"strings"
	"time"
)

// Link is a code's tracked link, APP_URL/r/{Slug}: a visit is counted,
// then sent to the platform's own way of applying the code. Every code
// has at most one. Slugs are unique across all accounts, because the
// link's address names no account; they are lower case.
type Link struct {
	ID        uint64 `gorm:"primaryKey" json:"id"`
	AccountID uint64 `gorm:"not null;index" json:"account_id"`
	CodeID    uint64 `gorm:"not null;uniqueIndex:idx_link_code" json:"code_id"`
	Slug      string `gorm:"size:64;not null;uniqueIndex:idx_link_slug" json:"slug"`
	// LandingPath is where on the store the visitor lands ("/products/x");
	// empty is the store's home page.
	LandingPath string    `gorm:"size:512;not null;default:''" json:"landing_path"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// LinkVisitDay counts a link's visits per UTC day (YYYY-MM-DD): the
// redirect adds to it in batches, and reports read whole days from it.
type LinkVisitDay struct {
	AccountID uint64 `gorm:"primaryKey;autoIncrement:false"`
	Day       string `gorm:"primaryKey;size:10"`
	LinkID    uint64 `gorm:"primaryKey;autoIncrement:false"`
	Visits    int64  `gorm:"not null;default:0"`
	// Total is the link's visits from its first day through this one, so
	// that a range's visits are two lookups a link, whatever its length
	// (see link_visit_totals.go). NULL only in rows older than the column,
	// until the migration fills them.
	Total *int64
}

// LinkCheckout is the checkout page a connection's links send visitors
// to, for platforms without a store of their own: a Stripe Payment Link,
// a Paddle hosted checkout or a page opening Paddle.js.
type LinkCheckout struct {
	AccountID    uint64    `gorm:"primaryKey;autoIncrement:false" json:"account_id"`
	ConnectionID uint64    `gorm:"primaryKey;autoIncrement:false" json:"connection_id"`
	URL          string    `gorm:"size:1024;not null" json:"url"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// LinkModels are the tables of tracked links, for the migration list.
func LinkModels() []any { return []any{&Link{}, &LinkVisitDay{}, &LinkCheckout{}} }

// LinkURL is the address of the link named slug: APP_URL/r/{slug}.
func LinkURL(appURL, slug string) string { return strings.TrimRight(appURL, "/") + "/r/" + slug }

// maxSlug is the longest slug.
const maxSlug = 64

// DefaultSlug is a code's slug before the merchant edits it: the code in
// lower case, every run of characters other than letters, digits, '-'
// and '_' made one '-'.
func DefaultSlug(code string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(code)) {
		if slugRune(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > maxSlug-4 { // room for a "-NNN" suffix
		s = strings.TrimRight(s[:maxSlug-4], "-")
	}
	if s == "" {
		s = "link"
	}
	return s
}

func slugRune(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_'
}

// CheckSlug validates a slug the merchant typed, lower-cased.
func CheckSlug(slug string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(slug))
	if s == "" || len(s) > maxSlug {
		return "", withField("slug", invalidf("a link's name is 1 to %d characters", maxSlug))
	}
	for _, r := range s {
		if !slugRune(r) {
			return "", withField("slug", invalidf("a link's name uses letters, digits, '-' and '_' only"))
		}
	}
	return s, nil
}

// CheckLandingPath validates a landing path: empty, or a path on the
// store starting with one '/', without control characters.
func CheckLandingPath(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return "", nil
	}
	bad := len(p) > 512 || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\")
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == ' ' {
			bad = true
		}
	}
	if bad {
		return "", withField("landing_path", invalidf("a landing path is a path on the store, like /products/hat (up to 512 characters, no spaces)"))
	}
	return p, nil
}
