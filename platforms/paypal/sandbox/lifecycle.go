package sandbox

import (
	"strings"
	"time"
)

// Rule chooses the states an item goes through when its email's local
// part contains Contains (case-insensitive): "ada+unclaimed@example.com"
// stays UNCLAIMED. The first matching rule wins; an email no rule matches
// succeeds.
type Rule struct {
	Contains string
	// Path is the states after PENDING, one every SettleAfter.
	Path []string
	// ErrorName and ErrorMessage are the item's errors once it leaves
	// PENDING (PayPal explains UNCLAIMED, FAILED and RETURNED items).
	ErrorName, ErrorMessage string
}

const unregistered = "The recipient for this payout does not have an account. A link to sign up for an account was sent to the recipient. However, if the recipient does not claim this payout within 30 days, the funds will be returned to your account."

// DefaultRules are the outcomes by email, one per documented item state.
func DefaultRules() []Rule {
	return []Rule{
		{Contains: "returned", Path: []string{"UNCLAIMED", "RETURNED"}, ErrorName: "RECEIVER_UNREGISTERED", ErrorMessage: unregistered},
		{Contains: "unclaimed", Path: []string{"UNCLAIMED"}, ErrorName: "RECEIVER_UNREGISTERED", ErrorMessage: unregistered},
		{Contains: "failed", Path: []string{"FAILED"}, ErrorName: "RECEIVER_ACCOUNT_LOCKED", ErrorMessage: "Receiver's account is locked or inactive."},
		{Contains: "onhold", Path: []string{"ONHOLD"}},
		{Contains: "blocked", Path: []string{"BLOCKED"}},
		{Contains: "refunded", Path: []string{"SUCCESS", "REFUNDED"}},
		{Contains: "reversed", Path: []string{"SUCCESS", "REVERSED"}},
		{Contains: "", Path: []string{"SUCCESS"}},
	}
}

// ruleFor picks the rule for an email.
func (s *Server) ruleFor(email string) Rule {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	for _, r := range s.opts.Rules {
		if strings.Contains(local, strings.ToLower(r.Contains)) {
			return r
		}
	}
	return Rule{Path: []string{"SUCCESS"}}
}

// itemEvents names the webhook sent when an item reaches a state
// (developer.paypal.com/payouts/webhooks); REVERSED has none.
var itemEvents = map[string]string{
	"SUCCESS": "PAYMENT.PAYOUTS-ITEM.SUCCEEDED", "FAILED": "PAYMENT.PAYOUTS-ITEM.FAILED",
	"UNCLAIMED": "PAYMENT.PAYOUTS-ITEM.UNCLAIMED", "RETURNED": "PAYMENT.PAYOUTS-ITEM.RETURNED",
	"ONHOLD": "PAYMENT.PAYOUTS-ITEM.HELD", "BLOCKED": "PAYMENT.PAYOUTS-ITEM.BLOCKED",
	"REFUNDED": "PAYMENT.PAYOUTS-ITEM.REFUNDED",
}

// advance moves every due item and batch to its next state and queues
// their webhooks. Callers hold s.mu.
func (s *Server) advance(now time.Time) {
	for _, b := range s.active() {
		moved := false
		for _, it := range b.items {
			for len(it.path) > 0 && !now.Before(it.next) {
				s.moveItem(b, it, it.path[0], it.next)
				it.path = it.path[1:]
				it.next = it.next.Add(s.opts.SettleAfter)
				moved = true
			}
		}
		if moved && b.status == "PENDING" {
			b.status = "PROCESSING"
			s.queue("PAYMENT.PAYOUTSBATCH.PROCESSING", "payouts", "Payouts batch is being processed.", s.batchResource(b), now)
		}
		if b.status == "PROCESSING" && !b.anyPending() {
			b.status, b.completed = "SUCCESS", now
			s.queue("PAYMENT.PAYOUTSBATCH.SUCCESS", "payouts", "Payouts batch completed successfully.", s.batchResource(b), now)
		}
		b.settled = !b.anyMoving() && b.status == "SUCCESS"
	}
}

// moveItem sets an item's state and queues its webhook.
func (s *Server) moveItem(b *batch, it *item, status string, at time.Time) {
	it.status, it.processed = status, at
	if it.txnID == "" {
		it.txnID = s.newID() + s.newID()[:4]
	}
	if status != "SUCCESS" && status != "REFUNDED" && status != "REVERSED" {
		it.errName, it.errMsg = it.rule.ErrorName, it.rule.ErrorMessage
	}
	if typ, ok := itemEvents[status]; ok {
		s.queue(typ, "payouts_item", "A payout item has "+strings.ToLower(status), s.itemResource(b, it), at)
	}
}

// active lists batches whose items may still move.
func (s *Server) active() []*batch {
	var out []*batch
	for _, id := range s.order {
		if b := s.batches[id]; !b.settled {
			out = append(out, b)
		}
	}
	return out
}

func (b *batch) anyPending() bool {
	for _, it := range b.items {
		if it.status == "PENDING" {
			return true
		}
	}
	return false
}

func (b *batch) anyMoving() bool {
	for _, it := range b.items {
		if len(it.path) > 0 {
			return true
		}
	}
	return false
}
