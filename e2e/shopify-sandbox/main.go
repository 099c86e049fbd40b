// Command shopify-sandbox runs the local Shopify stand-in for the browser
// tests: one shop with seeded discount codes, webhooks delivered to the
// app under test. It prints its base URL as the first line of output and
// serves until it is stopped.
//
// It is one file; the sandbox itself is platforms/shopify/sandbox.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"codecredit/platforms/shopify/sandbox"
)

// appTopics are the topics shopify.app.toml subscribes to.
var appTopics = []string{"orders/paid", "orders/cancelled", "refunds/create",
	"discounts/create", "discounts/update", "discounts/delete", "app/uninstalled",
	"disputes/create", "disputes/update"}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	key := flag.String("api-key", "", "the app's API key (client id)")
	secret := flag.String("api-secret", "", "the app's API secret")
	appURL := flag.String("app-url", "", "the app's base URL, receiving webhooks")
	shops := flag.String("shops", "", "comma-separated shop domains to create")
	codes := flag.Int("codes", 0, "discount codes to seed in each shop")
	currency := flag.String("currency", "USD", "the shops' currency")
	flag.Parse()
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	sb := sandbox.New(sandbox.Options{APIKey: *key, APISecret: *secret, AppURL: *appURL,
		AppTopics: appTopics, Logger: log})
	for _, shop := range strings.Split(*shops, ",") {
		if shop = strings.TrimSpace(shop); shop == "" {
			continue
		}
		sb.AddShop(shop, *currency)
		if *codes > 0 {
			if err := sb.SeedDiscounts(shop, *codes); err != nil {
				log.Error("seed discounts", "shop", shop, "error", err)
				os.Exit(1)
			}
		}
	}
	base, err := sb.Start(*addr)
	if err != nil {
		log.Error("start", "error", err)
		os.Exit(1)
	}
	fmt.Println(base)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	sb.Close()
}
