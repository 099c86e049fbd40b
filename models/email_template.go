// Email templates: the built-in template of each email kind, the
// merchant's saved override of it, and rendering either for a preview.

package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/models/emailtmpl"
)

// storedTemplate is the template an account's emails of one kind use.
type storedTemplate struct {
	draft  emailtmpl.Draft
	legacy *emailtmpl.Source // a template saved in the older format
	custom bool
}

func builtIn(kind string) storedTemplate {
	d, _ := emailtmpl.DefaultDraft(kind)
	return storedTemplate{draft: d}
}

func (t storedTemplate) render(kind string, data any) (emailtmpl.Message, error) {
	if t.legacy != nil {
		return emailtmpl.Render(*t.legacy, data)
	}
	return emailtmpl.Compose(kind, t.draft, data)
}

// templateSource returns the account's template of kind, or the built-in one.
func templateSource(db *gorm.DB, accountID uint64, kind string) (storedTemplate, error) {
	if !emailtmpl.Valid(kind) {
		return storedTemplate{}, notFound("email kind " + strconv.Quote(kind))
	}
	var rows []EmailTemplate
	if err := db.Where("account_id = ? AND kind = ?", accountID, kind).Limit(1).Find(&rows).Error; err != nil {
		return storedTemplate{}, err
	}
	if len(rows) == 0 {
		return builtIn(kind), nil
	}
	r := rows[0]
	if r.Body == "" {
		return storedTemplate{legacy: &emailtmpl.Source{Subject: r.Subject, HTML: r.HTML, Text: r.Text}, custom: true}, nil
	}
	return storedTemplate{draft: emailtmpl.Draft{Subject: r.Subject, Body: r.Body}, custom: true}, nil
}

// EmailTemplateView is one kind's template as the settings show it:
// subject and body with merge tags, the tags it may use, whether it is
// the merchant's own. Legacy says the merchant's own template is one saved
// in the older format: it is still used, but not shown for editing; the
// view then holds the built-in template, which saving replaces it with.
type EmailTemplateView struct {
	Kind string `json:"kind"`
	emailtmpl.Draft
	Custom bool            `json:"custom"`
	Legacy bool            `json:"legacy"`
	Tags   []emailtmpl.Tag `json:"tags"`
}

// GetEmailTemplate returns the template an account's emails of kind use.
func (s *Store) GetEmailTemplate(ctx context.Context, accountID uint64, kind string) (*EmailTemplateView, error) {
	t, err := templateSource(s.db.WithContext(ctx), accountID, kind)
	if err != nil {
		return nil, fmt.Errorf("models: get email template: %w", err)
	}
	tags, _ := emailtmpl.Tags(kind)
	v := &EmailTemplateView{Kind: kind, Draft: t.draft, Custom: t.custom, Tags: tags}
	if t.legacy != nil {
		v.Draft, v.Legacy = builtIn(kind).draft, true
	}
	return v, nil
}

// templateInvalid turns a template's error into ErrInvalid, naming its
// field when it has one.
func templateInvalid(err error) error {
	var fe *emailtmpl.FieldError
	if errors.As(err, &fe) {
		return &FieldError{Field: fe.Field, Err: invalidf("%s", fe.Message)}
	}
	return invalidf("%s", strings.TrimPrefix(err.Error(), emailtmpl.ErrTemplate.Error()+": "))
}

// SaveEmailTemplate replaces an account's template of kind. A template
// that does not check (an unknown tag, a missing part) is a FieldError.
func (s *Store) SaveEmailTemplate(ctx context.Context, accountID uint64, kind string, d emailtmpl.Draft) (*EmailTemplateView, error) {
	if !emailtmpl.Valid(kind) {
		return nil, wrapErr("save email template", notFound("email kind "+strconv.Quote(kind)))
	}
	if err := emailtmpl.CheckDraft(kind, d); err != nil {
		return nil, wrapErr("save email template", templateInvalid(err))
	}
	row := EmailTemplate{AccountID: accountID, Kind: kind, Subject: d.Subject, Body: d.Body, UpdatedAt: s.now()}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "kind"}},
		DoUpdates: clause.AssignmentColumns([]string{"subject", "body", "html", "text", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return nil, fmt.Errorf("models: save email template: %w", err)
	}
	return s.GetEmailTemplate(ctx, accountID, kind)
}

// ResetEmailTemplate drops an account's own template of kind.
func (s *Store) ResetEmailTemplate(ctx context.Context, accountID uint64, kind string) (*EmailTemplateView, error) {
	if !emailtmpl.Valid(kind) {
		return nil, wrapErr("reset email template", notFound("email kind "+strconv.Quote(kind)))
	}
	if err := s.db.WithContext(ctx).Where("account_id = ? AND kind = ?", accountID, kind).Delete(&EmailTemplate{}).Error; err != nil {
		return nil, fmt.Errorf("models: reset email template: %w", err)
	}
	return s.GetEmailTemplate(ctx, accountID, kind)
}

// PreviewEmailTemplate renders d (or, when nil, the account's current
// template) of kind with sample data and the account's branding.
func (s *Store) PreviewEmailTemplate(ctx context.Context, accountID uint64, kind string, d *emailtmpl.Draft) (emailtmpl.Message, error) {
	db := s.db.WithContext(ctx)
	t, err := templateSource(db, accountID, kind)
	if err != nil {
		return emailtmpl.Message{}, fmt.Errorf("models: preview email template: %w", err)
	}
	if d != nil {
		t = storedTemplate{draft: *d}
		if err := emailtmpl.CheckDraft(kind, *d); err != nil {
			return emailtmpl.Message{}, wrapErr("preview email template", templateInvalid(err))
		}
	}
	set, err := emailSettings(db, accountID)
	if err != nil {
		return emailtmpl.Message{}, fmt.Errorf("models: preview email template: %w", err)
	}
	var acct Account
	if err := first(db, &acct, "account", accountID); err != nil {
		return emailtmpl.Message{}, fmt.Errorf("models: preview email template: %w", err)
	}
	data, _ := emailtmpl.Sample(kind)
	return t.render(kind, withProgram(data, program(&acct, set)))
}
