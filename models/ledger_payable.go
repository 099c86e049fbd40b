// When held commission becomes payable: the next hold to end, per balance
// and across all accounts (the approval job schedules its next run then).

package models

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"time"
)

// dbTime scans a timestamp computed by the database (MIN over a column):
// PostgreSQL returns a time, SQLite the stored text.
type dbTime struct{ time.Time }

// Value implements driver.Valuer, which GORM asks of a scanned type.
func (t dbTime) Value() (driver.Value, error) { return t.Time, nil }

// sqliteTimeLayouts are the forms the SQLite driver stores times in.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		t.Time = x.UTC()
		return nil
	case []byte:
		return t.parse(string(x))
	case string:
		return t.parse(x)
	}
	return fmt.Errorf("models: cannot read %T as a time", v)
}

func (t *dbTime) parse(s string) error {
	for _, layout := range sqliteTimeLayouts {
		if p, err := time.Parse(layout, s); err == nil {
			t.Time = p.UTC()
			return nil
		}
	}
	return fmt.Errorf("models: cannot read %q as a time", s)
}

// fillNextPayable sets, on each balance with commission on hold, when the
// earliest of it becomes payable (its hold ends).
func (s *Store) fillNextPayable(ctx context.Context, accountID, affiliateID uint64, out []*Balance) error {
	type row struct {
		AffiliateID uint64
		Currency    string
		Next        dbTime
	}
	q := s.db.WithContext(ctx).Model(&LedgerEntry{}).
		Select("affiliate_id, currency, MIN(available_at) AS next").
		Where("account_id = ? AND status = ? AND kind = ? AND amount > 0", accountID, EntryPending, EntryAccrual)
	if affiliateID != 0 {
		q = q.Where("affiliate_id = ?", affiliateID)
	}
	var rows []row
	if err := q.Group("affiliate_id, currency").Scan(&rows).Error; err != nil {
		return err
	}
	next := map[string]time.Time{}
	for _, r := range rows {
		next[strconv.FormatUint(r.AffiliateID, 10)+"/"+r.Currency] = r.Next.Time
	}
	for _, b := range out {
		if at, ok := next[strconv.FormatUint(b.AffiliateID, 10)+"/"+b.Currency]; ok && b.Pending > 0 && !at.IsZero() {
			b.NextPayableAt = &at
		}
	}
	return nil
}

// NextApproval is when the next commission on hold becomes payable, in
// any account: the earliest hold ending after now; zero when none does.
func (s *Store) NextApproval(ctx context.Context) (time.Time, error) {
	var next dbTime
	err := s.db.WithContext(ctx).Model(&LedgerEntry{}).Select("MIN(available_at)").
		Where("status = ? AND available_at > ?", EntryPending, s.now()).Row().Scan(&next)
	return next.Time, wrapErr("next approval", err)
}
