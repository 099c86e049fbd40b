package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// A merchant session works until it expires or is ended, on both databases;
// only the secret's hash is stored.
func TestMerchantSessions(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct, err := s.CreateAccount(ctx, "Demo Shop", "owner@example.com", "USD")
		if err != nil {
			t.Fatal(err)
		}
		live, err := s.CreateMerchantSession(ctx, acct.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		ended, _ := s.CreateMerchantSession(ctx, acct.ID, time.Hour)
		expired, _ := s.CreateMerchantSession(ctx, acct.ID, time.Minute)
		if err := s.EndMerchantSession(ctx, ended); err != nil {
			t.Fatal(err)
		}
		s.SetClock(func() time.Time { return time.Now().UTC().Add(2 * time.Minute) })
		if id, err := s.MerchantSessionAccount(ctx, live); err != nil || id != acct.ID {
			t.Fatalf("live session: %d %v", id, err)
		}
		for name, secret := range map[string]string{"ended": ended, "expired": expired, "unknown": "made-up", "empty": ""} {
			if _, err := s.MerchantSessionAccount(ctx, secret); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("%s session: %v, want ErrNotFound", name, err)
			}
		}
		var stored int64
		if err := s.DB().Model(&models.MerchantSession{}).Where("hash = ?", live).Count(&stored).Error; err != nil || stored != 0 {
			t.Fatalf("the secret itself is stored (%d, %v)", stored, err)
		}
	})
}
