// Creating affiliates, one or a batch: names and emails are cleaned and
// checked, an email is used once per account, and a batch is saved whole
// or not at all, its bad rows reported together (BulkError).

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

// maxBulkAffiliates caps one bulk create (a CSV import).
const maxBulkAffiliates = 5000

// NewAffiliate is what creating an affiliate takes.
type NewAffiliate struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Notes string `json:"notes,omitempty" input:"multiline"`
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

// cleanAffiliate trims and checks a new affiliate; the email is stored
// lower-cased so that uniqueness per account ignores case.
func cleanAffiliate(in NewAffiliate) (NewAffiliate, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Notes = strings.TrimSpace(in.Notes)
	if err := checkAffiliateName(in.Name); err != nil {
		return in, withField("name", err)
	}
	email, err := cleanEmail(in.Email)
	if err != nil {
		return in, withField("email", err)
	}
	in.Email = email
	if utf8.RuneCountInString(in.Notes) > 5000 {
		return in, withField("notes", invalidf("notes must be at most 5000 characters"))
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
		return withField("email", conflictf("email %s is already used by affiliate %d (%s)", email, other[0].ID, other[0].Name))
	}
	return nil
}

// CreateAffiliate adds an affiliate to an account. Name and a valid email
// are required; an email already used in the account is ErrConflict.
func (s *Store) CreateAffiliate(ctx context.Context, accountID uint64, in NewAffiliate) (*Affiliate, error) {
	in, err := cleanAffiliate(in)
	if err != nil {
		return nil, fmt.Errorf("models: create affiliate: %w", err)
	}
	a := &Affiliate{AccountID: accountID, Name: in.Name, Email: in.Email, Notes: in.Notes, Status: AffiliateActive}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := emailTaken(tx, accountID, 0, in.Email); err != nil {
			return err
		}
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		return emitHooks(tx, nil, s.now(), affiliateHooks(a)...)
	})
	if isUniqueViolation(err) {
		return nil, wrapErr("create affiliate", withField("email", conflictf("email %s is already used by another affiliate", in.Email)))
	}
	if err != nil {
		return nil, fmt.Errorf("models: create affiliate: %w", err)
	}
	return a, nil
}

// CreateAffiliates adds many affiliates at once (a CSV import): either all
// rows are saved or none. A batch with bad rows returns a *BulkError
// listing each row's problem (1-based rows), duplicates in the batch and
// emails already used in the account included.
func (s *Store) CreateAffiliates(ctx context.Context, accountID uint64, rows []NewAffiliate) ([]Affiliate, error) {
	if len(rows) == 0 {
		return nil, wrapErr("create affiliates", invalidf("no affiliates given"))
	}
	if len(rows) > maxBulkAffiliates {
		return nil, wrapErr("create affiliates", invalidf("at most %d affiliates per import, got %d", maxBulkAffiliates, len(rows)))
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
		if err := tx.CreateInBatches(out, 200).Error; err != nil {
			return err
		}
		affs := make([]*Affiliate, len(out))
		for i := range out {
			affs[i] = &out[i]
		}
		return emitHooks(tx, nil, s.now(), affiliateHooks(affs...)...)
	})
	if isUniqueViolation(err) {
		return nil, wrapErr("create affiliates", conflictf("an email of this import was just used by another affiliate; nothing was saved"))
	}
	if err != nil {
		return nil, fmt.Errorf("models: create affiliates: %w", err)
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
