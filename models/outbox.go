package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/models/emailtmpl"
	"codecredit/platforms"
)

// Outbox email statuses. An email is written as queued, then the send job
// moves it to sent, or back to queued after a failed try, or to failed
// once it gives up. With no SMTP server configured it is held: kept for
// the admin to read and resend.
const (
	EmailQueued  = "queued"
	EmailSending = "sending" // a worker is sending it (until its lease ends)
	EmailSent    = "sent"
	EmailFailed  = "failed"
	EmailHeld    = "held"
)

// OutboxEmail is one email to an affiliate, written before it is sent.
// DedupKey makes each email happen at most once per account: one per
// affiliate per assignment call, per refund, per summary period.
type OutboxEmail struct {
	ID          uint64     `gorm:"primaryKey" json:"id"`
	AccountID   uint64     `gorm:"not null;uniqueIndex:idx_outbox_dedup;index:idx_outbox_account" json:"account_id"`
	AffiliateID *uint64    `gorm:"index" json:"affiliate_id,omitempty"`
	Kind        string     `gorm:"size:32;not null" json:"kind"`
	To          string     `gorm:"column:to_address;not null" json:"to"`
	ToName      string     `json:"to_name,omitempty"`
	FromName    string     `json:"from_name,omitempty"`
	ReplyTo     string     `json:"reply_to,omitempty"`
	Subject     string     `gorm:"not null" json:"subject"`
	HTML        string     `gorm:"not null" json:"html"`
	Text        string     `gorm:"not null" json:"text"`
	Status      string     `gorm:"size:16;not null;index:idx_outbox_status" json:"status"`
	Attempts    int        `gorm:"not null;default:0" json:"attempts"`
	LastError   string     `json:"last_error,omitempty"`
	DedupKey    string     `gorm:"size:200;not null;uniqueIndex:idx_outbox_dedup" json:"-"`
	LockedUntil *time.Time `json:"-"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `gorm:"index:idx_outbox_status" json:"updated_at"`
}

// EmailTemplate is a merchant's own templates for one kind of email; a
// kind without a row uses the built-in templates.
type EmailTemplate struct {
	ID        uint64    `gorm:"primaryKey" json:"-"`
	AccountID uint64    `gorm:"not null;uniqueIndex:idx_email_template" json:"-"`
	Kind      string    `gorm:"size:32;not null;uniqueIndex:idx_email_template" json:"kind"`
	Subject   string    `gorm:"not null" json:"subject"`
	HTML      string    `gorm:"not null" json:"html"`
	Text      string    `gorm:"not null" json:"text"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EmailModels lists the tables of the outbox and of signing in by email:
// the affiliate portal's links and sessions, the merchants' sessions.
func EmailModels() []any {
	return []any{&OutboxEmail{}, &EmailTemplate{}, &EmailSettings{}, &PortalToken{}, &PortalSession{}, &MerchantSession{}}
}

// newEmail is an email about to be written to the outbox.
type newEmail struct {
	account  *Account
	to       *Affiliate
	kind     string
	dedupKey string
	data     any
}

// writeEmail renders e with the account's templates and writes it as
// queued. It returns the new id, or 0 when its dedup key was already used.
// A merchant's template that fails on this data falls back to the
// built-in one, and the email says so in LastError.
func writeEmail(tx *gorm.DB, e newEmail) (uint64, error) {
	src, custom, err := templateSource(tx, e.account.ID, e.kind)
	if err != nil {
		return 0, err
	}
	msg, err := emailtmpl.Render(src, e.data)
	note := ""
	if err != nil && custom {
		note = "the shop's template failed (" + err.Error() + "); sent with the built-in one"
		src, _ = emailtmpl.Default(e.kind)
		msg, err = emailtmpl.Render(src, e.data)
	}
	if err != nil {
		return 0, fmt.Errorf("models: render %s email: %w", e.kind, err)
	}
	row := OutboxEmail{AccountID: e.account.ID, AffiliateID: &e.to.ID, Kind: e.kind, To: e.to.Email,
		ToName: e.to.Name, FromName: e.account.Name, ReplyTo: replyTo(e.account), Subject: msg.Subject,
		HTML: msg.HTML, Text: msg.Text, Status: EmailQueued, LastError: note, DedupKey: e.dedupKey}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, res.Error
	}
	return row.ID, nil
}

// replyTo is the merchant's address, so affiliates' replies reach them.
func replyTo(a *Account) string {
	if addr, err := mail.ParseAddress(a.Email); err == nil {
		return addr.Address
	}
	return ""
}

// templateSource returns the account's templates of kind, or the built-in ones.
func templateSource(db *gorm.DB, accountID uint64, kind string) (src emailtmpl.Source, custom bool, err error) {
	var rows []EmailTemplate
	if err := db.Where("account_id = ? AND kind = ?", accountID, kind).Limit(1).Find(&rows).Error; err != nil {
		return src, false, err
	}
	if len(rows) == 1 {
		return emailtmpl.Source{Subject: rows[0].Subject, HTML: rows[0].HTML, Text: rows[0].Text}, true, nil
	}
	src, err = emailtmpl.Default(kind)
	return src, false, err
}

// QueueAssignmentEmails writes one code-assignment email per affiliate
// holding some of codeIDs (active codes of the account, assigned to an
// active affiliate), listing all of that affiliate's codes among them, and
// returns the ids to send. Call it after assigning, creating or generating
// codes: a bulk assignment of many codes to one affiliate is one email.
// Calling it again for the same, unchanged codes writes nothing; an
// account that turned assignment emails off gets none. appURL is APP_URL,
// where the portal link points.
func (s *Store) QueueAssignmentEmails(ctx context.Context, accountID uint64, codeIDs []uint64, appURL string) ([]uint64, error) {
	if len(codeIDs) == 0 {
		return nil, nil
	}
	set, err := s.GetEmailSettings(ctx, accountID)
	if err != nil || !set.AssignmentEmails {
		return nil, err
	}
	var codes []Code
	err = s.db.WithContext(ctx).Where("account_id = ? AND id IN ? AND affiliate_id IS NOT NULL AND active = ?",
		accountID, codeIDs, true).Order("id").Find(&codes).Error
	if err != nil {
		return nil, err
	}
	byAff := map[uint64][]Code{}
	for _, c := range codes {
		byAff[*c.AffiliateID] = append(byAff[*c.AffiliateID], c)
	}
	return s.queueCodeEmails(ctx, accountID, byAff, set, appURL, func(codes []Code) string {
		h := sha256.New()
		for _, c := range codes {
			fmt.Fprintf(h, "%d@%d;", c.ID, c.UpdatedAt.UnixNano())
		}
		return hex.EncodeToString(h.Sum(nil))[:32]
	})
}

// QueueAffiliateCodesEmail writes a code-assignment email listing all of
// an affiliate's active codes, whatever the account's settings: the
// merchant asked to send it. It returns the id to send.
func (s *Store) QueueAffiliateCodesEmail(ctx context.Context, accountID, affiliateID uint64, appURL string) (uint64, error) {
	aff, err := s.GetAffiliate(ctx, accountID, affiliateID)
	if err != nil {
		return 0, err
	}
	if aff.Status != AffiliateActive {
		return 0, invalidf("affiliate %d (%s) is disabled; enable it before sending it codes", aff.ID, aff.Name)
	}
	set, err := s.GetEmailSettings(ctx, accountID)
	if err != nil {
		return 0, err
	}
	var codes []Code
	err = s.db.WithContext(ctx).Where("account_id = ? AND affiliate_id = ? AND active = ?", accountID, aff.ID, true).
		Order("id").Find(&codes).Error
	if err != nil {
		return 0, err
	}
	if len(codes) == 0 {
		return 0, invalidf("affiliate %d (%s) has no active code to send", aff.ID, aff.Name)
	}
	stamp := strconv.FormatInt(s.now().UnixNano(), 36)
	ids, err := s.queueCodeEmails(ctx, accountID, map[uint64][]Code{aff.ID: codes}, set, appURL,
		func([]Code) string { return "resend-" + stamp })
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// queueCodeEmails writes one assignment email per active affiliate of
// byAff, keyed by key(codes).
func (s *Store) queueCodeEmails(ctx context.Context, accountID uint64, byAff map[uint64][]Code, set *EmailSettings,
	appURL string, key func([]Code) string) ([]uint64, error) {
	var ids []uint64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		ids = ids[:0]
		acct, links, err := linkContext(tx, accountID, set)
		if err != nil {
			return err
		}
		affIDs := make([]uint64, 0, len(byAff))
		for id := range byAff {
			affIDs = append(affIDs, id)
		}
		slices.Sort(affIDs)
		var affs []Affiliate
		if err := tx.Where("account_id = ? AND id IN ? AND status = ?", accountID, affIDs, AffiliateActive).
			Order("id").Find(&affs).Error; err != nil {
			return err
		}
		for i := range affs {
			data, err := assignmentData(tx, acct, &affs[i], byAff[affs[i].ID], links, appURL)
			if err != nil {
				return err
			}
			id, err := writeEmail(tx, newEmail{account: acct, to: &affs[i], kind: emailtmpl.KindCodeAssignment,
				dedupKey: "codes:" + strconv.FormatUint(affs[i].ID, 10) + ":" + key(byAff[affs[i].ID]), data: data})
			if err != nil {
				return err
			}
			if id != 0 {
				ids = append(ids, id)
			}
		}
		return nil
	})
	return ids, err
}

// codeLinks knows where an account's codes are shared: its stores, the
// store new codes go to, and the merchant's site.
type codeLinks struct {
	conns   map[uint64]Connection
	primary Connection
	site    string
}

// linkContext loads the account and what its codes' links need.
func linkContext(tx *gorm.DB, accountID uint64, set *EmailSettings) (*Account, *codeLinks, error) {
	var acct Account
	if err := first(tx, &acct, "account", accountID); err != nil {
		return nil, nil, err
	}
	var conns []Connection
	if err := tx.Where("account_id = ?", accountID).Order("id").Find(&conns).Error; err != nil {
		return nil, nil, err
	}
	l := &codeLinks{conns: map[uint64]Connection{}, site: set.SiteURL}
	for _, c := range conns {
		l.conns[c.ID] = c
		if l.primary.ID == 0 && c.Status == ConnectionActive && c.Platform != platforms.API {
			l.primary = c
		}
	}
	return &acct, l, nil
}

// code is how an affiliate sees one code: its discount and its link. A
// code not on a store yet is shared through the store it will be pushed to.
func (l *codeLinks) code(c Code) emailtmpl.Code {
	conn, ok := l.conns[c.ConnectionID]
	if !ok {
		conn = l.primary
	}
	link, auto := emailtmpl.ShareLink(conn.Platform, conn.ExternalID, l.site, c.Code)
	return emailtmpl.Code{Code: c.Code, Link: link, AutoApply: auto,
		Discount: emailtmpl.DiscountText(c.DiscountType, c.DiscountValue, moneyText(c.DiscountValue, c.Currency))}
}

// assignmentData is what a code-assignment email shows.
func assignmentData(tx *gorm.DB, acct *Account, aff *Affiliate, codes []Code, links *codeLinks, appURL string) (emailtmpl.Assignment, error) {
	rule, err := affiliateRule(tx, acct, aff.ID)
	if err != nil {
		return emailtmpl.Assignment{}, err
	}
	d := emailtmpl.Assignment{Program: program(acct, links.site), Affiliate: person(aff),
		Commission: CommissionTerms(rule), PortalURL: PortalURL(appURL)}
	for _, c := range codes {
		d.Codes = append(d.Codes, links.code(c))
	}
	return d, nil
}

// affiliateRule is the rule the affiliate earns under.
func affiliateRule(tx *gorm.DB, acct *Account, affiliateID uint64) (*CommissionRule, error) {
	for _, id := range []uint64{affiliateID, 0} {
		r, found, err := findCommissionRule(tx, acct.ID, id)
		if err != nil || found {
			return r, err
		}
	}
	def := DefaultCommissionRule(acct.ID, acct.Currency)
	return &def, nil
}

// CommissionTerms says in words what a rule pays.
func CommissionTerms(r *CommissionRule) string {
	var b strings.Builder
	if r.Kind == CommissionFlat {
		b.WriteString(moneyText(r.FlatAmount, r.Currency) + " per order")
	} else {
		b.WriteString(emailtmpl.Percent(r.BasisPoints) + " of each order's subtotal (after discounts, before tax and shipping)")
	}
	switch {
	case r.RecurringMonths == nil:
		b.WriteString("; subscription renewals earn too, for as long as the subscription lasts")
	case *r.RecurringMonths > 0:
		fmt.Fprintf(&b, "; subscription renewals earn too, for %d months", *r.RecurringMonths)
	}
	if r.HoldDays > 0 {
		fmt.Fprintf(&b, "; payable %d days after the order, once it can no longer be refunded", r.HoldDays)
	}
	return b.String()
}

func program(a *Account, site string) emailtmpl.Program {
	return emailtmpl.Program{Name: a.Name, SiteURL: site}
}

func person(a *Affiliate) emailtmpl.Person { return emailtmpl.Person{Name: a.Name, Email: a.Email} }

// moneyText writes an amount with its currency: "12.34 USD".
func moneyText(amount int64, currency string) string {
	return FormatMinor(amount, currency) + " " + currency
}

// PortalURL is the affiliate portal's address under appURL (APP_URL).
func PortalURL(appURL string) string {
	return strings.TrimRight(appURL, "/") + "/portal/"
}

// validSiteURL accepts an empty value or an absolute http(s) URL.
func validSiteURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 500 {
		return invalidf("site_url must be an absolute http(s) URL such as https://shop.example, got %q", s)
	}
	return nil
}

// EmailSettings are an account's email choices. An account without a row
// has DefaultEmailSettings.
type EmailSettings struct {
	AccountID        uint64    `gorm:"primaryKey;autoIncrement:false" json:"-"`
	AssignmentEmails bool      `gorm:"not null" json:"assignment_emails"` // email affiliates their new codes
	ReversalNotices  bool      `gorm:"not null" json:"reversal_notices"`  // email when a commission is reversed
	Summaries        bool      `gorm:"not null" json:"summaries"`         // monthly earnings summary
	SummaryDay       int       `gorm:"not null" json:"summary_day"`       // day of month it goes out, 1 to 28
	SiteURL          string    `json:"site_url"`                          // the shop's site, linked when a code has no shareable link
	UpdatedAt        time.Time `json:"updated_at"`
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
		return nil, err
	}
	setBool(&set.AssignmentEmails, p.AssignmentEmails)
	setBool(&set.ReversalNotices, p.ReversalNotices)
	setBool(&set.Summaries, p.Summaries)
	if p.SummaryDay != nil {
		if *p.SummaryDay < 1 || *p.SummaryDay > 28 {
			return nil, invalidf("summary_day must be a day of the month from 1 to 28")
		}
		set.SummaryDay = *p.SummaryDay
	}
	if p.SiteURL != nil {
		site := strings.TrimRight(strings.TrimSpace(*p.SiteURL), "/")
		if err := validSiteURL(site); err != nil {
			return nil, err
		}
		set.SiteURL = site
	}
	set.UpdatedAt = s.now()
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "account_id"}}, UpdateAll: true}).
		Create(set).Error
	return set, err
}

func setBool(dst, src *bool) {
	if src != nil {
		*dst = *src
	}
}

// EmailTemplateView is one kind's templates as the settings show them;
// Custom says whether they are the merchant's own.
type EmailTemplateView struct {
	Kind string `json:"kind"`
	emailtmpl.Source
	Custom bool `json:"custom"`
}

// GetEmailTemplate returns the templates an account's emails of kind use.
func (s *Store) GetEmailTemplate(ctx context.Context, accountID uint64, kind string) (*EmailTemplateView, error) {
	if !emailtmpl.Valid(kind) {
		return nil, notFound("email kind " + strconv.Quote(kind))
	}
	src, custom, err := templateSource(s.db.WithContext(ctx), accountID, kind)
	if err != nil {
		return nil, err
	}
	return &EmailTemplateView{Kind: kind, Source: src, Custom: custom}, nil
}

// SaveEmailTemplate replaces an account's templates of kind. Templates
// that do not parse or do not render with sample data are ErrInvalid,
// with the template error.
func (s *Store) SaveEmailTemplate(ctx context.Context, accountID uint64, kind string, src emailtmpl.Source) (*EmailTemplateView, error) {
	if !emailtmpl.Valid(kind) {
		return nil, notFound("email kind " + strconv.Quote(kind))
	}
	if err := emailtmpl.Check(kind, src); err != nil {
		return nil, invalidf("%s", strings.TrimPrefix(err.Error(), emailtmpl.ErrTemplate.Error()+": "))
	}
	row := EmailTemplate{AccountID: accountID, Kind: kind, Subject: src.Subject, HTML: src.HTML, Text: src.Text, UpdatedAt: s.now()}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "kind"}},
		DoUpdates: clause.AssignmentColumns([]string{"subject", "html", "text", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return nil, err
	}
	return &EmailTemplateView{Kind: kind, Source: src, Custom: true}, nil
}

// ResetEmailTemplate drops an account's own templates of kind.
func (s *Store) ResetEmailTemplate(ctx context.Context, accountID uint64, kind string) (*EmailTemplateView, error) {
	if !emailtmpl.Valid(kind) {
		return nil, notFound("email kind " + strconv.Quote(kind))
	}
	if err := s.db.WithContext(ctx).Where("account_id = ? AND kind = ?", accountID, kind).Delete(&EmailTemplate{}).Error; err != nil {
		return nil, err
	}
	return s.GetEmailTemplate(ctx, accountID, kind)
}

// PreviewEmailTemplate renders src (or, when nil, the account's current
// templates) of kind with sample data.
func (s *Store) PreviewEmailTemplate(ctx context.Context, accountID uint64, kind string, src *emailtmpl.Source) (emailtmpl.Message, error) {
	if src == nil {
		cur, err := s.GetEmailTemplate(ctx, accountID, kind)
		if err != nil {
			return emailtmpl.Message{}, err
		}
		src = &cur.Source
	}
	if !emailtmpl.Valid(kind) {
		return emailtmpl.Message{}, notFound("email kind " + strconv.Quote(kind))
	}
	if err := emailtmpl.Check(kind, *src); err != nil {
		return emailtmpl.Message{}, invalidf("%s", strings.TrimPrefix(err.Error(), emailtmpl.ErrTemplate.Error()+": "))
	}
	data, _ := emailtmpl.Sample(kind)
	return emailtmpl.Render(*src, data)
}

// EmailFilter narrows ListEmails.
type EmailFilter struct {
	Status      string
	Kind        string
	AffiliateID uint64
	Page        int // 1-based
	PerPage     int
}

// ListEmails lists an account's outbox, newest first, with the total count
// of those matching.
func (s *Store) ListEmails(ctx context.Context, accountID uint64, f EmailFilter) ([]OutboxEmail, int64, error) {
	q := s.db.WithContext(ctx).Model(&OutboxEmail{}).Where("account_id = ?", accountID)
	if f.Status != "" {
		if !slices.Contains([]string{EmailQueued, EmailSending, EmailSent, EmailFailed, EmailHeld}, f.Status) {
			return nil, 0, invalidf("status must be one of queued, sending, sent, failed, held")
		}
		q = q.Where("status = ?", f.Status)
	}
	if f.Kind != "" {
		if !emailtmpl.Valid(f.Kind) {
			return nil, 0, invalidf("kind must be one of %s", strings.Join(emailtmpl.Kinds, ", "))
		}
		q = q.Where("kind = ?", f.Kind)
	}
	if f.AffiliateID != 0 {
		q = q.Where("affiliate_id = ?", f.AffiliateID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	_, per, offset := listWindow(f.Page, f.PerPage)
	out := []OutboxEmail{}
	err := q.Order("id DESC").Offset(offset).Limit(per).Find(&out).Error
	return out, total, err
}

// GetEmail loads one email of the account's outbox.
func (s *Store) GetEmail(ctx context.Context, accountID, id uint64) (*OutboxEmail, error) {
	var e OutboxEmail
	if err := first(s.db.WithContext(ctx), &e, "email", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, err
	}
	return &e, nil
}

// ResendEmail queues an email again, with a fresh count of attempts: a
// failed or held one, or a sent one the merchant wants sent again. An
// email being sent right now is ErrConflict. The caller enqueues it.
func (s *Store) ResendEmail(ctx context.Context, accountID, id uint64) (*OutboxEmail, error) {
	var e OutboxEmail
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), &e, "email", "id = ? AND account_id = ?", id, accountID); err != nil {
			return err
		}
		if e.Status == EmailSending && e.LockedUntil != nil && e.LockedUntil.After(s.now()) {
			return conflictf("email %d is being sent right now", e.ID)
		}
		return tx.Model(&e).Updates(map[string]any{"status": EmailQueued, "attempts": 0, "last_error": "",
			"locked_until": nil, "updated_at": s.now()}).Error
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ClaimEmail takes a queued email (or one whose sender's lease ran out)
// for sending: it becomes sending for lease and counts one more attempt.
// It returns nil when there is nothing to send: sent, failed, held, gone,
// or held by another worker.
func (s *Store) ClaimEmail(ctx context.Context, id uint64, lease time.Duration) (*OutboxEmail, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&OutboxEmail{}).
		Where("id = ? AND (status = ? OR (status = ? AND locked_until < ?))", id, EmailQueued, EmailSending, now).
		Updates(map[string]any{"status": EmailSending, "attempts": gorm.Expr("attempts + 1"),
			"locked_until": now.Add(lease), "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, res.Error
	}
	var e OutboxEmail
	if err := first(s.db.WithContext(ctx), &e, "email", id); err != nil {
		return nil, err
	}
	return &e, nil
}

// HoldEmail keeps a queued email in the outbox, unsent: there is no SMTP
// server to send it with.
func (s *Store) HoldEmail(ctx context.Context, id uint64) error {
	return s.db.WithContext(ctx).Model(&OutboxEmail{}).Where("id = ? AND status = ?", id, EmailQueued).
		Updates(map[string]any{"status": EmailHeld, "updated_at": s.now()}).Error
}

// MarkEmailSent records a delivery to the SMTP server.
func (s *Store) MarkEmailSent(ctx context.Context, id uint64) error {
	now := s.now()
	return s.db.WithContext(ctx).Model(&OutboxEmail{}).Where("id = ?", id).
		Updates(map[string]any{"status": EmailSent, "sent_at": now, "locked_until": nil, "updated_at": now}).Error
}

// MarkEmailFailed records a failed attempt: the email is queued again for
// a retry, or failed when final.
func (s *Store) MarkEmailFailed(ctx context.Context, id uint64, cause string, final bool) error {
	status := EmailQueued
	if final {
		status = EmailFailed
	}
	if len(cause) > 1000 {
		cause = cause[:1000]
	}
	return s.db.WithContext(ctx).Model(&OutboxEmail{}).Where("id = ?", id).
		Updates(map[string]any{"status": status, "last_error": cause, "locked_until": nil, "updated_at": s.now()}).Error
}

// StaleEmails lists emails whose send job seems lost: queued and untouched
// since cutoff, or sending past their lease. The sweeper queues them again.
func (s *Store) StaleEmails(ctx context.Context, cutoff time.Time, limit int) ([]uint64, error) {
	var ids []uint64
	err := s.db.WithContext(ctx).Model(&OutboxEmail{}).
		Where("(status = ? AND updated_at < ?) OR (status = ? AND locked_until < ?)", EmailQueued, cutoff, EmailSending, s.now()).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}
