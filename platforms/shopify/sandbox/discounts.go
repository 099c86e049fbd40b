package sandbox

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Discount kinds.
const (
	KindPercentage   = "percentage"    // Value in basis points (15% = 1500)
	KindFixedAmount  = "fixed_amount"  // Value in minor units of the shop currency
	KindFreeShipping = "free_shipping" // no Value
	KindBxgy         = "bxgy"          // buy one, get the cheapest unit free
)

// Discount is a code discount as the merchant sees it in the Shopify admin:
// one discount (a DiscountCodeNode) with one or many redeem codes.
type Discount struct {
	ID              int64
	Title           string
	Kind            string
	Value           int64
	Codes           []RedeemCode
	StartsAt        time.Time
	EndsAt          time.Time // zero: never ends
	OncePerCustomer bool
	UsageLimit      int // 0: unlimited
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// RedeemCode is one code of a discount.
type RedeemCode struct {
	ID    int64
	Code  string
	Usage int
}

// Status is Shopify's DiscountStatus at now: ACTIVE, EXPIRED or SCHEDULED.
func (d *Discount) Status(now time.Time) string {
	switch {
	case now.Before(d.StartsAt):
		return "SCHEDULED"
	case !d.EndsAt.IsZero() && !now.Before(d.EndsAt):
		return "EXPIRED"
	}
	return "ACTIVE"
}

func (d *Discount) usage() int {
	n := 0
	for _, c := range d.Codes {
		n += c.Usage
	}
	return n
}

// DiscountSpec is a discount to create, or the new state of one.
type DiscountSpec struct {
	Title           string    `json:"title"`
	Codes           []string  `json:"codes"`
	Kind            string    `json:"kind"`
	Value           int64     `json:"value"`
	StartsAt        time.Time `json:"starts_at,omitzero"` // zero: now
	EndsAt          time.Time `json:"ends_at,omitzero"`
	OncePerCustomer bool      `json:"once_per_customer,omitempty"`
	UsageLimit      int       `json:"usage_limit,omitempty"`
}

type discount struct {
	Discount
	customers map[string]bool // emails that used it, for once-per-customer
	currency  string          // the shop's, for fixed amounts
}

// userError is a refusal of a discount mutation, as in DiscountUserError.
type userError struct {
	Field   []string `json:"field"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
}

// validate checks a spec against the shop's codes; exclude is the discount
// being updated (its own codes may stay).
func (sh *Shop) validate(spec *DiscountSpec, exclude int64) []userError {
	var errs []userError
	add := func(field, code, msg string) {
		errs = append(errs, userError{Field: []string{"basicCodeDiscount", field}, Code: code, Message: msg})
	}
	if strings.TrimSpace(spec.Title) == "" {
		add("title", "BLANK", "Title can't be blank")
	}
	switch spec.Kind {
	case KindPercentage:
		if spec.Value <= 0 || spec.Value > 10000 {
			add("customerGets", "VALUE_OUTSIDE_RANGE", "Value must be between 0.0 and 1.0")
		}
	case KindFixedAmount:
		if spec.Value <= 0 {
			add("customerGets", "GREATER_THAN", "Value must be greater than 0")
		}
	case KindFreeShipping, KindBxgy:
	default:
		add("customerGets", "INVALID", "Customer gets value is invalid")
	}
	seen := map[string]bool{}
	for _, c := range spec.Codes {
		k := strings.ToUpper(strings.TrimSpace(c))
		switch {
		case k == "":
			add("code", "BLANK", "Code can't be blank")
		case len(c) > 255:
			add("code", "TOO_LONG", "Code is too long (maximum is 255 characters)")
		case seen[k] || (sh.byCode[k] != nil && sh.byCode[k].ID != exclude):
			add("code", "TAKEN", "Code must be unique. Please try a different code.")
		}
		seen[k] = true
	}
	if len(spec.Codes) == 0 {
		add("code", "BLANK", "Code can't be blank")
	}
	return errs
}

func joinUserErrors(errs []userError) error {
	var out []error
	for _, e := range errs {
		out = append(out, errors.New("sandbox: "+strings.Join(e.Field, ".")+": "+e.Message))
	}
	return errors.Join(out...)
}

// addDiscount stores a valid spec; call with mu held.
func (s *Sandbox) addDiscount(sh *Shop, spec DiscountSpec, created time.Time) *discount {
	d := &discount{customers: map[string]bool{}, currency: sh.Currency}
	d.ID = s.id()
	d.CreatedAt, d.UpdatedAt = created, created
	s.applySpec(sh, d, spec)
	sh.discounts = append(sh.discounts, d)
	return d
}

// applySpec writes spec into d, giving new codes their ids; call with mu held.
func (s *Sandbox) applySpec(sh *Shop, d *discount, spec DiscountSpec) {
	old := map[string]RedeemCode{}
	for _, c := range d.Codes {
		old[strings.ToUpper(c.Code)] = c
		delete(sh.byCode, strings.ToUpper(c.Code))
	}
	d.Title, d.Kind, d.Value = strings.TrimSpace(spec.Title), spec.Kind, spec.Value
	d.StartsAt, d.EndsAt = spec.StartsAt, spec.EndsAt
	if d.StartsAt.IsZero() {
		d.StartsAt = d.CreatedAt
	}
	d.OncePerCustomer, d.UsageLimit = spec.OncePerCustomer, spec.UsageLimit
	d.Codes = d.Codes[:0]
	for _, c := range spec.Codes {
		c = strings.TrimSpace(c)
		rc, ok := old[strings.ToUpper(c)]
		if !ok {
			rc = RedeemCode{ID: s.id()}
		}
		rc.Code = c
		d.Codes = append(d.Codes, rc)
		sh.byCode[strings.ToUpper(c)] = d
	}
}

// CreateDiscount creates a discount as the merchant would in the admin, and
// sends discounts/create.
func (s *Sandbox) CreateDiscount(shop string, spec DiscountSpec) (Discount, error) {
	s.mu.Lock()
	sh, err := s.shop(shop)
	if err != nil {
		s.mu.Unlock()
		return Discount{}, err
	}
	if errs := sh.validate(&spec, 0); len(errs) > 0 {
		s.mu.Unlock()
		return Discount{}, joinUserErrors(errs)
	}
	d := s.addDiscount(sh, spec, s.now())
	s.emitDiscount(sh, "discounts/create", d)
	out := cloneDiscount(d)
	s.mu.Unlock()
	s.flush(true)
	return out, nil
}

// UpdateDiscount replaces a discount's title, value, dates and codes, and
// sends discounts/update.
func (s *Sandbox) UpdateDiscount(shop string, id int64, spec DiscountSpec) (Discount, error) {
	s.mu.Lock()
	sh, d, err := s.findDiscount(shop, id)
	if err == nil {
		if errs := sh.validate(&spec, id); len(errs) > 0 {
			err = joinUserErrors(errs)
		}
	}
	if err != nil {
		s.mu.Unlock()
		return Discount{}, err
	}
	d.UpdatedAt = s.now()
	if spec.StartsAt.IsZero() {
		spec.StartsAt = d.StartsAt
	}
	s.applySpec(sh, d, spec)
	s.emitDiscount(sh, "discounts/update", d)
	out := cloneDiscount(d)
	s.mu.Unlock()
	s.flush(true)
	return out, nil
}

// DeleteDiscount deletes a discount and all its codes, and sends
// discounts/delete.
func (s *Sandbox) DeleteDiscount(shop string, id int64) error {
	s.mu.Lock()
	sh, d, err := s.findDiscount(shop, id)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.removeDiscount(sh, d)
	s.emitDiscountDeleted(sh, d)
	s.mu.Unlock()
	s.flush(true)
	return nil
}

// removeDiscount drops a discount from its shop; call with mu held.
func (s *Sandbox) removeDiscount(sh *Shop, d *discount) {
	for _, c := range d.Codes {
		delete(sh.byCode, strings.ToUpper(c.Code))
	}
	for i, e := range sh.discounts {
		if e == d {
			sh.discounts = append(sh.discounts[:i], sh.discounts[i+1:]...)
			break
		}
	}
}

func (s *Sandbox) findDiscount(shop string, id int64) (*Shop, *discount, error) {
	sh, err := s.shop(shop)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range sh.discounts {
		if d.ID == id {
			return sh, d, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: discount %d", ErrNotFound, id)
}

// Discounts lists a shop's discounts, oldest first.
func (s *Sandbox) Discounts(shop string) ([]Discount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return nil, err
	}
	out := make([]Discount, len(sh.discounts))
	for i, d := range sh.discounts {
		out[i] = cloneDiscount(d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func cloneDiscount(d *discount) Discount {
	out := d.Discount
	out.Codes = append([]RedeemCode(nil), d.Codes...)
	return out
}
