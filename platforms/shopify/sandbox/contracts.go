package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Subscription contracts: a customer buys a product with a selling plan,
// Shopify places the order and then creates the contract
// (subscription_contracts/create); the subscription app bills each renewal
// (an order whose source_name is "subscription_contract"), changes the
// lines (subscription_contracts/update) and moves the status
// (subscription_contracts/activate, pause, cancel, expire, fail, API
// 2024-01 on). The webhook carries no lines or amounts; the app reads
// them with the subscriptionContract query, which needs ContractScope.
// Payload: https://shopify.dev/docs/api/webhooks?reference=toml
// (subscription_contracts/create); object:
// https://shopify.dev/docs/api/admin-graphql/latest/objects/SubscriptionContract.

// ContractScope is the access scope the contract topics and query need.
const ContractScope = "read_own_subscription_contracts"

// contractTopics are the topics gated by ContractScope.
var contractTopics = []string{
	"subscription_contracts/create", "subscription_contracts/update",
	"subscription_contracts/activate", "subscription_contracts/pause",
	"subscription_contracts/cancel", "subscription_contracts/expire",
	"subscription_contracts/fail",
}

// Contract statuses (SubscriptionContractSubscriptionStatus) and the topic
// a move to each delivers.
var statusTopics = map[string]string{
	"ACTIVE": "subscription_contracts/activate", "PAUSED": "subscription_contracts/pause",
	"CANCELLED": "subscription_contracts/cancel", "EXPIRED": "subscription_contracts/expire",
	"FAILED": "subscription_contracts/fail",
}

// ContractSpec is a subscription bought at checkout: its lines, billed
// every IntervalCount Interval (DAY, WEEK, MONTH or YEAR; default 1 MONTH).
type ContractSpec struct {
	Email         string         `json:"email,omitempty"`
	Lines         []ContractLine `json:"lines"`
	Interval      string         `json:"interval,omitempty"`
	IntervalCount int            `json:"interval_count,omitempty"`
}

// ContractLine is a subscribed product: Price per unit in the shop
// currency, and Discount, the line's recurring discount in all.
type ContractLine struct {
	Title    string `json:"title"`
	Price    string `json:"price"`
	Quantity int    `json:"quantity"`
	Discount string `json:"discount,omitempty"`
}

// ContractPayload is the body of subscription_contracts/*.
type ContractPayload struct {
	AdminGraphqlAPIID            string         `json:"admin_graphql_api_id"`
	ID                           int64          `json:"id"`
	BillingPolicy                BillingPolicy  `json:"billing_policy"`
	CurrencyCode                 string         `json:"currency_code"`
	CustomerID                   int64          `json:"customer_id"`
	AdminGraphqlAPICustomerID    string         `json:"admin_graphql_api_customer_id"`
	DeliveryPolicy               DeliveryPolicy `json:"delivery_policy"`
	Status                       string         `json:"status"`
	AdminGraphqlAPIOriginOrderID string         `json:"admin_graphql_api_origin_order_id"`
	OriginOrderID                int64          `json:"origin_order_id"`
	RevisionID                   string         `json:"revision_id"`
}

// BillingPolicy is a contract's billing_policy; max_cycles null means no
// end.
type BillingPolicy struct {
	Interval      string `json:"interval"`
	IntervalCount int    `json:"interval_count"`
	MinCycles     *int   `json:"min_cycles"`
	MaxCycles     *int   `json:"max_cycles"`
}

// DeliveryPolicy is a contract's delivery_policy.
type DeliveryPolicy struct {
	Interval      string `json:"interval"`
	IntervalCount int    `json:"interval_count"`
}

type contract struct {
	ID, CustomerID, OriginOrderID int64
	Email, Currency, Interval     string
	IntervalCount                 int
	Status                        string
	Lines                         []*contractLine
	CreatedAt, UpdatedAt          time.Time
	Revision                      int64
	Orders                        []int64 // the first order, then each renewal
}

type contractLine struct {
	ID              int64
	Title           string
	Price, Discount int64
	Qty             int
}

// CreateContract has a customer buy the lines with a selling plan: the
// first order is placed and paid (orders/create, orders/paid), then the
// contract is created, active (subscription_contracts/create).
func (s *Sandbox) CreateContract(shop string, spec ContractSpec) (int64, error) {
	s.mu.Lock()
	id, err := s.createContract(shop, spec)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	s.flush(true)
	return id, nil
}

func (s *Sandbox) createContract(shop string, spec ContractSpec) (int64, error) {
	sh, err := s.shop(shop)
	if err != nil {
		return 0, err
	}
	c := &contract{Currency: sh.Currency, Interval: "MONTH", IntervalCount: 1, Status: "ACTIVE"}
	if err := c.setCycle(spec.Interval, spec.IntervalCount); err != nil {
		return 0, err
	}
	if err := s.setContractLines(c, spec.Lines); err != nil {
		return 0, err
	}
	o, err := s.billContract(sh, c, spec.Email, "web")
	if err != nil {
		return 0, err
	}
	c.ID, c.OriginOrderID, c.CustomerID, c.Email = s.id(), o.ID, o.CustomerID, o.Email
	c.CreatedAt, c.UpdatedAt, c.Revision, c.Orders = s.now(), s.now(), 1, []int64{o.ID}
	sh.contracts = append(sh.contracts, c)
	s.emit(sh, "subscription_contracts/create", c.payload())
	return c.ID, nil
}

// setContractLines replaces a contract's lines; call with mu held.
func (s *Sandbox) setContractLines(c *contract, lines []ContractLine) error {
	if len(lines) == 0 {
		return errors.New("sandbox: a subscription contract needs at least one line")
	}
	var out []*contractLine
	for _, l := range lines {
		cl := &contractLine{ID: s.id(), Title: l.Title, Qty: l.Quantity}
		var err error
		if cl.Price, err = parseMoney(l.Price, c.Currency); err != nil || cl.Price < 0 || l.Quantity <= 0 {
			return fmt.Errorf("sandbox: contract line %q: price %q × %d", l.Title, l.Price, l.Quantity)
		}
		if l.Discount != "" {
			if cl.Discount, err = parseMoney(l.Discount, c.Currency); err != nil || cl.Discount < 0 || cl.Discount > cl.Price*int64(cl.Qty) {
				return fmt.Errorf("sandbox: contract line %q: discount %q", l.Title, l.Discount)
			}
		}
		out = append(out, cl)
	}
	c.Lines = out
	return nil
}

// billContract places and pays an order for the contract's lines, each at
// its discounted unit price; call with mu held.
func (s *Sandbox) billContract(sh *Shop, c *contract, email, source string) (*order, error) {
	spec := OrderSpec{Email: email}
	for _, l := range c.Lines {
		unit := (l.Price*int64(l.Qty) - l.Discount) / int64(l.Qty)
		spec.Lines = append(spec.Lines, Line{Title: l.Title, PriceMinor: unit, Quantity: l.Qty})
	}
	o, err := s.newOrder(sh, spec)
	if err != nil {
		return nil, err
	}
	o.Source = source
	sh.orders[o.ID] = o
	s.emitOrder(sh, "orders/create", o)
	s.emitOrder(sh, "orders/paid", o)
	return o, nil
}

// RenewContract bills a contract's next cycle, as a subscription app's
// billing attempt does: an order with source_name "subscription_contract"
// (orders/create, orders/paid). Only an active contract is billed.
func (s *Sandbox) RenewContract(shop string, contractID int64) (int64, error) {
	s.mu.Lock()
	sh, c, err := s.findContract(shop, contractID)
	var o *order
	if err == nil && c.Status != "ACTIVE" {
		err = fmt.Errorf("sandbox: contract %d is %s", c.ID, c.Status)
	}
	if err == nil {
		o, err = s.billContract(sh, c, c.Email, "subscription_contract")
	}
	if err == nil {
		c.Orders = append(c.Orders, o.ID)
	}
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	s.flush(true)
	return o.ID, nil
}

// UpdateContract changes a contract's lines (a plan or quantity change)
// and, when given, its billing interval, and delivers
// subscription_contracts/update.
func (s *Sandbox) UpdateContract(shop string, contractID int64, lines []ContractLine, interval string, count int) error {
	s.mu.Lock()
	sh, c, err := s.findContract(shop, contractID)
	if err == nil {
		err = c.setCycle(interval, count)
	}
	if err == nil {
		err = s.setContractLines(c, lines)
	}
	if err == nil {
		s.touch(c)
		s.emit(sh, "subscription_contracts/update", c.payload())
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(true)
	return nil
}

// SetContractStatus moves a contract to ACTIVE, PAUSED, CANCELLED,
// EXPIRED or FAILED and delivers the topic of that status. A cancelled or
// expired contract changes no more.
func (s *Sandbox) SetContractStatus(shop string, contractID int64, status string) error {
	status = strings.ToUpper(status)
	s.mu.Lock()
	sh, c, err := s.findContract(shop, contractID)
	topic, known := statusTopics[status]
	switch {
	case err != nil:
	case !known:
		err = fmt.Errorf("sandbox: contract status %q is not one of ACTIVE, PAUSED, CANCELLED, EXPIRED, FAILED", status)
	case c.Status == "CANCELLED" || c.Status == "EXPIRED":
		err = fmt.Errorf("sandbox: contract %d is already %s", c.ID, c.Status)
	default:
		c.Status = status
		s.touch(c)
		s.emit(sh, topic, c.payload())
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(true)
	return nil
}

func (s *Sandbox) touch(c *contract) {
	c.UpdatedAt = s.now()
	c.Revision++
}

// setCycle sets the billing interval and count where given.
func (c *contract) setCycle(interval string, count int) error {
	interval = strings.ToUpper(orDefaultString(interval, c.Interval))
	if !slices.Contains([]string{"DAY", "WEEK", "MONTH", "YEAR"}, interval) || count < 0 {
		return fmt.Errorf("sandbox: billing every %d %q: not DAY, WEEK, MONTH or YEAR", count, interval)
	}
	c.Interval = interval
	if count > 0 {
		c.IntervalCount = count
	}
	return nil
}

func (s *Sandbox) findContract(shop string, id int64) (*Shop, *contract, error) {
	sh, err := s.shop(shop)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range sh.contracts {
		if c.ID == id {
			return sh, c, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: subscription contract %d", ErrNotFound, id)
}

func (c *contract) payload() *ContractPayload {
	minCycles := 1
	return &ContractPayload{AdminGraphqlAPIID: gid("SubscriptionContract", c.ID), ID: c.ID,
		BillingPolicy: BillingPolicy{Interval: strings.ToLower(c.Interval), IntervalCount: c.IntervalCount, MinCycles: &minCycles},
		CurrencyCode:  c.Currency, CustomerID: c.CustomerID, AdminGraphqlAPICustomerID: gid("Customer", c.CustomerID),
		DeliveryPolicy: DeliveryPolicy{Interval: strings.ToLower(c.Interval), IntervalCount: c.IntervalCount},
		Status:         strings.ToLower(c.Status), AdminGraphqlAPIOriginOrderID: gid("Order", c.OriginOrderID),
		OriginOrderID: c.OriginOrderID, RevisionID: fmt.Sprint(c.Revision)}
}
