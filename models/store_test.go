package models_test

import (
	"context"
	"sync"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

func TestMigrateTwiceConcurrently(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); errs <- s.Migrate(context.Background()) }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent migrate: %v", err)
			}
		}
		a, err := s.CreateAccount(context.Background(), "Shop", "", "usd")
		if err != nil {
			t.Fatal(err)
		}
		if a.Currency != "USD" || a.NamingRule != models.DefaultNamingRule {
			t.Fatalf("account defaults: %+v", a)
		}
	})
}
