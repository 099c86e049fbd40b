package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
)

// The admin checks links before it asks to confirm them.
var _ handlers.MerchantLinks = (*merchantLinks)(nil)

// merchantLinkTTL is how long a merchant's sign-in link works.
const merchantLinkTTL = 15 * time.Minute

// merchantLinks signs merchants in to the standalone admin by email: a
// single-use link, valid 15 minutes, kept in Redis. Without SMTP the link
// is written to the log, so the newcomer demo works without a mail server.
type merchantLinks struct {
	rdb    *redis.Client
	store  *models.Store
	mailer jobs.Mailer // nil: log the link
	appURL string
	log    *slog.Logger
}

// Send mails a sign-in link to the merchant account with that email. An
// unknown email does nothing, and says nothing, so addresses cannot be probed.
func (m *merchantLinks) Send(ctx context.Context, email string) error {
	var acct models.Account
	err := m.store.DB().WithContext(ctx).Where("LOWER(email) = ?", strings.ToLower(strings.TrimSpace(email))).
		Order("id").Take(&acct).Error
	if err != nil {
		return nil
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	token := hex.EncodeToString(raw)
	if err := m.rdb.Set(ctx, merchantLinkKey(token), acct.ID, merchantLinkTTL).Err(); err != nil {
		return err
	}
	link := m.appURL + "/admin/auth?token=" + token
	if m.mailer == nil {
		m.log.Warn("merchant sign-in link (no SMTP_URL, so it is logged instead of mailed)", "account_id", acct.ID, "link", link)
		return nil
	}
	return m.mailer.Send(ctx, jobs.Message{ID: "signin-" + token[:12], FromName: "Codecredit", To: acct.Email,
		Subject: "Sign in to Codecredit",
		Text:    fmt.Sprintf("Sign in to Codecredit for %s:\n\n%s\n\nThe link works once, for 15 minutes.\n", acct.Name, link),
		HTML: fmt.Sprintf(`<p>Sign in to Codecredit for %s:</p><p><a href="%s">Sign in</a></p><p>The link works once, for 15 minutes.</p>`,
			html.EscapeString(acct.Name), html.EscapeString(link))})
}

// Check returns a link's account without using the link up, for the page
// that asks the merchant to confirm (mail scanners open every link); a
// used, expired or unknown token is models.ErrNotFound, as for Redeem.
func (m *merchantLinks) Check(ctx context.Context, token string) (uint64, error) {
	return linkAccount(m.rdb.Get(ctx, merchantLinkKey(token)).Result())
}

// Redeem consumes a link and returns its account; a used, expired or
// unknown token is models.ErrNotFound. GETDEL makes it single-use: of two
// concurrent redemptions one gets the account, the other ErrNotFound.
func (m *merchantLinks) Redeem(ctx context.Context, token string) (uint64, error) {
	return linkAccount(m.rdb.GetDel(ctx, merchantLinkKey(token)).Result())
}

func merchantLinkKey(token string) string { return "codecredit:merchant-link:" + token }

// linkAccount reads the account id a link's key holds.
func linkAccount(v string, err error) (uint64, error) {
	if errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("%w: sign-in link used or expired", models.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(v, 10, 64)
}
