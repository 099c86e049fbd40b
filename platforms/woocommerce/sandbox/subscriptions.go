package sandbox

import (
	"fmt"
	"slices"
	"time"
)

// WooCommerce Subscriptions, where StoreConfig.Subscriptions is set: the
// subscription object of its REST API v3
// (https://woocommerce.github.io/subscriptions-rest-api-docs/), its
// webhook topics (WCS_Webhooks::add_topics) and the status changes of
// WC_Subscription::update_status, driven by the control calls below.

// subscriptionTopics are the topics the extension adds.
var subscriptionTopics = []string{"subscription.created", "subscription.updated", "subscription.deleted", "subscription.switched"}

// Subscription is a store's subscription. Items are its recurring lines,
// coupons and shipping, priced as an order.
type Subscription struct {
	ID, ParentID     int64
	Status           string // pending, active, on-hold, pending-cancel, cancelled, switched, expired
	Period           string // day, week, month, year
	Interval         int
	Items            Order
	Start, TrialEnd  time.Time
	NextPayment      time.Time
	LastPayment      time.Time
	Cancelled, End   time.Time
	PaymentRetry     time.Time
	Created, Changed time.Time
	suspensions      int
}

// SubscriptionSpec is what a customer subscribes to: Lines with Coupons,
// billed every Interval Periods (default 1 month), after TrialDays free.
type SubscriptionSpec struct {
	Lines     []Line
	Coupons   []string
	Email     string
	Period    string
	Interval  int
	TrialDays int
}

// subscriptionJSON is the REST API v3 subscription: an order's fields and
// the schedule's.
type subscriptionJSON struct {
	orderJSON
	BillingPeriod            string `json:"billing_period"`
	BillingInterval          string `json:"billing_interval"`
	TrialPeriod              string `json:"trial_period"`
	SuspensionCount          int    `json:"suspension_count"`
	RequiresManualRenewal    bool   `json:"requires_manual_renewal"`
	StartDateGMT             string `json:"start_date_gmt"`
	TrialEndDateGMT          string `json:"trial_end_date_gmt"`
	NextPaymentDateGMT       string `json:"next_payment_date_gmt"`
	PaymentRetryDateGMT      string `json:"payment_retry_date_gmt"`
	LastPaymentDateGMT       string `json:"last_payment_date_gmt"`
	CancelledDateGMT         string `json:"cancelled_date_gmt"`
	EndDateGMT               string `json:"end_date_gmt"`
	ResubscribedFrom         string `json:"resubscribed_from"`
	ResubscribedSubscription string `json:"resubscribed_subscription"`
	RemovedLineItems         []any  `json:"removed_line_items"`
}

// json is the subscription as GET /subscriptions/{id} gives it; unset
// dates are "", as the extension sends them.
func (s *Subscription) json() subscriptionJSON {
	o := s.Items
	o.ID, o.Status, o.Created, o.Modified, o.Refunds = s.ID, s.Status, s.Created, s.Changed, nil
	out := subscriptionJSON{orderJSON: o.json(), BillingPeriod: s.Period, BillingInterval: idString(int64(s.Interval)),
		StartDateGMT: gmt(s.Start), TrialEndDateGMT: gmtOrEmpty(s.TrialEnd), NextPaymentDateGMT: gmtOrEmpty(s.NextPayment),
		LastPaymentDateGMT: gmtOrEmpty(s.LastPayment), CancelledDateGMT: gmtOrEmpty(s.Cancelled), EndDateGMT: gmtOrEmpty(s.End),
		PaymentRetryDateGMT: gmtOrEmpty(s.PaymentRetry), RemovedLineItems: []any{}, SuspensionCount: s.suspensions}
	out.ParentID = s.ParentID
	return out
}

func gmtOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return gmt(t)
}

// next is t plus one billing cycle.
func (s *Subscription) next(t time.Time) time.Time {
	n := max(s.Interval, 1)
	switch s.Period {
	case "day":
		return t.AddDate(0, 0, n)
	case "week":
		return t.AddDate(0, 0, 7*n)
	case "year":
		return t.AddDate(n, 0, 0)
	}
	return t.AddDate(0, n, 0)
}

// Subscribe is a customer checking out a subscription: without a trial
// the parent order is paid at once (order.created), then the subscription
// is active (subscription.created).
func (st *Store) Subscribe(spec SubscriptionSpec) (Subscription, error) {
	if !st.cfg.Subscriptions {
		return Subscription{}, fmt.Errorf("sandbox: store has no WooCommerce Subscriptions")
	}
	if spec.Period == "" {
		spec.Period = "month"
	}
	if !slices.Contains([]string{"day", "week", "month", "year"}, spec.Period) || spec.Interval < 0 {
		return Subscription{}, fmt.Errorf("sandbox: billing every %d %s", spec.Interval, spec.Period)
	}
	st.mu.Lock()
	items, err := st.newOrder(spec.Coupons, spec.Lines, "", spec.Email)
	if err != nil {
		st.mu.Unlock()
		return Subscription{}, err
	}
	now := st.srv.now()
	s := &Subscription{Status: "active", Period: spec.Period, Interval: max(spec.Interval, 1), Items: *items,
		Start: now, Created: now, Changed: now}
	var jobs []Delivery
	if spec.TrialDays > 0 {
		s.TrialEnd = now.AddDate(0, 0, spec.TrialDays)
		s.NextPayment = s.TrialEnd
	} else {
		st.orders = append(st.orders, items)
		s.ParentID, s.LastPayment, s.NextPayment = items.ID, now, s.next(now)
		jobs = st.deliveriesFor("order.created", items.json())
	}
	s.ID = st.id()
	st.subs = append(st.subs, s)
	jobs = append(jobs, st.deliveriesFor("subscription.created", s.json())...)
	out := *s
	st.mu.Unlock()
	st.deliver(jobs)
	return out, nil
}

// Renew pays the next cycle: a renewal order naming the subscription
// (order.created), and the subscription active again with its schedule
// moved on (subscription.updated).
func (st *Store) Renew(id int64) (Order, error) {
	st.mu.Lock()
	s := st.subByID(id)
	if s == nil {
		st.mu.Unlock()
		return Order{}, ErrNotFound
	}
	now := st.srv.now()
	o := s.Items
	o.ID, o.Status, o.Created, o.Modified, o.Paid, o.SubscriptionID = st.id(), "processing", now, now, now, s.ID
	o.Lines, o.Refunds = slices.Clone(o.Lines), nil
	for i := range o.Lines {
		o.Lines[i].ID = st.id()
	}
	st.orders = append(st.orders, &o)
	s.Status, s.LastPayment, s.NextPayment, s.PaymentRetry, s.Changed = "active", now, s.next(now), time.Time{}, now
	jobs := append(st.deliveriesFor("order.created", o.json()), st.deliveriesFor("subscription.updated", s.json())...)
	st.mu.Unlock()
	st.deliver(jobs)
	return o, nil
}

// Switch changes the subscription's lines (an upgrade or a downgrade of
// plan or quantity), its coupons kept: subscription.updated, then
// subscription.switched once the switch completes.
func (st *Store) Switch(id int64, lines []Line) error {
	st.mu.Lock()
	s := st.subByID(id)
	if s == nil {
		st.mu.Unlock()
		return ErrNotFound
	}
	var codes []string
	for _, c := range s.Items.Coupons {
		codes = append(codes, c.Code)
	}
	items, err := st.newOrder(codes, lines, s.Items.Currency, s.Items.Email)
	if err != nil {
		st.mu.Unlock()
		return err
	}
	s.Items.Lines, s.Items.Coupons, s.Changed = items.Lines, items.Coupons, st.srv.now()
	jobs := append(st.deliveriesFor("subscription.updated", s.json()), st.deliveriesFor("subscription.switched", s.json())...)
	st.mu.Unlock()
	st.deliver(jobs)
	return nil
}

// FailRenewal is a renewal payment failing with a retry scheduled: the
// subscription is on-hold until the retry (subscription.updated).
func (st *Store) FailRenewal(id int64, retry time.Time) error {
	return st.changeSubscription(id, func(s *Subscription, now time.Time) error {
		s.Status, s.PaymentRetry = "on-hold", retry
		return nil
	})
}

// SetSubscriptionStatus moves a subscription to status as
// WC_Subscription::update_status does, and delivers subscription.updated:
// on-hold (suspended), active (reactivated), pending-cancel (cancelled by
// the customer: it ends when the paid term does), cancelled (at once, or
// at the end of the term after pending-cancel), expired.
func (st *Store) SetSubscriptionStatus(id int64, status string) error {
	return st.changeSubscription(id, func(s *Subscription, now time.Time) error {
		switch status {
		case "on-hold":
			s.PaymentRetry, s.suspensions = time.Time{}, s.suspensions+1
		case "active":
			s.PaymentRetry = time.Time{}
			if s.NextPayment.IsZero() {
				s.NextPayment = s.next(now)
			}
		case "pending-cancel":
			s.Cancelled, s.End, s.NextPayment = now, s.NextPayment, time.Time{}
		case "cancelled":
			if s.Status != "pending-cancel" {
				s.Cancelled, s.End = now, now
			}
			s.NextPayment = time.Time{}
		case "expired":
			s.End, s.NextPayment = now, time.Time{}
		default:
			return fmt.Errorf("sandbox: cannot move a subscription to %q", status)
		}
		s.Status = status
		return nil
	})
}

func (st *Store) changeSubscription(id int64, change func(s *Subscription, now time.Time) error) error {
	st.mu.Lock()
	s := st.subByID(id)
	if s == nil {
		st.mu.Unlock()
		return ErrNotFound
	}
	now := st.srv.now()
	next := *s
	if err := change(&next, now); err != nil {
		st.mu.Unlock()
		return err
	}
	next.Changed = now
	*s = next
	jobs := st.deliveriesFor("subscription.updated", s.json())
	st.mu.Unlock()
	st.deliver(jobs)
	return nil
}

// Subscription returns a copy of a subscription.
func (st *Store) Subscription(id int64) (Subscription, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s := st.subByID(id); s != nil {
		return *s, nil
	}
	return Subscription{}, ErrNotFound
}

func (st *Store) subByID(id int64) *Subscription {
	for _, s := range st.subs {
		if s.ID == id {
			return s
		}
	}
	return nil
}
