package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// apiKeyPrefix starts every key so a leaked one is easy to recognise.
const apiKeyPrefix = "cc_"

// Scopes an API key may hold. ScopeFull is everything, API keys included
// (the key the command line and newcomer mode print); ScopeRead is every
// read and ScopeWrite every read and change, except managing API keys;
// "<area>:read" and "<area>:write" (write implies read) narrow a key to
// one area of the API (APIScopeAreas).
const (
	ScopeFull  = "full"
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// AreaKeys is the API area of the API keys themselves: only ScopeFull and
// keys:read / keys:write reach it.
const AreaKeys = "keys"

// APIScopeAreas are the areas a fine scope names, in the order the admin
// lists them.
var APIScopeAreas = []string{"affiliates", "codes", "links", "conversions", "orders", "payouts",
	"reports", "settings", "connections", "emails", "webhooks", AreaKeys}

// ErrRevoked is an API key that was revoked: it authenticates nothing.
var ErrRevoked = errors.New("models: api key revoked")

// ScopeList is the key's scopes, one per element.
func (k *APIKey) ScopeList() []string { return strings.Fields(k.Scopes) }

// Allows reports whether the key may use an area of the API, to read
// (write false) or to change something (write true).
func (k *APIKey) Allows(area string, write bool) bool {
	for _, sc := range k.ScopeList() {
		switch sc {
		case ScopeFull:
			return true
		case ScopeWrite:
			if area != AreaKeys {
				return true
			}
		case ScopeRead:
			if area != AreaKeys && !write {
				return true
			}
		case area + ":write":
			return true
		case area + ":read":
			if !write {
				return true
			}
		}
	}
	return false
}

// Covers reports whether the key holds at least what scope grants, so
// that a key never makes another with more than it has itself.
func (k *APIKey) Covers(scope string) bool {
	has := k.ScopeList()
	switch {
	case slices.Contains(has, ScopeFull):
		return true
	case scope == ScopeFull:
		return false
	case scope == ScopeWrite:
		return slices.Contains(has, ScopeWrite)
	case scope == ScopeRead:
		return slices.Contains(has, ScopeWrite) || slices.Contains(has, ScopeRead)
	}
	area, mode, _ := strings.Cut(scope, ":")
	return k.Allows(area, mode == "write")
}

// ValidScopes checks and normalises a key's scopes: known, no repeats, at
// least one; the error names the first unknown one and the field "scopes".
func ValidScopes(scopes []string) ([]string, error) {
	var out []string
	for _, sc := range scopes {
		sc = strings.ToLower(strings.TrimSpace(sc))
		if sc == "" || slices.Contains(out, sc) {
			continue
		}
		if !knownScope(sc) {
			return nil, withField("scopes", invalidf("unknown scope %q: use full, read, write, or <area>:read / <area>:write with an area among %s",
				sc, strings.Join(APIScopeAreas, ", ")))
		}
		out = append(out, sc)
	}
	if len(out) == 0 {
		return nil, withField("scopes", invalidf("a key needs at least one scope (read, write, full, or <area>:read / <area>:write)"))
	}
	return out, nil
}

func knownScope(sc string) bool {
	if sc == ScopeFull || sc == ScopeRead || sc == ScopeWrite {
		return true
	}
	area, mode, ok := strings.Cut(sc, ":")
	return ok && (mode == "read" || mode == "write") && slices.Contains(APIScopeAreas, area)
}

// CreateAPIKey makes a new key with the full scope for an account and
// returns it in clear; it cannot be shown again.
func (s *Store) CreateAPIKey(ctx context.Context, accountID uint64) (string, error) {
	key, _, err := s.CreateNamedAPIKey(ctx, accountID, "Full access", []string{ScopeFull})
	return key, err
}

// CreateNamedAPIKey makes a named key with these scopes for an account and
// returns it in clear, with its row; the clear key cannot be shown again
// (only its SHA-256 is stored).
func (s *Store) CreateNamedAPIKey(ctx context.Context, accountID uint64, name string, scopes []string) (string, *APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", nil, wrapErr("create api key", withField("name", invalidf("a key needs a name of 1 to 100 characters, saying who or what uses it")))
	}
	scopes, err := ValidScopes(scopes)
	if err != nil {
		return "", nil, wrapErr("create api key", err)
	}
	if _, err := s.GetAccount(ctx, accountID); err != nil {
		return "", nil, wrapErr("create api key", err)
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, wrapErr("create api key", err)
	}
	key := apiKeyPrefix + hex.EncodeToString(raw)
	row := &APIKey{AccountID: accountID, Hash: hashKey(key), Prefix: key[:10], Name: name, Scopes: strings.Join(scopes, " ")}
	if err := s.db.WithContext(ctx).Create(row).Error; err != nil {
		return "", nil, wrapErr("create api key", err)
	}
	return key, row, nil
}

// lastUsedEvery is how stale a key's LastUsedAt may get: it is written at
// most once in this span, not on every request.
const lastUsedEvery = time.Minute

// AuthenticateAPIKey returns a key's account and the key (for its scopes),
// noting when it was last used; an unknown key is ErrNotFound, a revoked
// one ErrRevoked.
func (s *Store) AuthenticateAPIKey(ctx context.Context, key string) (*Account, *APIKey, error) {
	if !strings.HasPrefix(key, apiKeyPrefix) || len(key) > 100 {
		return nil, nil, wrapErr("authenticate api key", notFound("api key"))
	}
	var k APIKey
	if err := first(s.db.WithContext(ctx), &k, "api key", "hash = ?", hashKey(key)); err != nil {
		return nil, nil, wrapErr("authenticate api key", err)
	}
	if k.RevokedAt != nil {
		return nil, nil, wrapErr("authenticate api key", fmt.Errorf("%w on %s", ErrRevoked, k.RevokedAt.UTC().Format(time.DateOnly)))
	}
	now := s.now()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= lastUsedEvery {
		err := s.db.WithContext(ctx).Model(&APIKey{}).Where("id = ?", k.ID).Update("last_used_at", now).Error
		if err != nil {
			return nil, nil, wrapErr("authenticate api key", err)
		}
		k.LastUsedAt = &now
	}
	acct, err := s.GetAccount(ctx, k.AccountID)
	return acct, &k, wrapErr("authenticate api key", err)
}

// ListAPIKeys lists the account's keys, newest first, revoked ones too.
func (s *Store) ListAPIKeys(ctx context.Context, accountID uint64) ([]APIKey, error) {
	var out []APIKey
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("id DESC").Find(&out).Error
	return out, wrapErr("list api keys", err)
}

// RevokeAPIKey revokes one of the account's keys at once and for good;
// another account's key is ErrNotFound, revoking twice keeps the first
// time.
func (s *Store) RevokeAPIKey(ctx context.Context, accountID, id uint64) (*APIKey, error) {
	var k APIKey
	db := s.db.WithContext(ctx)
	if err := first(db, &k, "api key", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("revoke api key", err)
	}
	if k.RevokedAt == nil {
		now := s.now()
		err := db.Model(&APIKey{}).Where("id = ? AND revoked_at IS NULL", k.ID).Update("revoked_at", now).Error
		if err != nil {
			return nil, wrapErr("revoke api key", err)
		}
		k.RevokedAt = &now
	}
	return &k, nil
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
