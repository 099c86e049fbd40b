package models

import (
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
)

// migratePayoutMethods names the method of payout details saved before
// methods had a column: PayPal stays PayPal, "bank" becomes manual, and
// the details are sealed again under the new name. Rows already named are
// left alone, so running it again changes nothing. Without a cipher
// (a store opened only to migrate) there is nothing it can open.
func (s *Store) migratePayoutMethods(tx *gorm.DB) error {
	if s.cipher == nil {
		return nil
	}
	var rows []PayoutDetails
	if err := tx.Where("method = ''").Find(&rows).Error; err != nil {
		return err
	}
	for _, row := range rows {
		sec, err := s.openPayout(row.Sealed)
		if err != nil {
			return fmt.Errorf("payout details of affiliate %d: %w", row.AffiliateID, err)
		}
		plain, err := json.Marshal(sec)
		if err != nil {
			return err
		}
		sealed, err := s.cipher.Encrypt(plain)
		if err != nil {
			return err
		}
		updatedBy := row.UpdatedBy
		if updatedBy == "" {
			updatedBy = ActorAffiliate
		}
		err = tx.Model(&PayoutDetails{}).Where("id = ?", row.ID).
			Updates(map[string]any{"sealed": sealed, "method": sec.Method, "updated_by": updatedBy}).Error
		if err != nil {
			return err
		}
	}
	return nil
}
