package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/emailtmpl"
)

// The admin checks links before it asks to confirm them.
var _ handlers.MerchantLinks = (*merchantLinks)(nil)

// merchantLinkTTL is how long a merchant's sign-in link works;
// merchantLinkWrites bounds the sign-in emails being written at once.
const (
	merchantLinkTTL    = 15 * time.Minute
	merchantLinkWrites = 16
)

// merchantLinks signs merchants in to the standalone admin by email: a
// single-use link, valid 15 minutes, kept in Redis, written to the outbox
// and mailed by the send job. Without SMTP the link is also written to the
// log, so the newcomer demo works without a mail server.
type merchantLinks struct {
	rdb     *redis.Client
	store   *models.Store
	queue   handlers.EmailQueue // nil: the sweeper finds the email
	smtp    bool                // false: log the link too
	appURL  string
	log     *slog.Logger
	slots   chan struct{} // one per email being written
	pending sync.WaitGroup
}

// newMerchantLinks builds the sign-in links; queue nil leaves the emails
// to the sweeper, smtp false also logs each link.
func newMerchantLinks(rdb *redis.Client, store *models.Store, queue handlers.EmailQueue, smtp bool, appURL string, log *slog.Logger) *merchantLinks {
	return &merchantLinks{rdb: rdb, store: store, queue: queue, smtp: smtp, appURL: appURL, log: log,
		slots: make(chan struct{}, merchantLinkWrites)}
}

// Send returns at once, whatever the address: looking it up and writing
// the email happen after the answer, so neither the time it takes nor a
// failure tells whether the address is a merchant's. With
// merchantLinkWrites emails being written already, the request is dropped
// and logged (the per-client and per-address limits come first).
func (m *merchantLinks) Send(ctx context.Context, email string) error {
	select {
	case m.slots <- struct{}{}:
	default:
		m.log.WarnContext(ctx, "too many merchant sign-in requests at once; one dropped")
		return nil
	}
	m.pending.Add(1)
	go func() {
		defer func() { <-m.slots; m.pending.Done() }()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := m.write(ctx, email); err != nil {
			m.log.ErrorContext(ctx, "merchant sign-in email not written", "error", err)
		}
	}()
	return nil
}

// wait returns when every email Send started is written (or failed).
func (m *merchantLinks) wait() { m.pending.Wait() }

// write puts a sign-in email for the merchant account with that email in
// the outbox and hands it to the workers. An unknown email does nothing.
func (m *merchantLinks) write(ctx context.Context, email string) error {
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
	if !m.smtp {
		m.log.Warn("merchant sign-in link (no SMTP_URL, so it is logged instead of mailed)", "account_id", acct.ID, "link", link)
	}
	id, err := m.store.WriteMerchantEmail(ctx, &acct, models.KindMerchantLogin, "merchant-login:"+token[:16], signInMessage(&acct, link))
	if err != nil || id == 0 || m.queue == nil {
		return err
	}
	if err := m.queue.EnqueueEmail(ctx, id); err != nil {
		m.log.WarnContext(ctx, "enqueue email; the sweeper will send it", "email_id", id, "error", err)
	}
	return nil
}

// signInMessage is the email with a merchant's sign-in link.
func signInMessage(acct *models.Account, link string) emailtmpl.Message {
	return emailtmpl.Message{Subject: "Sign in to Codecredit",
		Text: fmt.Sprintf("Sign in to Codecredit for %s:\n\n%s\n\nThe link works once, for 15 minutes.\n", acct.Name, link),
		HTML: fmt.Sprintf(`<p>Sign in to Codecredit for %s:</p><p><a href="%s">Sign in</a></p><p>The link works once, for 15 minutes.</p>`,
			html.EscapeString(acct.Name), html.EscapeString(link))}
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

// merchantLinkKey is where a link is kept in Redis: under its SHA-256, so
// whoever can read Redis finds no usable sign-in link.
func merchantLinkKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "codecredit:merchant-link:" + hex.EncodeToString(sum[:])
}

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
