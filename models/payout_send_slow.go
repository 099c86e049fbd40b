package models

import (
	"context"
	"time"
)

// SlowPollEvery is how long a batch waiting only on its recipients rests
// between two reads: an UNCLAIMED item settles when its recipient signs up
// (or PayPal returns it after 30 days), and PayPal's webhooks usually say
// so first.
const SlowPollEvery = time.Hour

// slowStates are PayPal item states that wait on the recipient or on
// PayPal's review, for days.
var slowStates = []string{"UNCLAIMED", "ONHOLD"}

// DeferPayPalSend rests a send whose open items all wait on their
// recipients: it reports true and sets the next read an hour on (the
// sweeper queues the send again then), or reports false when some open
// item may settle soon and the send should keep reading.
func (s *Store) DeferPayPalSend(ctx context.Context, runID uint64) (bool, error) {
	db := s.db.WithContext(ctx)
	var fast int64
	err := db.Model(&PayoutSendItem{}).Where("run_id = ? AND state IN ? AND platform_state NOT IN ?",
		runID, []string{SendPrepared, SendSent}, slowStates).Count(&fast).Error
	if err != nil || fast > 0 {
		return false, wrapErr("defer paypal send", err)
	}
	next := s.now().Add(SlowPollEvery)
	err = db.Model(&PayoutSend{}).Where("run_id = ?", runID).Update("next_poll_at", next).Error
	return err == nil, wrapErr("defer paypal send", err)
}
