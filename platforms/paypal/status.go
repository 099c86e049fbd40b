package paypal

// ItemStatus is a payout item's transaction_status.
type ItemStatus string

// The item states PayPal documents (payments.payouts-batch/v1,
// transaction_enum).
const (
	ItemSuccess   ItemStatus = "SUCCESS"
	ItemFailed    ItemStatus = "FAILED"
	ItemPending   ItemStatus = "PENDING"
	ItemUnclaimed ItemStatus = "UNCLAIMED"
	ItemReturned  ItemStatus = "RETURNED"
	ItemOnHold    ItemStatus = "ONHOLD"
	ItemBlocked   ItemStatus = "BLOCKED"
	ItemRefunded  ItemStatus = "REFUNDED"
	ItemReversed  ItemStatus = "REVERSED"
)

// Outcome is what an item's status means for the affiliate's balance.
type Outcome int

// Outcomes of an item.
const (
	// OutcomeWaiting: not settled yet (PENDING, ONHOLD, UNCLAIMED); the
	// money stays reserved and the item is polled again.
	OutcomeWaiting Outcome = iota
	// OutcomePaid: the recipient has the money (SUCCESS).
	OutcomePaid
	// OutcomeNotPaid: the money came back or never left (FAILED,
	// RETURNED, BLOCKED, REFUNDED, REVERSED); it returns to the balance.
	OutcomeNotPaid
)

// Outcome says what the status means for the balance. An unknown status
// is OutcomeWaiting, so nothing is booked on a state we do not know.
func (s ItemStatus) Outcome() Outcome {
	switch s {
	case ItemSuccess:
		return OutcomePaid
	case ItemFailed, ItemReturned, ItemBlocked, ItemRefunded, ItemReversed:
		return OutcomeNotPaid
	}
	return OutcomeWaiting
}

// BatchStatus is a payout batch's batch_status.
type BatchStatus string

// The batch states PayPal documents (batch_enum).
const (
	BatchDenied     BatchStatus = "DENIED"
	BatchPending    BatchStatus = "PENDING"
	BatchProcessing BatchStatus = "PROCESSING"
	BatchSuccess    BatchStatus = "SUCCESS"
	BatchCanceled   BatchStatus = "CANCELED"
)

// Done reports whether PayPal has finished with the batch; its items may
// still change later (UNCLAIMED → RETURNED, SUCCESS → REFUNDED).
func (s BatchStatus) Done() bool {
	return s == BatchDenied || s == BatchSuccess || s == BatchCanceled
}
