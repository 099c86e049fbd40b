package models

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Paging of every list the ops files serve: page is 1-based, per page is
// clamped to [1, MaxPerPage] with DefaultPerPage when unset (the same rule
// as ListConversions).
const (
	DefaultPerPage = 50
	MaxPerPage     = 200
	// MaxPage is the largest page served: its offset still fits every
	// database's integer, and it is past the end of any list, so a page
	// beyond it is served as this one (empty).
	MaxPage = 1_000_000_000
)

// maxBulkAffiliates caps one bulk create (a CSV import).
const maxBulkAffiliates = 5000

// NewAffiliate is what creating an affiliate takes.
type NewAffiliate struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Notes string `json:"notes,omitempty" input:"multiline"`
}

// AffiliatePatch changes some fields of an affiliate; nil fields stay.
type AffiliatePatch struct {
	Name   *string `json:"name,omitempty"`
	Email  *string `json:"email,omitempty"`
	Status *string `json:"status,omitempty"`
	Notes  *string `json:"notes,omitempty" input:"multiline"`
}

// AffiliateFilter narrows ListAffiliates. Q matches name or email,
// case-insensitively, anywhere in the text.
type AffiliateFilter struct {
	Q       string
	Status  string
	Page    int // 1-based
	PerPage int
}

// RowError says what is wrong with one row of a bulk operation.
type RowError struct {
	Row     int    `json:"row"` // 1-based position in the input
	Message string `json:"error"`
}

// BulkError rejects a whole batch and lists every bad row. It matches
// ErrInvalid with errors.Is.
type BulkError struct {
	Rows []RowError
}

func (e *BulkError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of the rows are not valid, nothing was saved", ErrInvalid, len(e.Rows))
	for i, r := range e.Rows {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Rows)-i)
			break
		}
		fmt.Fprintf(&b, "; row %d: %s", r.Row, r.Message)
	}
	return b.String()
}

// Unwrap makes a BulkError an ErrInvalid.
func (e *BulkError) Unwrap() error { return ErrInvalid }

// listWindow turns page and per page into offset and limit.
func listWindow(page, per int) (page1, per1, offset int) {
	page = min(max(page, 1), MaxPage)
	if per <= 0 {
		per = DefaultPerPage
	}
	if per > MaxPerPage {
		per = MaxPerPage
	}
	return page, per, (page - 1) * per
}

// likeContains is a LIKE pattern (ESCAPE '\') matching s anywhere.
func likeContains(s string) string { return "%" + escapeLike(s) + "%" }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// cleanAffiliate trims and checks a new affiliate; the email is stored
// lower-cased so that uniqueness per account ignores case.
func cleanAffiliate(in NewAffiliate) (NewAffiliate, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Notes = strings.TrimSpace(in.Notes)
	if err := checkAffiliateName(in.Name); err != nil {
		return in, err
	}
	email, err := cleanEmail(in.Email)
	if err != nil {
		return in, err
	}
	in.Email = email
	if utf8.RuneCountInString(in.Notes) > 5000 {
		return in, invalidf("notes must be at most 5000 characters")
	}
	return in, nil
}

func checkAffiliateName(name string) error {
	if name == "" {
		return invalidf("name is required")
	}
	if utf8.RuneCountInString(name) > 200 {
		return invalidf("name must be at most 200 characters")
	}
	return CheckLine("name", name, 200)
}

func cleanEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", invalidf("email is required")
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || a.Address != s || len(s) > 254 || at < 0 || !strings.Contains(s[at:], ".") {
		return "", invalidf("email %q is not a valid address", s)
	}
	return s, nil
}

// emailTaken returns ErrConflict when another affiliate of the account
// already uses email.
func emailTaken(tx *gorm.DB, accountID, exceptID uint64, email string) error {
	var other []Affiliate
	err := tx.Where("account_id = ? AND email = ? AND id <> ?", accountID, email, exceptID).Limit(1).Find(&other).Error
	if err != nil {
		return err
	}
	if len(other) > 0 {
		return conflictf("email %s is already used by affiliate %d (%s)", email, other[0].ID, other[0].Name)
	}
	return nil
}

// CreateAffiliate adds an affiliate to an account. Name and a valid email
// are required; an email already used in the account is ErrConflict.
func (s *Store) CreateAffiliate(ctx context.Context, accountID uint64, in NewAffiliate) (*Affiliate, error) {
	in, err := cleanAffiliate(in)
	if err != nil {
		return nil, err
	}
	a := &Affiliate{AccountID: accountID, Name: in.Name, Email: in.Email, Notes: in.Notes, Status: AffiliateActive}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := emailTaken(tx, accountID, 0, in.Email); err != nil {
			return err
		}
		return tx.Create(a).Error
	})
	if isUniqueViolation(err) {
		return nil, conflictf("email %s is already used by another affiliate", in.Email)
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// CreateAffiliates adds many affiliates at once (a CSV import): either all
// rows are saved or none. A batch with bad rows returns a *BulkError
// listing each row's problem (1-based rows), duplicates in the batch and
// emails already used in the account included.
func (s *Store) CreateAffiliates(ctx context.Context, accountID uint64, rows []NewAffiliate) ([]Affiliate, error) {
	if len(rows) == 0 {
		return nil, invalidf("no affiliates given")
	}
	if len(rows) > maxBulkAffiliates {
		return nil, invalidf("at most %d affiliates per import, got %d", maxBulkAffiliates, len(rows))
	}
	out := make([]Affiliate, len(rows))
	var bad []RowError
	firstRow := map[string]int{}
	for i, in := range rows {
		in, err := cleanAffiliate(in)
		if err == nil && firstRow[in.Email] != 0 {
			err = conflictf("email %s is also on row %d", in.Email, firstRow[in.Email])
		}
		if err != nil {
			bad = append(bad, RowError{Row: i + 1, Message: userText(err)})
			continue
		}
		firstRow[in.Email] = i + 1
		out[i] = Affiliate{AccountID: accountID, Name: in.Name, Email: in.Email, Notes: in.Notes, Status: AffiliateActive}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		taken, err := takenEmails(tx, accountID, firstRow)
		if err != nil {
			return err
		}
		bad = append(bad, taken...)
		if len(bad) > 0 {
			slices.SortFunc(bad, func(a, b RowError) int { return a.Row - b.Row })
			return &BulkError{Rows: bad}
		}
		return tx.CreateInBatches(out, 200).Error
	})
	if isUniqueViolation(err) {
		return nil, conflictf("an email of this import was just used by another affiliate; nothing was saved")
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// takenEmails reports the rows whose email the account already uses.
func takenEmails(tx *gorm.DB, accountID uint64, rowOf map[string]int) ([]RowError, error) {
	emails := make([]string, 0, len(rowOf))
	for e := range rowOf {
		emails = append(emails, e)
	}
	var bad []RowError
	for start := 0; start < len(emails); start += 500 {
		end := min(start+500, len(emails))
		var existing []Affiliate
		err := tx.Select("id", "email").Where("account_id = ? AND email IN ?", accountID, emails[start:end]).Find(&existing).Error
		if err != nil {
			return nil, err
		}
		for _, a := range existing {
			bad = append(bad, RowError{Row: rowOf[a.Email], Message: fmt.Sprintf("email %s is already used by affiliate %d", a.Email, a.ID)})
		}
	}
	return bad, nil
}

// userText strips the sentinel prefix off a models error, leaving the part
// meant for the user.
func userText(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{ErrInvalid, ErrConflict, ErrNotFound} {
		if p := sentinel.Error() + ": "; strings.HasPrefix(msg, p) {
			return msg[len(p):]
		}
	}
	return msg
}

// GetAffiliate loads one affiliate of the account.
func (s *Store) GetAffiliate(ctx context.Context, accountID, id uint64) (*Affiliate, error) {
	var a Affiliate
	if err := first(s.db.WithContext(ctx), &a, "affiliate", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, err
	}
	return &a, nil
}

// AffiliatesByIDs loads the account's affiliates among ids, by id; ids of
// other accounts are left out.
func (s *Store) AffiliatesByIDs(ctx context.Context, accountID uint64, ids []uint64) (map[uint64]Affiliate, error) {
	out := map[uint64]Affiliate{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		var rows []Affiliate
		err := s.db.WithContext(ctx).Where("account_id = ? AND id IN ?", accountID, ids[start:end]).Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, a := range rows {
			out[a.ID] = a
		}
	}
	return out, nil
}

// UpdateAffiliate changes the fields set in p. Status is active or
// disabled; a disabled affiliate's codes stop earning commission.
func (s *Store) UpdateAffiliate(ctx context.Context, accountID, id uint64, p AffiliatePatch) (*Affiliate, error) {
	changes, err := affiliateChanges(p)
	if err != nil {
		return nil, err
	}
	var a Affiliate
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), &a, "affiliate", "id = ? AND account_id = ?", id, accountID); err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		if email, ok := changes["email"].(string); ok {
			if err := emailTaken(tx, accountID, id, email); err != nil {
				return err
			}
		}
		changes["updated_at"] = s.now()
		if err := tx.Model(&a).Updates(changes).Error; err != nil {
			return err
		}
		return tx.First(&a, a.ID).Error
	})
	if isUniqueViolation(err) {
		return nil, conflictf("email %v is already used by another affiliate", changes["email"])
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// affiliateChanges validates a patch into column updates.
func affiliateChanges(p AffiliatePatch) (map[string]any, error) {
	changes := map[string]any{}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		if err := checkAffiliateName(name); err != nil {
			return nil, err
		}
		changes["name"] = name
	}
	if p.Email != nil {
		email, err := cleanEmail(*p.Email)
		if err != nil {
			return nil, err
		}
		changes["email"] = email
	}
	if p.Status != nil {
		st := strings.ToLower(strings.TrimSpace(*p.Status))
		if st != AffiliateActive && st != AffiliateDisabled {
			return nil, invalidf("status must be %q or %q", AffiliateActive, AffiliateDisabled)
		}
		changes["status"] = st
	}
	if p.Notes != nil {
		notes := strings.TrimSpace(*p.Notes)
		if utf8.RuneCountInString(notes) > 5000 {
			return nil, invalidf("notes must be at most 5000 characters")
		}
		changes["notes"] = notes
	}
	return changes, nil
}

// DeleteAffiliate removes an affiliate that has no history: its codes
// become unassigned and its commission override goes. An affiliate with
// history (conversions, ledger entries, payouts or a linked subscription)
// is never deleted, because the ledger is append-only and must keep naming
// who earned what: it is disabled instead (it stops earning, its codes
// stay assigned) and deleted is false. The affiliate is returned as it
// was (deleted) or now is (disabled).
func (s *Store) DeleteAffiliate(ctx context.Context, accountID, id uint64) (a *Affiliate, deleted bool, err error) {
	a = &Affiliate{}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), a, "affiliate", "id = ? AND account_id = ?", id, accountID); err != nil {
			return err
		}
		used, err := affiliateHasHistory(tx, accountID, id)
		if err != nil {
			return err
		}
		if used {
			a.Status = AffiliateDisabled
			return tx.Model(a).Updates(map[string]any{"status": AffiliateDisabled, "updated_at": s.now()}).Error
		}
		deleted = true
		if err := tx.Model(&Code{}).Where("account_id = ? AND affiliate_id = ?", accountID, id).
			Updates(map[string]any{"affiliate_id": nil, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ? AND affiliate_id = ?", accountID, id).Delete(&CommissionRule{}).Error; err != nil {
			return err
		}
		return tx.Delete(a).Error
	})
	if err != nil {
		return nil, false, err
	}
	return a, deleted, nil
}

func affiliateHasHistory(tx *gorm.DB, accountID, id uint64) (bool, error) {
	for _, m := range []any{&Conversion{}, &LedgerEntry{}, &Payout{}, &Subscription{}} {
		var n int64
		if err := tx.Model(m).Where("account_id = ? AND affiliate_id = ?", accountID, id).Limit(1).Count(&n).Error; err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// ListAffiliates lists an account's affiliates, newest first, with the
// total count of those matching. The search ignores case on both databases
// (on SQLite only for ASCII letters, as its LOWER() does).
func (s *Store) ListAffiliates(ctx context.Context, accountID uint64, f AffiliateFilter) ([]Affiliate, int64, error) {
	q := s.db.WithContext(ctx).Model(&Affiliate{}).Where("account_id = ?", accountID)
	if term := strings.ToLower(strings.TrimSpace(f.Q)); term != "" {
		pat := likeContains(term)
		q = q.Where(`(LOWER(name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\')`, pat, pat)
	}
	if f.Status != "" {
		if f.Status != AffiliateActive && f.Status != AffiliateDisabled {
			return nil, 0, invalidf("status must be %q or %q", AffiliateActive, AffiliateDisabled)
		}
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	_, per, offset := listWindow(f.Page, f.PerPage)
	out := []Affiliate{}
	err := q.Order("id DESC").Offset(offset).Limit(per).Find(&out).Error
	return out, total, err
}
