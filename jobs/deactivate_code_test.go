package jobs_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// switchStore is a fakeStore that can switch codes off: each code's calls
// answer, in turn, the errors scripted for it, then nil.
type switchStore struct {
	*fakeStore
	mu     sync.Mutex
	script map[string][]error
	calls  map[string]int
	got    map[string]platforms.DiscountCode
}

func (s *switchStore) DeactivateCode(_ context.Context, _ *platforms.Conn, code platforms.DiscountCode) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[code.Code]++
	s.got[code.Code] = code
	if next := s.script[code.Code]; len(next) > 0 {
		s.script[code.Code] = next[1:]
		return next[0]
	}
	return nil
}

func (s *switchStore) seenCalls(code string) (int, platforms.DiscountCode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[code], s.got[code]
}

// offWorld is a shop with two stores: Demo Store, which can switch codes
// off, and a store that cannot.
type offWorld struct {
	sh          *shop
	sw          *switchStore
	client      *jobs.Client
	demo, plain *models.Connection
}

func newOffWorld(t *testing.T, script map[string][]error) *offWorld {
	t.Helper()
	sh := newShop(t, testdb.Postgres(t), 1)
	url, queue := redisQueue(t)
	sw := &switchStore{fakeStore: &fakeStore{throttle: map[string]bool{}}, script: script,
		calls: map[string]int{}, got: map[string]platforms.DiscountCode{}}
	startWorker(t, sh.store, url, jobs.Options{Queue: queue, Platforms: map[string]platforms.Platform{
		platforms.API: api.Platform{}, "switch": sw, "fake": &fakeStore{throttle: map[string]bool{}}}})
	w := &offWorld{sh: sh, sw: sw, client: newClient(t, url, queue)}
	var err error
	ctx := context.Background()
	if w.demo, err = sh.store.InstallConnection(ctx, models.Install{AccountID: sh.account.ID, Platform: "switch",
		ExternalID: "demo-store", ShopName: "Demo Store", Credentials: models.Credentials{"access_token": "t"}}); err != nil {
		t.Fatal(err)
	}
	if w.plain, err = sh.store.InstallConnection(ctx, models.Install{AccountID: sh.account.ID, Platform: "fake",
		ExternalID: "plain-store", ShopName: "Plain Store", Credentials: models.Credentials{"access_token": "t"}}); err != nil {
		t.Fatal(err)
	}
	return w
}

// onStore saves a code that exists on conn, assigned to the shop's affiliate.
func (w *offWorld) onStore(t *testing.T, conn *models.Connection, text string) *models.Code {
	t.Helper()
	c := models.Code{AccountID: w.sh.account.ID, ConnectionID: conn.ID, Code: text, Normalized: models.NormalizeCode(text),
		Source: models.SourceGenerated, PlatformID: "d-" + text, PlatformCodeID: "c-" + text,
		AffiliateID: &w.sh.affiliates[0], Active: true, SyncStatus: models.SyncSynced}
	if err := w.sh.store.DB().Create(&c).Error; err != nil {
		t.Fatal(err)
	}
	return &c
}

// turnOff unassigns and deactivates the code, on its store too, and queues the job.
func (w *offWorld) turnOff(t *testing.T, c *models.Code) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.sh.store.TurnOffCode(ctx, w.sh.account.ID, c.ID, models.CodeOff{Unassign: true, OnStore: true}); err != nil {
		t.Fatal(err)
	}
	if err := w.client.EnqueueDeactivateCode(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
}

// settled waits until the code's store outcome is known and returns the code.
func (w *offWorld) settled(t *testing.T, id uint64) models.Code {
	t.Helper()
	var c models.Code
	waitFor(t, "store outcome", func() (bool, string) {
		w.sh.store.DB().Take(&c, id)
		return c.StoreStatus != models.StoreOffPending, string(c.StoreStatus)
	})
	return c
}

func TestDeactivateCodeOnStore(t *testing.T) {
	w := newOffWorld(t, map[string][]error{
		"SLOW10":   {&platforms.RateLimitError{RetryAfter: 10 * time.Millisecond}, &platforms.RateLimitError{RetryAfter: 10 * time.Millisecond}},
		"LOCKED10": {&platforms.RejectedError{Reason: "the coupon is locked by another app"}},
		"GONE10":   {fmt.Errorf("wrapped: %w", platforms.ErrUnauthorized)},
	})
	// Refused access marks its store for reinstall: it gets a store of its own.
	revoked, err := w.sh.store.InstallConnection(context.Background(), models.Install{AccountID: w.sh.account.ID,
		Platform: "switch", ExternalID: "revoked-store", ShopName: "Revoked Store", Credentials: models.Credentials{"access_token": "t"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code      string
		conn      *models.Connection
		status    models.StoreOffStatus
		note      string
		wantCalls int
	}{
		{"ADA10", w.demo, models.StoreOff, "Deactivated on Demo Store", 1},
		{"SLOW10", w.demo, models.StoreOff, "Deactivated on Demo Store", 3},
		{"LOCKED10", w.demo, models.StoreOffFailed, "Could not deactivate on the store: the coupon is locked by another app", 1},
		{"GONE10", revoked, models.StoreOffFailed, "Could not deactivate on the store: the store refused our access; install the app again", 1},
		{"PLAIN10", w.plain, models.StoreOffFailed, "Could not deactivate on the store: Codecredit cannot turn codes off on Plain Store; turn PLAIN10 off in the store's admin", 0},
	}
	codes := map[string]*models.Code{}
	for _, tt := range tests {
		codes[tt.code] = w.onStore(t, tt.conn, tt.code)
		w.turnOff(t, codes[tt.code])
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got := w.settled(t, codes[tt.code].ID)
			if got.StoreStatus != tt.status || got.StoreNote != tt.note {
				t.Errorf("outcome %q %q, want %q %q", got.StoreStatus, got.StoreNote, tt.status, tt.note)
			}
			if got.Active || got.AffiliateID != nil || got.SyncStatus != models.SyncSynced {
				t.Errorf("code %+v, want it inactive, unassigned, still synced", got)
			}
			calls, seen := w.sw.seenCalls(tt.code)
			if calls != tt.wantCalls {
				t.Errorf("store asked %d times, want %d", calls, tt.wantCalls)
			}
			if calls > 0 && (seen.PlatformID != "d-"+tt.code || seen.PlatformCodeID != "c-"+tt.code) {
				t.Errorf("store asked about %+v", seen)
			}
		})
	}
	if c := connection(t, w.sh.store, revoked.ID); c.Status != models.ConnectionNeedsReinstall {
		t.Errorf("after refused access the store is %q, want it marked for reinstall", c.Status)
	}
}

func TestDeactivateJobDoneOnceAndSkipsCodesNotWaiting(t *testing.T) {
	w := newOffWorld(t, nil)
	ctx := context.Background()
	c := w.onStore(t, w.demo, "ONCE10")
	w.turnOff(t, c)
	w.settled(t, c.ID)
	idle := w.onStore(t, w.demo, "IDLE10")
	for _, id := range []uint64{c.ID, idle.ID} {
		if err := w.client.EnqueueDeactivateCode(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	// A marker queued after them runs once they are done.
	marker := w.onStore(t, w.demo, "MARK10")
	w.turnOff(t, marker)
	w.settled(t, marker.ID)
	if n, _ := w.sw.seenCalls("ONCE10"); n != 1 {
		t.Errorf("a code already off was asked again: %d calls", n)
	}
	if n, _ := w.sw.seenCalls("IDLE10"); n != 0 {
		t.Errorf("a code nobody turned off was switched off on the store: %d calls", n)
	}
	var still models.Code
	w.sh.store.DB().Take(&still, idle.ID)
	if !still.Active || still.StoreStatus != "" {
		t.Errorf("untouched code %+v", still)
	}
}

func TestInactiveCodeIsNeverPushed(t *testing.T) {
	w := newOffWorld(t, nil)
	ctx := context.Background()
	var ids []uint64
	for _, text := range []string{"KEEP15", "DROP15"} {
		c, err := w.sh.store.CreateManualCode(ctx, w.sh.account.ID, models.NewCode{Code: text,
			DiscountSpec: models.DiscountSpec{Type: models.DiscountPercentage, Value: 1500}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	queued, err := w.sh.store.MarkCodesForPush(ctx, w.sh.account.ID, ids)
	if err != nil || len(queued) != 2 {
		t.Fatalf("queued %v %v", queued, err)
	}
	if _, err := w.sh.store.DeactivateCode(ctx, w.sh.account.ID, ids[1]); err != nil {
		t.Fatal(err)
	}
	for _, id := range queued {
		if err := w.client.EnqueuePushCode(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "pushes settled", func() (bool, string) {
		n := count(t, w.sh.store, &models.Code{}, "id IN ? AND sync_status = ?", ids, models.SyncPending)
		return n == 0, fmt.Sprint(n, " pending")
	})
	if _, created := w.sw.seen(); fmt.Sprint(created) != "[KEEP15]" {
		t.Fatalf("the store holds %v, want only the active KEEP15", created)
	}
	var dropped models.Code
	w.sh.store.DB().Take(&dropped, ids[1])
	if dropped.Active || dropped.SyncStatus != models.SyncNone || dropped.PlatformID != "" || dropped.SyncError == "" {
		t.Fatalf("inactive code %+v, want it off the store with the reason", dropped)
	}
	pending, err := w.sh.store.PendingCodePushes(ctx, time.Now().Add(time.Hour), 10)
	if err != nil || len(pending) != 0 {
		t.Fatalf("the sweeper would push again %v (%v)", pending, err)
	}
}
