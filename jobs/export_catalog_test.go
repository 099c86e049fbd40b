package jobs

import (
	"testing"
	"time"
)

// SetCatalogDelay shortens the wait before a catalog read a delivery asks
// for, for the test's duration.
func SetCatalogDelay(t testing.TB, d time.Duration) {
	old := catalogDelay
	catalogDelay = d
	t.Cleanup(func() { catalogDelay = old })
}
