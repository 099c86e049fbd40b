package sandbox

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
)

// DemoShop is the shop a newcomer installs the app on.
const DemoShop = "demo-store.myshopify.com"

// AddDemoShop adds DemoShop (USD) with 60 seeded codes, once.
func (s *Sandbox) AddDemoShop() *Shop {
	s.mu.Lock()
	_, exists := s.shops[DemoShop]
	s.mu.Unlock()
	sh := s.AddShop(DemoShop, "USD")
	if !exists {
		_ = s.SeedDiscounts(DemoShop, 300) // the shop exists: cannot fail
	}
	return sh
}

// seedWords name seeded campaigns.
var seedWords = []string{"WELCOME", "SUMMER", "SPRING", "FLASH", "HOLIDAY", "FRIENDS",
	"LOYAL", "NEWYEAR", "WEEKEND", "THANKS", "BUNDLE", "STUDENT"}

// SeedDiscounts fills a shop with about n codes in a realistic mix:
// percentage and fixed-amount discounts with one code, bulk discounts with
// up to 300 codes each, free shipping, buy-one-get-one, some expired and
// some scheduled. The same domain always gets the same discounts. No
// webhooks are sent: they are the shop's history before the app came.
func (s *Sandbox) SeedDiscounts(domain string, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(domain)
	if err != nil {
		return err
	}
	h := fnv.New64a()
	h.Write([]byte(sh.Domain))
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(len(sh.discounts))))
	now := s.now()
	for i, made := len(sh.discounts), 0; made < n; i++ {
		spec := seedSpec(sh, rng, i, n-made, now)
		created := now.Add(-time.Duration(rng.IntN(400)+1) * 24 * time.Hour)
		if !spec.StartsAt.IsZero() && spec.StartsAt.Before(created) {
			created = spec.StartsAt
		}
		d := s.addDiscount(sh, spec, created)
		made += len(d.Codes)
	}
	return nil
}

// seedSpec describes the i-th seeded discount; left is how many codes are
// still wanted.
func seedSpec(sh *Shop, rng *rand.Rand, i, left int, now time.Time) DiscountSpec {
	word := seedWords[i%len(seedWords)]
	pct := int64(5 * (1 + rng.IntN(8))) // 5% .. 40%
	amount := int64(5+5*rng.IntN(4)) * pow10(exponent(sh.Currency))
	spec := DiscountSpec{Kind: KindPercentage, Value: pct * 100}
	switch i % 10 {
	case 0, 1, 3:
		spec.Title = fmt.Sprintf("%s %d%% off", titleCase(strings.ToLower(word)), pct)
	case 2, 7:
		spec.Kind, spec.Value = KindFixedAmount, amount
		spec.Title = fmt.Sprintf("%s %s %s off", titleCase(strings.ToLower(word)), money(amount, sh.Currency), sh.Currency)
		spec.OncePerCustomer = i%10 == 7
	case 4:
		spec.Kind, spec.Value, spec.Title = KindFreeShipping, 0, "Free shipping "+strings.ToLower(word)
	case 5:
		spec.Title = fmt.Sprintf("%s %d%% (ended)", titleCase(strings.ToLower(word)), pct)
		spec.EndsAt = now.Add(-time.Duration(1+rng.IntN(60)) * 24 * time.Hour)
		spec.StartsAt = spec.EndsAt.Add(-30 * 24 * time.Hour)
	case 6:
		spec.Title = fmt.Sprintf("Influencer batch %d (%d%%)", i/10+1, pct)
		spec.Codes = bulkCodes(sh, rng, min(300, left))
	case 8:
		spec.Title = fmt.Sprintf("%s %d%% (scheduled)", titleCase(strings.ToLower(word)), pct)
		spec.StartsAt = now.Add(time.Duration(1+rng.IntN(30)) * 24 * time.Hour)
	case 9:
		spec.Kind, spec.Value, spec.Title = KindBxgy, 0, "Buy one get one "+strings.ToLower(word)
	}
	if spec.Codes == nil {
		spec.Codes = []string{uniqueCode(sh, seedCode(word, spec, sh.Currency))}
	}
	return spec
}

// seedCode names a single-code discount: SUMMER15, THANKS10USD,
// FREESHIPFLASH, BOGOLOYAL.
func seedCode(word string, spec DiscountSpec, currency string) string {
	switch spec.Kind {
	case KindPercentage:
		return fmt.Sprintf("%s%d", word, spec.Value/100)
	case KindFixedAmount:
		return fmt.Sprintf("%s%d%s", word, spec.Value/pow10(exponent(currency)), currency)
	case KindFreeShipping:
		return "FREESHIP" + word
	}
	return "BOGO" + word
}

// bulkCodes makes n random codes such as "INF-7K2Q9X".
func bulkCodes(sh *Shop, rng *rand.Rand, n int) []string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	out := make([]string, 0, n)
	seen := map[string]bool{}
	for len(out) < n {
		b := make([]byte, 6)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		c := "INF-" + string(b)
		if !seen[c] && sh.byCode[c] == nil {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// uniqueCode returns base, or base-2, base-3, ... when taken.
func uniqueCode(sh *Shop, base string) string {
	c := base
	for n := 2; sh.byCode[strings.ToUpper(c)] != nil; n++ {
		c = fmt.Sprintf("%s-%d", base, n)
	}
	return c
}

func pow10(e int) int64 {
	p := int64(1)
	for range e {
		p *= 10
	}
	return p
}
