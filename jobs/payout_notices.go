package jobs

import "context"

// payoutNoticeBatch is how many payout notices one call writes at most;
// the next call writes the rest.
const payoutNoticeBatch = 200

// NotifyPayouts writes and queues the notices of payout items paid, or
// not paid for a reason the affiliate must fix, that have none yet. The
// PayPal send job calls it after booking items, the housekeeping loop for
// items a webhook booked. Failures are logged, never returned: the next
// call writes what this one missed, and each item's outcome is emailed
// once whatever the number of calls.
func (e *Emails) NotifyPayouts(ctx context.Context) {
	ids, err := e.store.WritePayoutNotices(ctx, e.appURL, payoutNoticeBatch)
	if err != nil {
		e.log.Warn("payout notices not written", "error", err)
		return
	}
	e.enqueue(ctx, ids)
}
