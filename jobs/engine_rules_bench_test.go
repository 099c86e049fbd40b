package jobs_test

import (
	"context"
	"strconv"
	"testing"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// linedOrder is a paid order of three lines (products P1, P2, P3) with
// prices that include tax, the template of BenchmarkEngineRules.
func linedOrder() platforms.Order {
	o := order("ORDERID", "CODEX", 0)
	o.TaxesIncluded, o.Shipping, o.Tax = true, 500, 1000
	o.Lines = []platforms.OrderLine{
		{ID: "1", ProductID: "P1", Title: "Shirt", Quantity: 2, UnitPrice: 3000, Discount: 600, Tax: 900},
		{ID: "2", ProductID: "P2", Title: "Gift card", Quantity: 1, UnitPrice: 5000},
		{ID: "3", ProductID: "P3", Title: "Mug", Quantity: 1, UnitPrice: 1200, Tax: 100},
	}
	for _, l := range o.Lines {
		o.Subtotal += l.Net(true)
	}
	o.Total = o.Subtotal + o.Tax + o.Shipping
	return o
}

// BenchmarkEngineRules books the same b.N three-line orders in batches
// (BookEventBatch, 2 callers, as the worker's drainers do) twice in one
// run: "plain" under the program default alone, "rules" with a product
// rule, an exclusion and a code rule for one code in four, so every order
// is decided line by line by several rules, and "rules+tiers" with monthly
// sales tiers and a bonus too (crossed early on), each order counted
// towards its affiliate's tier.
// (Shipping in the base adds a line to each order, and so its insert:
// not measured here.)
//
//	go test -run '^$' -bench BenchmarkEngineRules -benchtime 20000x ./jobs/
func BenchmarkEngineRules(b *testing.B) {
	for _, v := range []struct {
		name         string
		rules, tiers bool
	}{{"plain", false, false}, {"rules", true, false}, {"rules+tiers", true, true}} {
		b.Run(v.name, func(b *testing.B) {
			s := testdb.Postgres(b)
			sh := newShop(b, s, 4)
			if v.rules {
				addBenchRules(b, sh, v.tiers)
			}
			storeBacklogOf(b, sh, b.N, "e", linedOrder())
			engineRun(b, s, 2, drainAll(b, s), func() {})
			if n := count(b, s, &models.ConversionLine{}, "1 = 1"); n < int64(3*b.N) {
				b.Fatalf("%d conversion lines for %d orders", n, b.N)
			}
		})
	}
}

func addBenchRules(b *testing.B, sh *shop, tiers bool) {
	ctx := context.Background()
	var code models.Code
	if err := sh.store.DB().Where("account_id = ? AND code = ?", sh.account.ID, sh.codes[0]).Take(&code).Error; err != nil {
		b.Fatal(err)
	}
	for _, r := range []models.ConditionRule{
		{Scope: models.ScopeProduct, Target: "P1", Kind: commission.Percent, BasisPoints: 1500},
		{Scope: models.ScopeProduct, Target: "P2", Kind: commission.Exclude},
		{Scope: models.ScopeCode, Target: uintText(code.ID), Kind: commission.Percent, BasisPoints: 2000},
	} {
		if _, err := sh.store.SaveConditionRule(ctx, sh.account.ID, r); err != nil {
			b.Fatal(err)
		}
	}
	if !tiers {
		return
	}
	_, err := sh.store.SetTierProgram(ctx, sh.account.ID, models.TierProgram{Metric: models.TierSales, Period: models.TierMonth,
		Bonus: true, Tiers: []models.CommissionTier{
			{Name: "Silver", Threshold: 100000, Kind: commission.Percent, BasisPoints: 1200},
			{Name: "Gold", Threshold: 1000000, Kind: commission.Percent, BasisPoints: 1500},
		}})
	if err != nil {
		b.Fatal(err)
	}
}

func uintText(v uint64) string { return strconv.FormatUint(v, 10) }
