package jobs_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

const catalogShop = "catalog-shop.myshopify.com"

// catalogSandbox is a sandbox shop with its seeded catalog, a Shopify
// connection to it granted read_products, and a worker.
func catalogSandbox(t *testing.T, scopes string) (*shop, *sandbox.Sandbox, *jobs.Client, *models.Connection) {
	t.Helper()
	jobs.SetCatalogDelay(t, 50*time.Millisecond)
	sb := sandbox.New(sandbox.Options{APIKey: "key", APISecret: "secret", AppURL: "http://127.0.0.1:1", Scopes: scopes})
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	sb.AddShop(catalogShop, "USD")
	a := shopify.New(shopify.Config{APIKey: "key", APISecret: "secret", AppURL: "https://cc.example.com",
		BaseURL: base, HTTPClient: &http.Client{Timeout: 10 * time.Second}})
	pc, err := a.ExchangeSessionToken(context.Background(), catalogShop, sb.MintSessionToken(catalogShop, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	sh := newShop(t, testdb.Postgres(t), 0)
	url, queue := redisQueue(t)
	startWorker(t, sh.store, url, jobs.Options{Queue: queue, Platforms: map[string]platforms.Platform{platforms.Shopify: a}})
	conn, err := sh.store.InstallConnection(context.Background(), models.Install{AccountID: sh.account.ID,
		Platform: platforms.Shopify, ExternalID: catalogShop, Credentials: models.Credentials(pc.Credentials), Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	return sh, sb, newClient(t, url, queue), conn
}

// waitCollections waits until the stored catalog gives product id these
// collection titles.
func waitCollections(t *testing.T, sh *shop, sb *sandbox.Sandbox, conn *models.Connection, productID int64, titles ...string) {
	t.Helper()
	waitFor(t, "the catalog read", func() (bool, string) {
		got, err := sh.store.ProductCollections(context.Background(), conn.ID, []string{strconv.FormatInt(productID, 10)})
		want := collectionIDs(t, sb, sh, conn, titles)
		return err == nil && len(want) == len(titles) && reflect.DeepEqual(got[strconv.FormatInt(productID, 10)], want),
			"stored: " + jsonOf(got) + ", want " + jsonOf(want)
	})
}

// collectionIDs are the stored ids of the collections titled, sorted as
// ProductCollections gives them.
func collectionIDs(t *testing.T, sb *sandbox.Sandbox, sh *shop, conn *models.Connection, titles []string) []string {
	t.Helper()
	var ids []string
	for _, title := range titles {
		_, cols, err := sh.store.SearchCatalog(context.Background(), sh.account.ID, title, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			if c.Title == title && c.ConnectionID == conn.ID {
				ids = append(ids, c.CollectionID)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// After install the whole catalog is read: the five seeded products, the
// hat in Summer and Accessories. A products/update delivery (the hat moved
// to Accessories and a new Sale) has it read again.
func TestSyncCatalogAfterInstallAndOnWebhook(t *testing.T) {
	sh, sb, client, conn := catalogSandbox(t, "read_orders,read_discounts,write_discounts,read_products")
	ctx := context.Background()
	if err := client.EnqueueCatalogSync(ctx, conn.ID); err != nil {
		t.Fatal(err)
	}
	seeded, err := sb.Products(catalogShop)
	if err != nil {
		t.Fatal(err)
	}
	hat := seeded[1].ID
	waitCollections(t, sh, sb, conn, hat, "Summer", "Accessories")
	if n := count(t, sh.store, &models.Product{}, "connection_id = ?", conn.ID); n != 5 {
		t.Fatalf("%d products stored, want 5", n)
	}
	moved, err := sb.MoveProduct(catalogShop, hat, []string{"Accessories", "Sale"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"id": moved.ID, "title": moved.Title})
	ev, _, err := sh.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: sh.account.ID, ConnectionID: conn.ID,
		Platform: platforms.Shopify, Topic: "products/update", ExternalEventID: "products-update-1", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.EnqueueEvent(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	waitCollections(t, sh, sb, conn, hat, "Accessories", "Sale")
	waitProcessed(t, sh.store, 1)
}

// A shop that did not grant read_products: the refusal is shown on the
// connection, which stays active, and nothing is stored.
func TestSyncCatalogWithoutScope(t *testing.T) {
	sh, _, client, conn := catalogSandbox(t, "read_orders,read_discounts,write_discounts")
	if err := client.EnqueueCatalogSync(context.Background(), conn.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the refusal noted", func() (bool, string) {
		c, err := sh.store.GetConnection(context.Background(), conn.ID)
		return err == nil && strings.Contains(c.LastError, "read_products") && c.Status == models.ConnectionActive, jsonOf(c)
	})
	if n := count(t, sh.store, &models.Product{}, "connection_id = ?", conn.ID); n != 0 {
		t.Fatalf("%d products stored", n)
	}
}
