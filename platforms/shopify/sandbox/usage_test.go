package sandbox

import "testing"

// The bucket follows the plan's restore rate (20 seconds of it), and the
// usage counts what ran, what it was charged and what was throttled.
func TestGraphQLUsage(t *testing.T) {
	for _, tt := range []struct{ rate, bucket float64 }{{0, 2000}, {1000, 20000}} {
		e := newEnv(t, func(o *Options) { o.GraphQLRestoreRate = tt.rate })
		tok := e.token(t)
		if err := e.sb.SeedDiscounts(testShop, 50); err != nil {
			t.Fatal(err)
		}
		r := e.gql(t, tok, `{ codeDiscountNodes(first: 5) { nodes { id } } }`, nil) // 2 + 5 × 1
		if r.Extensions.Cost.ThrottleStatus.MaximumAvailable != tt.bucket {
			t.Errorf("restore rate %v: bucket %s, want %v", tt.rate, r.Raw, tt.bucket)
		}
		e.gql(t, tok, `{ codeDiscountNodes(first: 250) { nodes { codeDiscount { ... on DiscountCodeBasic { codes(first: 100) { nodes { code } } } } } } }`, nil)
		u, err := e.sb.GraphQLUsage(testShop)
		if err != nil || u.Queries != 1 || u.Requested != 7 || u.Spent != 7 || u.BucketSize != tt.bucket || u.First.IsZero() {
			t.Errorf("usage %+v, %v; want the one query that ran, 7 points", u, err)
		}
	}
	e := newEnv(t, func(o *Options) { o.GraphQLBucket, o.GraphQLRestoreRate = 10, 1 })
	tok := e.token(t)
	if err := e.sb.SeedDiscounts(testShop, 50); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		e.gql(t, tok, `{ codeDiscountNodes(first: 4) { nodes { id } } }`, nil) // 6 of the 10 points
	}
	if u, _ := e.sb.GraphQLUsage(testShop); u.Queries != 1 || u.Throttled != 1 || u.Spent != 6 {
		t.Errorf("usage %+v; want one query run (6 points) and one throttled", u)
	}
	if _, err := New(Options{}).GraphQLUsage("nope"); err == nil {
		t.Error("usage of an unknown shop")
	}
}
