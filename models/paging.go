package models

// Paging of every list: page is 1-based and at most MaxPage, per page is
// DefaultPerPage when unset and at most MaxPerPage.
const (
	DefaultPerPage = 50
	MaxPerPage     = 200
	// MaxPage is the largest page served: its offset still fits every
	// database's integer, and it is past the end of any list, so a page
	// beyond it is served as this one (empty).
	MaxPage = 1_000_000_000
)

// ClampPaging applies the paging rule to a requested page and per page (0
// or less: unset).
func ClampPaging(page, per int) (int, int) {
	page = min(max(page, 1), MaxPage)
	if per <= 0 {
		per = DefaultPerPage
	}
	return page, min(per, MaxPerPage)
}

// listWindow is ClampPaging with the offset of the page's first row.
func listWindow(page, per int) (page1, per1, offset int) {
	page, per = ClampPaging(page, per)
	return page, per, (page - 1) * per
}
