package sandbox

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the recorded webhook samples in testdata/")

// samplePayloads are the webhook bodies of one scripted session: a code
// discount created, changed and deleted, an order paid with it and partly
// refunded, a second order cancelled, the compliance requests and the
// uninstall. The recorded samples in testdata/ follow Shopify's documented
// samples (see testdata/README.md); the sandbox must keep producing bodies
// of exactly their shape.
func samplePayloads(t *testing.T) map[string][]byte {
	t.Helper()
	rc := newReceiver(t, nil)
	e := newEnv(t, func(o *Options) { o.AppURL = rc.srv.URL })
	tok := e.token(t)
	e.subscribe(t, tok, rc, "orders/paid", "orders/cancelled", "refunds/create", "app/uninstalled",
		"discounts/create", "discounts/update", "discounts/delete")
	d, err := e.sb.CreateDiscount(testShop, DiscountSpec{Title: "Summer 15% off", Codes: []string{"SUMMER15"}, Kind: KindPercentage, Value: 1500})
	if err != nil {
		t.Fatal(err)
	}
	must(t, func() error {
		_, err := e.sb.UpdateDiscount(testShop, d.ID, DiscountSpec{Title: "Summer 20% off", Codes: []string{"SUMMER15"}, Kind: KindPercentage, Value: 2000})
		return err
	}())
	spec := OrderSpec{Codes: []string{"SUMMER15"}, Email: "jon@example.com", FirstName: "Jon", LastName: "Snow",
		Shipping: "5.00", TaxRate: 600, Lines: []Line{{Title: "IPod Nano - 8GB", SKU: "IPOD2008PINK", Price: "199.00", Quantity: 1},
			{Title: "Case", SKU: "CASE", Price: "20.00", Quantity: 2}}}
	id, err := e.sb.PlaceOrder(testShop, spec)
	must(t, err)
	_, err = e.sb.Refund(testShop, id, RefundSpec{Lines: []RefundLine{{Index: 1, Quantity: 1}}, Shipping: true, Note: "Things were damaged"})
	must(t, err)
	second, err := e.sb.PlaceOrder(testShop, OrderSpec{Codes: []string{"SUMMER15"}, Email: "ann@example.com", Lines: spec.Lines})
	must(t, err)
	must(t, e.sb.Cancel(testShop, second))
	must(t, e.sb.DeleteDiscount(testShop, d.ID))
	must(t, e.sb.RequestCustomerData(testShop, "jon@example.com"))
	must(t, e.sb.RedactCustomer(testShop, "jon@example.com"))
	must(t, e.sb.RedactShop(testShop))
	must(t, e.sb.Uninstall(testShop))
	e.sb.Wait()
	out := map[string][]byte{}
	for _, r := range rc.all() {
		name := strings.ReplaceAll(r.Header.Get("X-Shopify-Topic"), "/", "_")
		if _, seen := out[name]; !seen {
			out[name] = r.Body
		}
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sampleTypes is the struct each topic's body decodes into.
var sampleTypes = map[string]func() any{
	"orders_paid": func() any { return new(OrderPayload) }, "orders_cancelled": func() any { return new(OrderPayload) },
	"refunds_create": func() any { return new(RefundPayload) }, "app_uninstalled": func() any { return new(ShopPayload) },
	"discounts_create": func() any { return new(DiscountPayload) }, "discounts_update": func() any { return new(DiscountPayload) },
	"discounts_delete":       func() any { return new(DiscountDeletedPayload) },
	"customers_data_request": func() any { return new(DataRequestPayload) },
	"customers_redact":       func() any { return new(CustomerRedactPayload) }, "shop_redact": func() any { return new(ShopRedactPayload) },
}

// Every topic's delivery has the fields and JSON types of its recorded
// sample, and every sample decodes into the sandbox's structs with no field
// left over.
func TestPayloadsMatchRecordedSamples(t *testing.T) {
	got := samplePayloads(t)
	if len(got) != len(sampleTypes) {
		t.Errorf("delivered topics %d, want %d", len(got), len(sampleTypes))
	}
	for topic, mk := range sampleTypes {
		path := filepath.Join("testdata", topic+".json")
		if *update {
			var buf bytes.Buffer
			must(t, json.Indent(&buf, got[topic], "", "  "))
			must(t, os.WriteFile(path, append(buf.Bytes(), '\n'), 0o644))
		}
		sample, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to record)", topic, err)
		}
		dec := json.NewDecoder(bytes.NewReader(sample))
		dec.DisallowUnknownFields()
		if err := dec.Decode(mk()); err != nil {
			t.Errorf("%s: sample does not decode strictly: %v", topic, err)
		}
		if want, have := shape(t, sample), shape(t, got[topic]); !equal(want, have) {
			t.Errorf("%s: delivered shape differs from the sample:\n only in sample: %v\n only delivered: %v",
				topic, minus(want, have), minus(have, want))
		}
	}
}

// shape lists every path of a JSON document with the JSON type found there.
func shape(t *testing.T, body []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	set := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(prefix+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(prefix+"[]", e)
			}
		case string:
			set[prefix+":string"] = true
		case float64:
			set[prefix+":number"] = true
		case bool:
			set[prefix+":bool"] = true
		case nil:
			set[prefix+":null"] = true
		}
	}
	walk("", v)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}
