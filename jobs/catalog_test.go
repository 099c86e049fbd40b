package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// fakeStore is a platform with a discount catalog: n codes in pages of 100,
// throttling every third call once, rotating its token on the first call,
// failing once at page failAt, refusing the token "revoked" and the code TAKEN.
type fakeStore struct {
	mu       sync.Mutex
	n        int
	failAt   int
	calls    int
	cursors  []string
	created  []string
	throttle map[string]bool
	broken   string // every page fails with this error while set
}

// breakWith makes every page fail with msg ("" mends the store).
func (f *fakeStore) breakWith(msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.broken = msg
}

func (f *fakeStore) Name() string { return "fake" }

// seen returns the cursors asked for so far, and the codes created.
func (f *fakeStore) seen() (cursors, created []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.cursors...), append([]string(nil), f.created...)
}
func (f *fakeStore) WebhookSource(*http.Request, []byte) (string, error) { return "", nil }
func (f *fakeStore) VerifyWebhook(http.Header, []byte, []byte, time.Time) (platforms.Webhook, error) {
	return platforms.Webhook{}, platforms.ErrSignature
}

// ParseWebhook: the body is the normalised event as JSON.
func (f *fakeStore) ParseWebhook(topic string, body []byte) ([]platforms.Event, error) {
	var e platforms.Event
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
	}
	return []platforms.Event{e}, nil
}

func (f *fakeStore) ImportCodes(_ context.Context, c *platforms.Conn, cursor string) (platforms.CodePage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.Credentials["access_token"] == "revoked" {
		return platforms.CodePage{}, platforms.ErrUnauthorized
	}
	if c.Credentials["access_token"] == "t1" {
		c.Credentials["access_token"], c.Changed = "t2", true
	}
	f.calls++
	if f.calls%3 == 0 && !f.throttle[cursor] {
		f.throttle[cursor] = true
		return platforms.CodePage{}, &platforms.RateLimitError{RetryAfter: 10 * time.Millisecond}
	}
	f.cursors = append(f.cursors, cursor)
	if f.broken != "" {
		return platforms.CodePage{}, errors.New(f.broken)
	}
	page, _ := strconv.Atoi(cursor)
	if page == f.failAt && f.failAt > 0 {
		f.failAt = 0
		return platforms.CodePage{}, errors.New("store timed out")
	}
	var out platforms.CodePage
	for i := page * 100; i < min(page*100+100, f.n); i++ {
		out.Codes = append(out.Codes, platforms.DiscountCode{PlatformID: "d" + strconv.Itoa(i/10), PlatformCodeID: "c" + strconv.Itoa(i),
			Code: fmt.Sprintf("Imp%04d", i), DiscountType: "percentage", DiscountValue: 1000, Active: true})
	}
	out.Total = f.n
	if (page+1)*100 < f.n {
		out.Next = strconv.Itoa(page + 1)
	}
	return out, nil
}

func (f *fakeStore) CreateCode(_ context.Context, c *platforms.Conn, code platforms.NewCode) (platforms.DiscountCode, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if code.Code == "TAKEN" {
		return platforms.DiscountCode{}, &platforms.RejectedError{Reason: "Code must be unique. Please try a different code."}
	}
	f.created = append(f.created, code.Code)
	return platforms.DiscountCode{PlatformID: "new-" + code.Code, PlatformCodeID: "nc-" + code.Code, Code: code.Code}, nil
}

func catalogWorld(t *testing.T, n, failAt int) (*shop, *fakeStore, *jobs.Client, *models.Connection) {
	sh := newShop(t, testdb.Postgres(t), 1)
	url, queue := redisQueue(t)
	fake := &fakeStore{n: n, failAt: failAt, throttle: map[string]bool{}}
	startWorker(t, sh.store, url, jobs.Options{Queue: queue,
		Platforms: map[string]platforms.Platform{platforms.API: api.Platform{}, "fake": fake}})
	conn, err := sh.store.InstallConnection(context.Background(), models.Install{AccountID: sh.account.ID,
		Platform: "fake", ExternalID: "fake-store", Credentials: models.Credentials{"access_token": "t1"}})
	if err != nil {
		t.Fatal(err)
	}
	return sh, fake, newClient(t, url, queue), conn
}

func connection(t *testing.T, s *models.Store, id uint64) *models.Connection {
	c, err := s.GetConnection(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestImportResumesThroughThrottleAndFailure(t *testing.T) {
	sh, fake, client, conn := catalogWorld(t, 1234, 5)
	ctx := context.Background()
	if err := client.EnqueueImport(ctx, conn.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "import done", func() (bool, string) {
		c := connection(t, sh.store, conn.ID)
		return c.ImportState == models.ImportDone, fmt.Sprintf("%s %d/%d", c.ImportState, c.ImportDone, c.ImportTotal)
	})
	c := connection(t, sh.store, conn.ID)
	if c.ImportDone != 1234 || c.ImportTotal != 1234 {
		t.Fatalf("progress %d/%d, want 1234/1234", c.ImportDone, c.ImportTotal)
	}
	if c.LastError != "" {
		t.Fatalf("the failure before the retry is still shown after it succeeded: %q", c.LastError)
	}
	if got := count(t, sh.store, &models.Code{}, "connection_id = ? AND source = ?", conn.ID, models.SourceImported); got != 1234 {
		t.Fatalf("imported %d codes, want 1234", got)
	}
	starts := 0
	cursors, _ := fake.seen()
	for _, cur := range cursors {
		if cur == "" {
			starts++
		}
	}
	if starts != 1 {
		t.Fatalf("the import started over %d times after the failure; cursors %v", starts, cursors)
	}
	creds, _ := sh.store.ReadCredentials(c)
	if creds["access_token"] != "t2" {
		t.Fatalf("refreshed token not saved: %v", creds)
	}
	// Importing again adds nothing and keeps assignments.
	sh.store.DB().Model(&models.Code{}).Where("normalized = ?", "IMP0007").Update("affiliate_id", sh.affiliates[0])
	client.EnqueueImport(ctx, conn.ID)
	waitFor(t, "second import", func() (bool, string) {
		cursors, _ := fake.seen()
		return len(cursors) >= 2*13+1 && connection(t, sh.store, conn.ID).ImportState == models.ImportDone, fmt.Sprint(len(cursors))
	})
	if got := count(t, sh.store, &models.Code{}, "connection_id = ?", conn.ID); got != 1234 {
		t.Fatalf("second import left %d codes", got)
	}
	if got := count(t, sh.store, &models.Code{}, "normalized = ? AND affiliate_id = ?", "IMP0007", sh.affiliates[0]); got != 1 {
		t.Fatal("re-import dropped an assignment")
	}
}

func TestPushCodesAndRefusals(t *testing.T) {
	sh, fake, client, conn := catalogWorld(t, 0, 0)
	ctx := context.Background()
	var ids []uint64
	for _, text := range []string{"ADA15", "TAKEN"} {
		c, err := sh.store.CreateManualCode(ctx, sh.account.ID, models.NewCode{Code: text,
			DiscountSpec: models.DiscountSpec{Type: models.DiscountPercentage, Value: 1500}, AffiliateID: &sh.affiliates[0]})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	queued, err := sh.store.MarkCodesForPush(ctx, sh.account.ID, ids)
	if err != nil || len(queued) != 2 {
		t.Fatalf("queued %v %v", queued, err)
	}
	for _, id := range queued {
		client.EnqueuePushCode(ctx, id)
	}
	waitFor(t, "pushes settled", func() (bool, string) {
		n := count(t, sh.store, &models.Code{}, "connection_id = ? AND sync_status IN ?", conn.ID, []string{string(models.SyncSynced), string(models.SyncFailed)})
		return n == 2, fmt.Sprint(n)
	})
	var ok, taken models.Code
	sh.store.DB().Take(&ok, ids[0])
	sh.store.DB().Take(&taken, ids[1])
	if ok.SyncStatus != models.SyncSynced || ok.PlatformCodeID != "nc-ADA15" || !ok.Active {
		t.Fatalf("pushed code %+v", ok)
	}
	if taken.SyncStatus != models.SyncFailed || taken.Active || taken.SyncError != "Code must be unique. Please try a different code." {
		t.Fatalf("refused code %+v", taken)
	}
	if _, created := fake.seen(); fmt.Sprint(created) != "[ADA15]" {
		t.Fatalf("store holds %v", created)
	}
}

func TestRevokedTokenMarksReinstall(t *testing.T) {
	sh, _, client, conn := catalogWorld(t, 100, 0)
	ctx := context.Background()
	sh.store.SaveCredentials(ctx, conn.ID, models.Credentials{"access_token": "revoked"})
	client.EnqueueImport(ctx, conn.ID)
	waitFor(t, "needs reinstall", func() (bool, string) {
		c := connection(t, sh.store, conn.ID)
		return c.Status == models.ConnectionNeedsReinstall, string(c.Status)
	})
	if c := connection(t, sh.store, conn.ID); c.LastError == "" || c.ImportState != models.ImportFailed {
		t.Fatalf("connection %+v", c)
	}
}

func TestStoreEventsSyncUninstallAndPrivacy(t *testing.T) {
	sh, _, client, conn := catalogWorld(t, 30, 0)
	ctx := context.Background()
	client.EnqueueImport(ctx, conn.ID)
	waitFor(t, "import", func() (bool, string) { return connection(t, sh.store, conn.ID).ImportState == models.ImportDone, "" })
	sh.store.DB().Model(&models.Code{}).Where("normalized = ?", "IMP0003").Update("affiliate_id", sh.affiliates[0])
	order := platforms.Order{ExternalID: "o1", Codes: []string{"imp0003"}, Currency: "USD", Subtotal: 5000,
		CustomerEmail: "jane@example.com", CustomerName: "Jane", PlacedAt: time.Now()}
	if _, err := sh.store.AttributeOrder(ctx, conn.ID, order); err != nil {
		t.Fatal(err)
	}
	deliver := func(id string, e platforms.Event) {
		body, _ := json.Marshal(e)
		ev, _, err := sh.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: sh.account.ID, ConnectionID: conn.ID,
			Platform: "fake", Topic: e.Kind, ExternalEventID: id, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		client.EnqueueEvent(ctx, ev.ID)
		waitFor(t, id+" processed", func() (bool, string) {
			return count(t, sh.store, &models.WebhookEvent{}, "id = ? AND processed_at IS NOT NULL", ev.ID) == 1, ""
		})
	}
	deliver("del", platforms.Event{Kind: platforms.KindCodeChanged, Code: &platforms.CodeChange{PlatformID: "d0", Deleted: true}})
	if got := count(t, sh.store, &models.Code{}, "platform_id = ? AND active = ?", "d0", false); got != 10 {
		t.Fatalf("deleted discount left %d inactive codes, want its 10", got)
	}
	deliver("new", platforms.Event{Kind: platforms.KindCodeChanged, Code: &platforms.CodeChange{PlatformID: "d99", Code: "Fresh20", DiscountType: "percentage", DiscountValue: 2000}})
	if got := count(t, sh.store, &models.Code{}, "normalized = ? AND active = ?", "FRESH20", true); got != 1 {
		t.Fatal("new platform code not added")
	}
	deliver("gdpr", platforms.Event{Kind: platforms.KindPrivacy, Privacy: &platforms.PrivacyRequest{Action: "customer_redact", CustomerEmail: "JANE@example.com"}})
	var conv models.Conversion
	sh.store.DB().Where("external_order_id = ?", "o1").Take(&conv)
	if conv.CustomerEmail != "" || conv.CustomerName != "" || conv.Commission != 500 {
		t.Fatalf("after customer redact: %+v", conv)
	}
	deliver("bye", platforms.Event{Kind: platforms.KindAppUninstalled})
	c := connection(t, sh.store, conn.ID)
	if c.Status != models.ConnectionUninstalled || len(c.Credentials) != 0 {
		t.Fatalf("after uninstall: %s creds=%d bytes", c.Status, len(c.Credentials))
	}
}
