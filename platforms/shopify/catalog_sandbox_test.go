package shopify_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/shopify/sandbox"
)

// sandboxCodes lists every code the sandbox shop holds, by code.
func sandboxCodes(t *testing.T, sb *sandbox.Sandbox) map[string]sandbox.Discount {
	t.Helper()
	ds, err := sb.Discounts(shopName)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]sandbox.Discount{}
	for _, d := range ds {
		for _, c := range d.Codes {
			out[c.Code] = d
		}
	}
	return out
}

// importAll pages through ImportCodes the way the import job does: on a
// throttle it waits RetryAfter (here: moves the shared clock), and after
// page crashAfter it "crashes" and starts again from the last saved cursor,
// fetching that page a second time.
func importAll(t *testing.T, r *rig, conn *platforms.Conn, crashAfter int) (codes []platforms.DiscountCode, total, throttles, pages int) {
	t.Helper()
	ctx := context.Background()
	cursor, saved, total := "", "", -1
	for calls := 0; calls < 10000; calls++ {
		page, err := r.a.ImportCodes(ctx, conn, cursor)
		var rl *platforms.RateLimitError
		if errors.As(err, &rl) {
			if rl.RetryAfter <= 0 {
				t.Fatalf("throttled with RetryAfter %s", rl.RetryAfter)
			}
			throttles++
			r.clock.Advance(rl.RetryAfter)
			continue
		}
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if page.Total >= 0 {
			total = page.Total
		}
		pages++
		codes = append(codes, page.Codes...)
		if pages == crashAfter {
			cursor = saved // the checkpoint of the previous page
			continue
		}
		saved = page.Next
		if page.Next == "" {
			return codes, total, throttles, pages
		}
		cursor = page.Next
	}
	t.Fatal("import never ended")
	return nil, 0, 0, 0
}

func TestImportFiveThousandCodesThroughTheThrottle(t *testing.T) {
	r := newRig(t, "USD")
	if err := r.sb.SeedDiscounts(shopName, 5000); err != nil {
		t.Fatal(err)
	}
	want := sandboxCodes(t, r.sb)
	conn := r.install(t)
	codes, total, throttles, pages := importAll(t, r, conn, 7)
	t.Logf("%d codes in %d pages, %d throttles, total %d", len(codes), pages, throttles, total)
	if total != len(want) {
		t.Errorf("total reported %d, shop holds %d codes", total, len(want))
	}
	if throttles == 0 {
		t.Errorf("%d pages without a single throttle; the cost accounting is off", pages)
	}
	seen := map[string]int{}
	for _, c := range codes {
		seen[c.Code]++
		d, ok := want[c.Code]
		if !ok {
			t.Fatalf("imported %q, which the shop does not hold", c.Code)
		}
		checkTerms(t, c, d)
	}
	if len(seen) != len(want) {
		t.Fatalf("imported %d distinct codes, shop holds %d", len(seen), len(want))
	}
	dups := len(codes) - len(seen)
	if dups == 0 || dups > 500 {
		t.Errorf("%d codes fetched twice; the replayed page should be fetched again, and only it", dups)
	}
	bulk := 0
	for _, d := range uniqueDiscounts(want) {
		if len(d.Codes) > 250 {
			bulk++
		}
	}
	if bulk == 0 {
		t.Error("the seed has no discount with more than 250 codes; nested paging went untested")
	}
}

// checkTerms compares an imported code with the sandbox's discount.
func checkTerms(t *testing.T, c platforms.DiscountCode, d sandbox.Discount) {
	t.Helper()
	if !strings.HasSuffix(c.PlatformID, "/"+strconv.FormatInt(d.ID, 10)) || c.PlatformCodeID == "" {
		t.Fatalf("%s: ids %q %q, discount %d", c.Code, c.PlatformID, c.PlatformCodeID, d.ID)
	}
	wantType := map[string]string{sandbox.KindPercentage: "percentage", sandbox.KindFixedAmount: "fixed_amount",
		sandbox.KindFreeShipping: "free_shipping", sandbox.KindBxgy: "other"}[d.Kind]
	if c.DiscountType != wantType || c.OncePerCustomer != d.OncePerCustomer {
		t.Fatalf("%s: %s once=%v, want %s once=%v", c.Code, c.DiscountType, c.OncePerCustomer, wantType, d.OncePerCustomer)
	}
	if (wantType == "percentage" || wantType == "fixed_amount") && c.DiscountValue != d.Value {
		t.Fatalf("%s: value %d, want %d", c.Code, c.DiscountValue, d.Value)
	}
}

func uniqueDiscounts(m map[string]sandbox.Discount) map[int64]sandbox.Discount {
	out := map[int64]sandbox.Discount{}
	for _, d := range m {
		out[d.ID] = d
	}
	return out
}

func TestCreateCode(t *testing.T) {
	r := newRig(t, "JPY")
	ctx := context.Background()
	conn := r.install(t)
	pct, err := r.a.CreateCode(ctx, conn, platforms.NewCode{Code: "ALICE15", Title: "Alice 15%",
		DiscountType: "percentage", DiscountValue: 1500, OncePerCustomer: true})
	if err != nil {
		t.Fatal(err)
	}
	if pct.Code != "ALICE15" || pct.DiscountType != "percentage" || pct.DiscountValue != 1500 || !pct.OncePerCustomer ||
		!strings.HasPrefix(pct.PlatformID, "gid://shopify/DiscountCodeNode/") || pct.PlatformCodeID == "" || !pct.Active {
		t.Fatalf("created %+v", pct)
	}
	fixed, err := r.a.CreateCode(ctx, conn, platforms.NewCode{Code: "BOB500", DiscountType: "fixed_amount",
		DiscountValue: 500, Currency: "JPY"})
	if err != nil {
		t.Fatal(err)
	}
	// The value read back is not checked here: the sandbox writes a round
	// yen amount as "5.0" (platforms/shopify/sandbox/build.go shortDecimal);
	// Shopify writes "500.0", which toMinor reads as 500 (see money_test.go).
	if fixed.DiscountType != "fixed_amount" || fixed.Currency != "JPY" || fixed.PlatformCodeID == "" {
		t.Fatalf("created %+v; want 500 JPY off", fixed)
	}
	// Without a currency the amount is in the shop's (zero-decimal yen here).
	if _, err := r.a.CreateCode(ctx, conn, platforms.NewCode{Code: "CAROL", DiscountType: "fixed_amount", DiscountValue: 705}); err != nil {
		t.Fatal(err)
	}
	got := sandboxCodes(t, r.sb)
	if d := got["CAROL"]; d.Kind != sandbox.KindFixedAmount || d.Value != 705 {
		t.Fatalf("the shop holds %+v for CAROL; want 705 JPY off", d)
	}
	if d, ok := got["ALICE15"]; !ok || d.Kind != sandbox.KindPercentage || d.Value != 1500 || !d.OncePerCustomer {
		t.Fatalf("the shop holds %+v for ALICE15", d)
	}
	if d, ok := got["BOB500"]; !ok || d.Kind != sandbox.KindFixedAmount || d.Value != 500 {
		t.Fatalf("the shop holds %+v for BOB500", d)
	}
	read, err := r.a.DiscountCodes(ctx, conn, pct.PlatformID)
	if err != nil || len(read) != 1 || read[0] != pct {
		t.Fatalf("DiscountCodes = %+v, %v; want %+v", read, err, pct)
	}
	// The same code again (in any case) is Shopify's refusal, in its words.
	_, err = r.a.CreateCode(ctx, conn, platforms.NewCode{Code: "alice15", DiscountType: "percentage", DiscountValue: 1000})
	var rej *platforms.RejectedError
	if !errors.As(err, &rej) || !strings.Contains(rej.Reason, "must be unique") {
		t.Fatalf("taken code: %v; want a RejectedError saying the code must be unique", err)
	}
}

func TestDiscountCodesOfADeletedDiscount(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	conn := r.install(t)
	d, err := r.sb.CreateDiscount(shopName, sandbox.DiscountSpec{Title: "Gone", Codes: []string{"GONE10"},
		Kind: sandbox.KindPercentage, Value: 1000})
	if err != nil {
		t.Fatal(err)
	}
	gid := "gid://shopify/DiscountCodeNode/" + strconv.FormatInt(d.ID, 10)
	if codes, err := r.a.DiscountCodes(ctx, conn, gid); err != nil || len(codes) != 1 || codes[0].Code != "GONE10" {
		t.Fatalf("DiscountCodes = %+v, %v", codes, err)
	}
	if err := r.sb.DeleteDiscount(shopName, d.ID); err != nil {
		t.Fatal(err)
	}
	if codes, err := r.a.DiscountCodes(ctx, conn, gid); err != nil || len(codes) != 0 {
		t.Fatalf("DiscountCodes of a deleted discount = %+v, %v; want none", codes, err)
	}
}
