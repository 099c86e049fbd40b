package sandbox

import "time"

// bucketSeconds is how many seconds of restore a GraphQL bucket holds:
// Shopify answers maximumAvailable 2,000 with restoreRate 100 on Standard
// plans and 20,000 with 1,000 on Plus, as its older documentation's 1,000
// with 50.
const bucketSeconds = 20

// GraphQLUsage is what a shop's GraphQL Admin API calls have cost so far,
// as its throttle counted them, so a benchmark can compare an import's
// throughput with what the bucket allowed.
type GraphQLUsage struct {
	Queries     int       // calls that ran and were charged
	Throttled   int       // calls refused with THROTTLED, charged nothing
	Requested   int       // the requested cost of the calls that ran
	Spent       int       // the points they were charged: their actual cost
	BucketSize  float64   // maximumAvailable
	RestoreRate float64   // points restored per second
	First, Last time.Time // when the first and the last charged call ran
}

// charge records a call that ran; call with mu held.
func (u *GraphQLUsage) charge(now time.Time, requested, actual int) {
	if u.Queries == 0 {
		u.First = now
	}
	u.Queries++
	u.Requested += requested
	u.Spent += actual
	u.Last = now
}

// GraphQLUsage reports the shop's GraphQL Admin API usage since it was
// added, with the bucket it is throttled by.
func (s *Sandbox) GraphQLUsage(shop string) (GraphQLUsage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return GraphQLUsage{}, err
	}
	u := sh.gqlUsage
	u.BucketSize, u.RestoreRate = s.opts.GraphQLBucket, s.opts.GraphQLRestoreRate
	return u, nil
}
