package models_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// A key stored before keys had names and scopes keeps working, with every
// scope: the column's default is full.
func TestAPIKeyFromBeforeScopesKeepsFullAccess(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct, err := s.CreateAccount(ctx, "Old Shop", "", "USD")
		if err != nil {
			t.Fatal(err)
		}
		key := "cc_0123456789abcdef0123456789abcdef0123456789abcdef"
		sum := sha256.Sum256([]byte(key))
		err = s.DB().Exec("INSERT INTO api_keys (account_id, hash, prefix, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)",
			acct.ID, hex.EncodeToString(sum[:]), key[:10]).Error
		if err != nil {
			t.Fatal(err)
		}
		got, k, err := s.AuthenticateAPIKey(ctx, key)
		if err != nil || got.ID != acct.ID {
			t.Fatalf("old key: %v, %v", got, err)
		}
		if !k.Allows(models.AreaKeys, true) || !k.Allows("orders", true) {
			t.Fatalf("old key has scopes %q, want full", k.Scopes)
		}
	})
}
