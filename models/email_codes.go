// Code emails: telling affiliates which codes they hold (on assignment, or
// all of them on request), with the links and commission terms the
// templates show.

package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"codecredit/models/emailtmpl"
	"codecredit/platforms"
)

// WriteAssignmentEmails writes one code-assignment email per affiliate
// holding some of codeIDs (active codes of the account, assigned to an
// active affiliate), listing all of that affiliate's codes among them, and
// returns the ids to send. Call it after assigning, creating or generating
// codes: a bulk assignment of many codes to one affiliate is one email.
// Calling it again for the same, unchanged codes writes nothing; an
// account that turned assignment emails off gets none. appURL is APP_URL,
// where the portal link points.
func (s *Store) WriteAssignmentEmails(ctx context.Context, accountID uint64, codeIDs []uint64, appURL string) ([]uint64, error) {
	if len(codeIDs) == 0 {
		return nil, nil
	}
	set, err := s.GetEmailSettings(ctx, accountID)
	if err != nil || !set.AssignmentEmails {
		return nil, wrapErr("write assignment emails", err)
	}
	var codes []Code
	err = s.db.WithContext(ctx).Where("account_id = ? AND id IN ? AND affiliate_id IS NOT NULL AND active = ?",
		accountID, codeIDs, true).Order("id").Find(&codes).Error
	if err != nil {
		return nil, fmt.Errorf("models: write assignment emails: %w", err)
	}
	byAff := map[uint64][]Code{}
	for _, c := range codes {
		byAff[*c.AffiliateID] = append(byAff[*c.AffiliateID], c)
	}
	return s.writeCodeEmails(ctx, accountID, byAff, set, appURL, func(codes []Code) string {
		h := sha256.New()
		for _, c := range codes {
			fmt.Fprintf(h, "%d@%d;", c.ID, c.UpdatedAt.UnixNano())
		}
		return hex.EncodeToString(h.Sum(nil))[:32]
	})
}

// WriteAffiliateCodesEmail writes a code-assignment email listing all of
// an affiliate's active codes, whatever the account's settings: the
// merchant asked to send it. It returns the id to send.
func (s *Store) WriteAffiliateCodesEmail(ctx context.Context, accountID, affiliateID uint64, appURL string) (uint64, error) {
	aff, err := s.GetAffiliate(ctx, accountID, affiliateID)
	if err != nil {
		return 0, fmt.Errorf("models: write affiliate codes email: %w", err)
	}
	if aff.Status != AffiliateActive {
		return 0, wrapErr("write affiliate codes email", invalidf("affiliate %d (%s) is disabled; enable it before sending it codes", aff.ID, aff.Name))
	}
	set, err := s.GetEmailSettings(ctx, accountID)
	if err != nil {
		return 0, fmt.Errorf("models: write affiliate codes email: %w", err)
	}
	var codes []Code
	err = s.db.WithContext(ctx).Where("account_id = ? AND affiliate_id = ? AND active = ?", accountID, aff.ID, true).
		Order("id").Find(&codes).Error
	if err != nil {
		return 0, fmt.Errorf("models: write affiliate codes email: %w", err)
	}
	if len(codes) == 0 {
		return 0, wrapErr("write affiliate codes email", invalidf("affiliate %d (%s) has no active code to send", aff.ID, aff.Name))
	}
	stamp := strconv.FormatInt(s.now().UnixNano(), 36)
	ids, err := s.writeCodeEmails(ctx, accountID, map[uint64][]Code{aff.ID: codes}, set, appURL,
		func([]Code) string { return "resend-" + stamp })
	if err != nil || len(ids) == 0 {
		return 0, wrapErr("write affiliate codes email", err)
	}
	return ids[0], nil
}

// writeCodeEmails writes one assignment email per active affiliate of
// byAff, keyed by key(codes).
func (s *Store) writeCodeEmails(ctx context.Context, accountID uint64, byAff map[uint64][]Code, set *EmailSettings,
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
		ids, err = writeEach(len(affs), func(i int) (uint64, error) {
			data, err := assignmentData(tx, acct, &affs[i], byAff[affs[i].ID], links, appURL)
			if err != nil {
				return 0, err
			}
			return writeEmail(tx, newEmail{account: acct, to: &affs[i], kind: emailtmpl.KindCodeAssignment,
				dedupKey: "codes:" + strconv.FormatUint(affs[i].ID, 10) + ":" + key(byAff[affs[i].ID]), data: data})
		})
		return err
	})
	return ids, err
}

// writeEach calls write for 0 to n-1 and collects the ids of the emails
// written; 0, an email written before, is left out. It stops at the first
// error and returns it with the ids so far.
func writeEach(n int, write func(i int) (uint64, error)) ([]uint64, error) {
	var ids []uint64
	for i := range n {
		id, err := write(i)
		if err != nil {
			return ids, err
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// codeLinks knows where an account's codes are shared: its stores, the
// store new codes go to, and the merchant's site.
type codeLinks struct {
	conns   map[uint64]Connection
	primary Connection
	site    string
	set     *EmailSettings
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
	l := &codeLinks{conns: map[uint64]Connection{}, site: set.SiteURL, set: set}
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
	rule, _, err := effectiveRule(tx, acct.ID, aff.ID, acct)
	if err != nil {
		return emailtmpl.Assignment{}, err
	}
	d := emailtmpl.Assignment{Program: program(acct, links.set), Affiliate: person(aff),
		Commission: CommissionTerms(rule), PortalURL: PortalURL(appURL)}
	tracked, err := codeLinksOf(tx, acct.ID, codes)
	if err != nil {
		return d, err
	}
	for _, c := range codes {
		ec := links.code(c)
		if l, ok := tracked[c.ID]; ok && appURL != "" {
			ec.TrackedLink = LinkURL(appURL, l.Slug)
		}
		d.Codes = append(d.Codes, ec)
	}
	return d, nil
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
	case r.Kind == CommissionFlat && r.RepeatFlatAmount != nil:
		b.WriteString("; " + moneyText(*r.RepeatFlatAmount, r.Currency) + " per order of a customer who ordered before")
	case r.Kind == CommissionPercent && r.RepeatBasisPoints != nil:
		b.WriteString("; " + emailtmpl.Percent(*r.RepeatBasisPoints) + " on the orders of a customer who ordered before")
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

// program is the program an email is about, with its branding.
func program(a *Account, set *EmailSettings) emailtmpl.Program {
	return emailtmpl.Program{Name: programName(a, set), SiteURL: set.SiteURL, LogoURL: set.LogoURL, Color: set.BrandColor}
}

// programName is the branding's program name, or the shop's name.
func programName(a *Account, set *EmailSettings) string {
	if set.ProgramName != "" {
		return set.ProgramName
	}
	return a.Name
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
