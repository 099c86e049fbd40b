package shopify

import (
	"sync"
	"time"
)

// pacer keeps each shop's GraphQL bucket as Shopify last reported it
// (extensions.cost.throttleStatus) and the requested cost each query text
// was last priced at. A query the bucket cannot hold yet is then not
// sent: the caller gets the wait Shopify's THROTTLED answer would have
// implied, without spending a round trip on it. The estimate only ever
// lags the real bucket (it starts from when the answer arrived), so a
// paced query is not throttled unless another client of the same shop
// spent points meanwhile, which the THROTTLED path still handles.
type pacer struct {
	mu    sync.Mutex
	shops map[string]bucketSeen
	costs map[string]float64 // requested cost by query text; the adapter's queries are constants
}

// maxQueryCost is Shopify's limit on one query's requested cost, on
// every plan: a dearer query is refused whatever the bucket holds.
const maxQueryCost = 1000

// bucketSeen is a shop's bucket at a moment.
type bucketSeen struct {
	available, maximum, rate float64
	at                       time.Time
}

// wait is how long to hold query for shop before sending it; zero when
// the bucket should hold its cost now, or when either is not known yet.
func (p *pacer) wait(shop, query string, now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, seen := p.shops[shop]
	cost, priced := p.costs[query]
	if !seen || !priced || b.rate <= 0 || cost > min(b.maximum, maxQueryCost) {
		return 0
	}
	available := min(b.maximum, b.available+now.Sub(b.at).Seconds()*b.rate)
	if cost <= available {
		return 0
	}
	c := gqlCost{RequestedQueryCost: cost}
	c.ThrottleStatus.CurrentlyAvailable, c.ThrottleStatus.RestoreRate = available, b.rate
	return c.retryAfter()
}

// observe records the cost extension of an answer to query for shop.
func (p *pacer) observe(shop, query string, c gqlCost, now time.Time) {
	t := c.ThrottleStatus
	if t.MaximumAvailable <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shops == nil {
		p.shops, p.costs = map[string]bucketSeen{}, map[string]float64{}
	}
	p.shops[shop] = bucketSeen{available: t.CurrentlyAvailable, maximum: t.MaximumAvailable, rate: t.RestoreRate, at: now}
	if c.RequestedQueryCost > 0 {
		p.costs[query] = c.RequestedQueryCost
	}
}
