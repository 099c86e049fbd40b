package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// switchPlatform can switch codes off on its stores; api.Platform cannot.
type switchPlatform struct{ api.Platform }

func (switchPlatform) DeactivateCode(context.Context, *platforms.Conn, platforms.DiscountCode) error {
	return nil
}

// offEnv is an env whose stores are Demo Store (it can switch codes off)
// and Plain Store (it cannot), with one code on each, assigned.
type offEnv struct {
	*env
	shop        tenant
	aff         models.Affiliate
	demo, plain *models.Connection
}

func newOffEnv(t *testing.T) *offEnv {
	t.Helper()
	v := newEnvFrom(t, testdb.Postgres(t), handlers.Deps{Jobs: &handlers.FakeJobs{},
		Platforms: map[string]platforms.Platform{"switch": switchPlatform{}, "plain": api.Platform{}}})
	o := &offEnv{env: v, shop: v.tenant("Shop")}
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", o.shop.key, map[string]string{"name": "Ann Lee", "email": "ann@example.com"}, &o.aff)
	o.demo = o.install("switch", "demo-store", "Demo Store")
	o.plain = o.install("plain", "plain-store", "Plain Store")
	return o
}

func (o *offEnv) install(platform, id, name string) *models.Connection {
	o.t.Helper()
	c, err := o.store.InstallConnection(context.Background(), models.Install{AccountID: o.shop.acct.ID, Platform: platform,
		ExternalID: id, ShopName: name, Credentials: models.Credentials{"access_token": "t"}})
	if err != nil {
		o.t.Fatal(err)
	}
	return c
}

// code saves an assigned, active code on conn (nil: on no store) in sync state.
func (o *offEnv) code(text string, conn *models.Connection, sync models.SyncStatus) models.Code {
	o.t.Helper()
	c := models.Code{AccountID: o.shop.acct.ID, Code: text, Normalized: models.NormalizeCode(text), Source: models.SourceGenerated,
		AffiliateID: &o.aff.ID, Active: true, SyncStatus: sync}
	if conn != nil {
		c.ConnectionID, c.PlatformID = conn.ID, "d-"+text
	}
	if err := o.store.DB().Create(&c).Error; err != nil {
		o.t.Fatal(err)
	}
	return c
}

func (o *offEnv) reload(id uint64) models.Code {
	o.t.Helper()
	var c models.Code
	if err := o.store.DB().Take(&c, id).Error; err != nil {
		o.t.Fatal(err)
	}
	return c
}

func TestUnassignOldBodiesUnchanged(t *testing.T) {
	o := newOffEnv(t)
	keep := o.code("KEEP10", o.demo, models.SyncSynced)
	var got models.Code
	o.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/codes/%d/unassign", keep.ID), o.shop.key, nil, &got)
	if got.AffiliateID != nil || !got.Active || got.StoreStatus != "" {
		t.Errorf("unassign with no body = %+v, want unassigned, still active, the store untouched", got)
	}
	drop := o.code("DROP10", o.demo, models.SyncSynced)
	o.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/codes/%d/unassign", drop.ID), o.shop.key, map[string]bool{"deactivate": true}, &got)
	if got.AffiliateID != nil || got.Active || got.StoreStatus != "" {
		t.Errorf(`{"deactivate": true} = %+v, want unassigned and inactive here only`, got)
	}
	plain := o.code("PLAIN10", o.demo, models.SyncSynced)
	o.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/codes/%d/deactivate", plain.ID), o.shop.key, nil, &got)
	if got.AffiliateID == nil || got.Active || got.StoreStatus != "" {
		t.Errorf("deactivate with no body = %+v, want inactive here only, still assigned", got)
	}
	if q := o.queue.Deactivations(); len(q) != 0 {
		t.Errorf("old bodies queued store deactivations %v", q)
	}
}

func TestTurnCodeOffOnStore(t *testing.T) {
	o := newOffEnv(t)
	first := o.code("ANN10", o.demo, models.SyncSynced)
	var got models.Code
	o.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/codes/%d/unassign", first.ID), o.shop.key,
		map[string]bool{"deactivate": true, "on_store": true}, &got)
	if got.AffiliateID != nil || got.Active || got.StoreStatus != models.StoreOffPending {
		t.Errorf("unassign on the store = %+v, want unassigned, inactive, waiting for the store", got)
	}
	second := o.code("ANN20", o.demo, models.SyncSynced)
	o.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/codes/%d/deactivate", second.ID), o.shop.key, map[string]bool{"on_store": true}, &got)
	if got.AffiliateID == nil || got.Active || got.StoreStatus != models.StoreOffPending {
		t.Errorf("deactivate on the store = %+v, want inactive, still assigned, waiting for the store", got)
	}
	if q := o.queue.Deactivations(); fmt.Sprint(q) != fmt.Sprint([]uint64{first.ID, second.ID}) {
		t.Errorf("queued %v, want both codes", q)
	}
	var conns struct {
		Data []struct {
			Name               string `json:"name"`
			CanDeactivateCodes bool   `json:"can_deactivate_codes"`
		} `json:"data"`
	}
	o.must(http.StatusOK, "GET", "/api/v1/connections", o.shop.key, nil, &conns)
	can := map[string]bool{}
	for _, c := range conns.Data {
		can[c.Name] = c.CanDeactivateCodes
	}
	if !can["Demo Store"] || can["Plain Store"] {
		t.Errorf("connections say %v, want only Demo Store able to turn codes off", can)
	}
}

func TestTurnCodeOffOnStoreBadInput(t *testing.T) {
	o := newOffEnv(t)
	on := o.code("ON10", o.demo, models.SyncSynced)
	plain := o.code("PLAIN10", o.plain, models.SyncSynced)
	nowhere := o.code("NOWHERE10", nil, models.SyncNone)
	pending := o.code("PENDING10", o.demo, models.SyncPending)
	path := func(c models.Code, action string) string { return fmt.Sprintf("/api/v1/codes/%d/%s", c.ID, action) }
	both := map[string]bool{"deactivate": true, "on_store": true}
	tests := []struct {
		name string
		code models.Code
		path string
		body any
		want string
	}{
		{"on_store without deactivate", on, path(on, "unassign"), map[string]bool{"on_store": true}, "on_store needs deactivate: true"},
		{"on_store not a boolean", on, path(on, "unassign"), `{"deactivate": true, "on_store": "yes"}`, "on_store"},
		{"unknown field", on, path(on, "deactivate"), `{"on_store": true, "everywhere": true}`, "everywhere"},
		{"deactivate field on deactivate", on, path(on, "deactivate"), both, "deactivate"},
		{"not JSON", on, path(on, "unassign"), `{"deactivate": tru`, ""},
		{"a store that cannot", plain, path(plain, "unassign"), both, "Codecredit cannot turn codes off on Plain Store; turn PLAIN10 off in the store's own admin"},
		{"a code on no store", nowhere, path(nowhere, "deactivate"), map[string]bool{"on_store": true}, "code NOWHERE10 was never created on a store"},
		{"a code not pushed yet", pending, path(pending, "unassign"), both, "code PENDING10 was never created on a store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := o.call("POST", tc.path, o.shop.key, tc.body)
			if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, tc.want) {
				t.Fatalf("%d %q, want 400 saying %q", rec.Code, msg, tc.want)
			}
			if got := o.reload(tc.code.ID); got.AffiliateID == nil || !got.Active || got.StoreStatus != "" {
				t.Fatalf("a refused request changed the code: %+v", got)
			}
		})
	}
	if q := o.queue.Deactivations(); len(q) != 0 {
		t.Errorf("refused requests queued %v", q)
	}
}

func TestTurnCodeOffOnStoreIsolation(t *testing.T) {
	o := newOffEnv(t)
	code := o.code("ANN10", o.demo, models.SyncSynced)
	other := o.tenant("Other shop")
	for _, tc := range []struct {
		action string
		body   any
	}{
		{"unassign", map[string]bool{"deactivate": true, "on_store": true}},
		{"deactivate", map[string]bool{"on_store": true}},
	} {
		rec := o.call("POST", fmt.Sprintf("/api/v1/codes/%d/%s", code.ID, tc.action), other.key, tc.body)
		if msg := errorOf(t, rec); rec.Code != http.StatusNotFound || !strings.HasSuffix(msg, "not found") {
			t.Fatalf("another account's key on %s: %d %q, want 404", tc.action, rec.Code, msg)
		}
	}
	if got := o.reload(code.ID); got.AffiliateID == nil || !got.Active || got.StoreStatus != "" {
		t.Fatalf("another account changed the code: %+v", got)
	}
	if q := o.queue.Deactivations(); len(q) != 0 {
		t.Errorf("another account queued %v", q)
	}
	var conns struct {
		Data []models.Connection `json:"data"`
	}
	o.must(http.StatusOK, "GET", "/api/v1/connections", other.key, nil, &conns)
	for _, c := range conns.Data {
		if c.AccountID != other.acct.ID {
			t.Errorf("another account sees connection %+v", c)
		}
	}
}
