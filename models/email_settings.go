// The account's email settings: which emails go out on their own, and the
// reply-to address they carry.

package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// EmailSettings are an account's email choices. An account without a row
// has DefaultEmailSettings.
type EmailSettings struct {
	AccountID        uint64 `gorm:"primaryKey;autoIncrement:false" json:"-"`
	AssignmentEmails bool   `gorm:"not null" json:"assignment_emails"` // email affiliates their new codes
	ReversalNotices  bool   `gorm:"not null" json:"reversal_notices"`  // email when a commission is reversed
	Summaries        bool   `gorm:"not null" json:"summaries"`         // monthly earnings summary
	SummaryDay       int    `gorm:"not null" json:"summary_day"`       // day of month it goes out, 1 to 28
	SiteURL          string `json:"site_url"`                          // the shop's site, linked when a code has no shareable link
	EmailBranding
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultEmailSettings: every email on, summaries on the 1st.
func DefaultEmailSettings(accountID uint64) EmailSettings {
	return EmailSettings{AccountID: accountID, AssignmentEmails: true, ReversalNotices: true, Summaries: true, SummaryDay: 1}
}

// EmailSettingsPatch changes some email settings; nil fields stay.
type EmailSettingsPatch struct {
	AssignmentEmails *bool   `json:"assignment_emails"`
	ReversalNotices  *bool   `json:"reversal_notices"`
	Summaries        *bool   `json:"summaries"`
	SummaryDay       *int    `json:"summary_day"`
	SiteURL          *string `json:"site_url"`
	BrandingPatch
}

// GetEmailSettings returns an account's email settings.
func (s *Store) GetEmailSettings(ctx context.Context, accountID uint64) (*EmailSettings, error) {
	return emailSettings(s.db.WithContext(ctx), accountID)
}

func emailSettings(db *gorm.DB, accountID uint64) (*EmailSettings, error) {
	var rows []EmailSettings
	if err := db.Where("account_id = ?", accountID).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 1 {
		return &rows[0], nil
	}
	def := DefaultEmailSettings(accountID)
	return &def, nil
}

// UpdateEmailSettings saves the fields set in p.
func (s *Store) UpdateEmailSettings(ctx context.Context, accountID uint64, p EmailSettingsPatch) (*EmailSettings, error) {
	set, err := s.GetEmailSettings(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("models: update email settings: %w", err)
	}
	setBool(&set.AssignmentEmails, p.AssignmentEmails)
	setBool(&set.ReversalNotices, p.ReversalNotices)
	setBool(&set.Summaries, p.Summaries)
	if p.SummaryDay != nil {
		if *p.SummaryDay < 1 || *p.SummaryDay > 28 {
			return nil, wrapErr("update email settings", invalidf("summary_day must be a day of the month from 1 to 28"))
		}
		set.SummaryDay = *p.SummaryDay
	}
	if p.SiteURL != nil {
		site := strings.TrimRight(strings.TrimSpace(*p.SiteURL), "/")
		if err := validSiteURL(site); err != nil {
			return nil, wrapErr("update email settings", err)
		}
		set.SiteURL = site
	}
	if err := p.BrandingPatch.apply(&set.EmailBranding); err != nil {
		return nil, fmt.Errorf("models: update email settings: %w", err)
	}
	set.UpdatedAt = s.now()
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "account_id"}}, UpdateAll: true}).
		Create(set).Error
	if err != nil {
		return set, fmt.Errorf("models: update email settings: %w", err)
	}
	return set, nil
}

func setBool(dst, src *bool) {
	if src != nil {
		*dst = *src
	}
}
