package paddle_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/paddle"
	"codecredit/platforms/paddle/sandbox"
)

// delivery is a webhook the app received, verified.
type delivery struct {
	topic, eventID string
	body           []byte
}

// app stands in for Codecredit's webhook route: it verifies each delivery
// with its connection's secret and keeps it.
type app struct {
	t       *testing.T
	adapter *paddle.Adapter
	now     func() time.Time
	mu      sync.Mutex
	secrets map[string]string
	got     []delivery
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	source, err := a.adapter.WebhookSource(r, body)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil || a.secrets[source] == "" || r.URL.Path != "/webhooks/paddle" {
		http.Error(w, "unknown source", http.StatusUnauthorized)
		return
	}
	wh, err := a.adapter.VerifyWebhook(r.Header, body, []byte(a.secrets[source]), a.now())
	if err != nil {
		a.t.Errorf("delivery did not verify: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	a.got = append(a.got, delivery{wh.Topic, wh.EventID, body})
}

// take returns and forgets what the app received.
func (a *app) take() []delivery {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.got
	a.got = nil
	return out
}

// flow is an adapter, a sandbox Paddle account and an app receiving its
// webhooks, on one fixed clock.
type flow struct {
	t       *testing.T
	sb      *sandbox.Server
	adapter *paddle.Adapter
	app     *app
}

func newFlow(t *testing.T, pageSize int) *flow {
	t.Helper()
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	return newFlowAt(t, pageSize, func() time.Time { return at })
}

// newFlowAt is newFlow on clock.
func newFlowAt(t *testing.T, pageSize int, clock func() time.Time) *flow {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Clock: clock, RequestsPerMinute: -1})
	paddleSrv := httptest.NewServer(sb)
	t.Cleanup(paddleSrv.Close)
	rcv := &app{t: t, now: clock, secrets: map[string]string{}}
	appSrv := httptest.NewServer(rcv)
	t.Cleanup(appSrv.Close)
	rcv.adapter = paddle.New(paddle.Config{BaseURL: paddleSrv.URL, AppURL: appSrv.URL, Clock: clock, PageSize: pageSize})
	return &flow{t: t, sb: sb, adapter: rcv.adapter, app: rcv}
}

// connect connects the sandbox account and lets the app verify its webhooks.
func (f *flow) connect() *platforms.Conn {
	f.t.Helper()
	c, err := f.adapter.Connect(context.Background(), sandbox.DefaultAPIKey)
	if err != nil {
		f.t.Fatal(err)
	}
	f.app.mu.Lock()
	f.app.secrets[c.ExternalID] = c.Credentials[paddle.CredWebhookSecret]
	f.app.mu.Unlock()
	return &c
}

// events parses what the app received since the last call.
func (f *flow) events(wantTopics ...string) []platforms.Event {
	f.t.Helper()
	var out []platforms.Event
	got := f.app.take()
	var topics []string
	for _, d := range got {
		topics = append(topics, d.topic)
		evs, err := f.adapter.ParseWebhook(d.topic, d.body)
		if err != nil {
			f.t.Fatalf("parse %s: %v", d.topic, err)
		}
		out = append(out, evs...)
	}
	if !slices.Equal(topics, wantTopics) {
		f.t.Fatalf("webhooks received %v, want %v", topics, wantTopics)
	}
	return out
}

// importAll pages through the whole catalog.
func (f *flow) importAll(c *platforms.Conn) ([]platforms.DiscountCode, int) {
	f.t.Helper()
	var codes []platforms.DiscountCode
	cursor, pages, total := "", 0, 0
	for {
		page, err := f.adapter.ImportCodes(context.Background(), c, cursor)
		if err != nil {
			f.t.Fatal(err)
		}
		codes, pages, total = append(codes, page.Codes...), pages+1, page.Total
		if page.Next == "" {
			return codes, total
		}
		if pages > 100 {
			f.t.Fatal("import does not end")
		}
		cursor = page.Next
	}
}

func TestConnectRegistersDestination(t *testing.T) {
	f := newFlow(t, 0)
	c := f.connect()
	settings := f.sb.NotificationSettings()
	if len(settings) != 1 {
		t.Fatalf("notification settings = %+v, want one", settings)
	}
	ns := settings[0]
	var names []string
	for _, e := range ns.SubscribedEvents {
		names = append(names, e.Name)
	}
	if !strings.HasSuffix(ns.Destination, "/webhooks/paddle?c="+c.ExternalID) || !slices.Equal(names, paddle.Topics) ||
		ns.TrafficSource != "platform" || !ns.Active {
		t.Errorf("destination = %+v", ns)
	}
	if c.Credentials[paddle.CredWebhookSecret] != ns.EndpointSecretKey || c.Credentials[paddle.CredAPIKey] != sandbox.DefaultAPIKey ||
		c.Credentials[paddle.CredNotificationSetting] != ns.ID || !strings.HasPrefix(c.ExternalID, "cc_") {
		t.Errorf("conn = %+v", c)
	}
	if _, err := f.adapter.Connect(context.Background(), "pdl_sdbx_apikey_not_a_key"); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Errorf("connect with a wrong key: %v, want ErrUnauthorized", err)
	}
	if len(f.sb.NotificationSettings()) != 1 {
		t.Error("a refused key still registered a destination")
	}
}

func TestReconnectIsTheSameConnection(t *testing.T) {
	ctx := context.Background()
	f := newFlow(t, 0)
	first := f.connect()
	f.sb.AddAPIKey("pdl_sdbx_apikey_rotated")
	second, err := f.adapter.Connect(ctx, "pdl_sdbx_apikey_rotated")
	if err != nil {
		t.Fatal(err)
	}
	settings := f.sb.NotificationSettings()
	if second.ExternalID != first.ExternalID || len(settings) != 1 ||
		second.Credentials[paddle.CredWebhookSecret] != first.Credentials[paddle.CredWebhookSecret] ||
		second.Credentials[paddle.CredAPIKey] != "pdl_sdbx_apikey_rotated" {
		t.Fatalf("reconnect gave %+v and destinations %+v; want the same connection key, secret and destination", second, settings)
	}

	f.sb.SetDestinationActive(settings[0].ID, false) // the merchant switched it off
	third, err := f.adapter.Connect(ctx, sandbox.DefaultAPIKey)
	if err != nil || third.ExternalID != first.ExternalID || !f.sb.NotificationSettings()[0].Active {
		t.Fatalf("reconnect after deactivation: %+v, %v, destination %+v", third, err, f.sb.NotificationSettings())
	}

	if err := f.adapter.Disconnect(ctx, &third); err != nil || len(f.sb.NotificationSettings()) != 0 {
		t.Fatalf("disconnect: %v, destinations left %+v", err, f.sb.NotificationSettings())
	}
	if err := f.adapter.Disconnect(ctx, &third); err != nil {
		t.Errorf("disconnecting again: %v, want nil", err)
	}
	if fourth := f.connect(); fourth.ExternalID == first.ExternalID {
		t.Error("after disconnecting, connecting again reused the old key")
	}
}

func TestImportPagesThroughActiveAndArchived(t *testing.T) {
	f := newFlow(t, 5)
	seeded := f.sb.SeedDiscounts(23)
	c := f.connect()
	codes, total := f.importAll(c)
	var want []string
	archived := 0
	for _, d := range seeded {
		if d.Code != nil {
			want = append(want, *d.Code)
			if d.Status == "archived" {
				archived++
			}
		}
	}
	var got []string
	inactive := 0
	for _, dc := range codes {
		got = append(got, dc.Code)
		if !dc.Active {
			inactive++
		}
		if dc.PlatformID == "" || dc.PlatformCodeID != dc.PlatformID {
			t.Errorf("code %+v lacks its discount id", dc)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("imported %v,\nwant every seeded code once, in order: %v", got, want)
	}
	if inactive != archived || archived == 0 {
		t.Errorf("inactive = %d, want the %d archived", inactive, archived)
	}
	if total != len(seeded) {
		t.Errorf("total = %d, want %d (Paddle's estimate counts discounts without a code)", total, len(seeded))
	}
}
