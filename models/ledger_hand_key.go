// Idempotency keys of changes made by hand (adjustments, manual
// conversions): a retried request with the same key finds the change it
// already made instead of making it twice.

package models

import (
	"errors"
	"strconv"

	"gorm.io/gorm"
)

// priorHandChange returns the audit of the change by hand already made
// in the account with key, holding a lock on the key until tx ends; nil
// when the key is empty or new. A key used for another kind of change is
// ErrConflict.
func (s *Store) priorHandChange(tx *gorm.DB, accountID uint64, action, key string) (*LedgerAudit, error) {
	if key == "" {
		return nil, nil
	}
	if err := s.lockKey(tx, "hand-change", strconv.FormatUint(accountID, 10), key); err != nil {
		return nil, err
	}
	var a LedgerAudit
	err := tx.Where("account_id = ? AND idempotency_key = ?", accountID, key).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if a.Action != action {
		return nil, conflictf("idempotency_key %s was already used for another change", key)
	}
	return &a, nil
}
