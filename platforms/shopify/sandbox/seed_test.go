package sandbox

import (
	"testing"
	"time"
)

// Seeding gives a realistic, repeatable mix: every kind of discount, bulk
// discounts of up to 300 codes, some ended and some scheduled, unique codes.
func TestSeedDiscounts(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.sb.SeedDiscounts(testShop, 1000); err != nil {
		t.Fatal(err)
	}
	list, _ := e.sb.Discounts(testShop)
	kinds, status, codes, biggest := map[string]int{}, map[string]int{}, map[string]bool{}, 0
	for _, d := range list {
		kinds[d.Kind]++
		status[d.Status(e.clock.Now())]++
		biggest = max(biggest, len(d.Codes))
		for _, c := range d.Codes {
			if codes[c.Code] {
				t.Errorf("code %s seeded twice", c.Code)
			}
			codes[c.Code] = true
		}
	}
	if len(codes) != 1000 || biggest != 300 {
		t.Errorf("%d codes, largest discount %d; want 1000 and 300", len(codes), biggest)
	}
	for _, k := range []string{KindPercentage, KindFixedAmount, KindFreeShipping, KindBxgy} {
		if kinds[k] == 0 {
			t.Errorf("no %s discount in %v", k, kinds)
		}
	}
	for _, s := range []string{"ACTIVE", "EXPIRED", "SCHEDULED"} {
		if status[s] == 0 {
			t.Errorf("no %s discount in %v", s, status)
		}
	}
	again := New(Options{Clock: func() time.Time { return e.clock.Now() }})
	again.AddShop(testShop, "USD")
	_ = again.SeedDiscounts(testShop, 1000)
	other, _ := again.Discounts(testShop)
	if len(other) != len(list) || other[3].Codes[0].Code != list[3].Codes[0].Code {
		t.Error("seeding the same shop twice gave different discounts")
	}
	if err := e.sb.SeedDiscounts("nope", 1); err == nil {
		t.Error("seeded an unknown shop")
	}
	demo := again.AddDemoShop()
	if d, _ := again.Discounts(demo.Domain); len(d) == 0 || demo.Domain != DemoShop {
		t.Errorf("demo shop %s has %d discounts", demo.Domain, len(d))
	}
}
