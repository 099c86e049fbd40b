package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// codePattern is what Paddle accepts as a discount code: letters and
// numbers only, up to 32 characters.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`)

// percentPattern is a percentage amount with at most two decimals.
var percentPattern = regexp.MustCompile(`^\d{1,3}(\.\d{1,2})?$`)

// listDiscounts serves GET /discounts with Paddle's filters (status, code,
// id: comma-separated), cursor pagination (after, per_page: default 50,
// at most 200) and ordering by id.
func (s *Server) listDiscounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, err := perPageOf(q.Get("per_page"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid request.", fieldError{"per_page", err.Error()})
		return
	}
	statuses, codes, ids := listParam(q, "status"), listParam(q, "code"), listParam(q, "id")
	s.mu.Lock()
	var match []Discount
	for _, d := range s.discounts {
		if (len(statuses) == 0 || slices.Contains(statuses, d.Status)) && (len(ids) == 0 || slices.Contains(ids, d.ID)) &&
			(len(codes) == 0 || (d.Code != nil && slices.ContainsFunc(codes, func(c string) bool { return strings.EqualFold(c, *d.Code) }))) {
			match = append(match, *d)
		}
	}
	s.mu.Unlock()
	desc := strings.HasSuffix(q.Get("order_by"), "[DESC]")
	slices.SortFunc(match, func(a, b Discount) int { return strings.Compare(a.ID, b.ID) })
	if desc {
		slices.Reverse(match)
	}
	page, more := pageAfter(match, q.Get("after"), desc, perPage, func(d Discount) string { return d.ID })
	p := &pagination{PerPage: perPage, HasMore: more, EstimatedTotal: len(match)}
	if len(page) > 0 {
		p.Next = nextURL(r, page[len(page)-1].ID)
	}
	writeData(w, http.StatusOK, page, p)
}

// createDiscount serves POST /discounts, validating as Paddle does. A code
// already used by any discount, archived ones included, is a 409
// discount_code_conflict.
func (s *Server) createDiscount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Description        string  `json:"description"`
		Type               string  `json:"type"`
		Amount             string  `json:"amount"`
		EnabledForCheckout *bool   `json:"enabled_for_checkout"`
		Code               *string `json:"code"`
		CurrencyCode       *string `json:"currency_code"`
		Recur              bool    `json:"recur"`
		UsageLimit         *int    `json:"usage_limit"`
		Mode               string  `json:"mode"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	d := &Discount{ID: newID("dsc"), Status: "active", Description: in.Description, Type: in.Type, Mode: "standard",
		Amount: in.Amount, CurrencyCode: in.CurrencyCode, Recur: in.Recur, UsageLimit: in.UsageLimit,
		EnabledForCheckout: in.EnabledForCheckout != nil && *in.EnabledForCheckout, Code: in.Code}
	if in.Mode != "" {
		d.Mode = in.Mode
	}
	if fields := validateDiscount(d); len(fields) > 0 {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid request.", fields...)
		return
	}
	if d.Code == nil && d.EnabledForCheckout {
		d.Code = ptr(strings.ToUpper(newID("x")[4:14]))
	}
	if taken := s.addDiscount(d); taken != "" {
		writeError(w, http.StatusConflict, "discount_code_conflict", "Discount code conflicts with Discount ID "+taken)
		return
	}
	s.emitQuietly(r.Context(), "discount.created", *d)
	writeData(w, http.StatusCreated, d, nil)
}

// validateDiscount checks a discount as Paddle's API does.
func validateDiscount(d *Discount) []fieldError {
	var out []fieldError
	if strings.TrimSpace(d.Description) == "" {
		out = append(out, fieldError{"description", "Description is required."})
	}
	switch d.Type {
	case "percentage":
		if n, err := strconv.ParseFloat(d.Amount, 64); !percentPattern.MatchString(d.Amount) || err != nil || n <= 0 || n > 100 {
			out = append(out, fieldError{"amount", "Percentage discounts must be between 0.01 and 100, with at most two decimals."})
		}
	case "flat", "flat_per_seat":
		if n, err := strconv.ParseInt(d.Amount, 10, 64); err != nil || n <= 0 {
			out = append(out, fieldError{"amount", "Amount must be a positive whole number in the lowest denomination."})
		}
		if d.CurrencyCode == nil || len(*d.CurrencyCode) != 3 {
			out = append(out, fieldError{"currency_code", "Currency code is required for flat discounts."})
		}
	default:
		out = append(out, fieldError{"type", "Type must be one of flat, flat_per_seat, percentage."})
	}
	if d.Code != nil && !codePattern.MatchString(*d.Code) {
		out = append(out, fieldError{"code", "Code must be letters and numbers only, up to 32 characters."})
	}
	return out
}

// addDiscount stores d unless its code is taken; it returns the id of the
// discount holding the code, or "".
func (s *Server) addDiscount(d *Discount) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d.Code != nil {
		for _, other := range s.discounts {
			if other.Code != nil && strings.EqualFold(*other.Code, *d.Code) {
				return other.ID
			}
		}
	}
	d.CreatedAt, d.UpdatedAt = s.now(), s.now()
	s.discounts = append(s.discounts, d)
	return ""
}

// getDiscount serves GET /discounts/{id}.
func (s *Server) getDiscount(w http.ResponseWriter, r *http.Request) {
	d, ok := s.Discount(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "Entity "+r.PathValue("id")+" not found")
		return
	}
	writeData(w, http.StatusOK, d, nil)
}

// updateDiscount serves PATCH /discounts/{id} for status, description and
// enabled_for_checkout; a change sends discount.updated.
func (s *Server) updateDiscount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Status             *string `json:"status"`
		Description        *string `json:"description"`
		EnabledForCheckout *bool   `json:"enabled_for_checkout"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.Status != nil && *in.Status != "active" && *in.Status != "archived" {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid request.", fieldError{"status", "Status must be active or archived."})
		return
	}
	d, ok := s.changeDiscount(r.PathValue("id"), func(d *Discount) {
		if in.Status != nil {
			d.Status = *in.Status
		}
		if in.Description != nil {
			d.Description = *in.Description
		}
		if in.EnabledForCheckout != nil {
			d.EnabledForCheckout = *in.EnabledForCheckout
		}
	})
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "Entity "+r.PathValue("id")+" not found")
		return
	}
	s.emitQuietly(r.Context(), "discount.updated", d)
	writeData(w, http.StatusOK, d, nil)
}

// changeDiscount applies fn to a discount and returns a copy.
func (s *Server) changeDiscount(id string, fn func(*Discount)) (Discount, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.discounts {
		if d.ID == id {
			fn(d)
			d.UpdatedAt = s.now()
			return *d, true
		}
	}
	return Discount{}, false
}

// Discount returns a copy of a discount.
func (s *Server) Discount(id string) (Discount, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.discounts {
		if d.ID == id {
			return *d, true
		}
	}
	return Discount{}, false
}

// Discounts returns a copy of every discount, oldest first.
func (s *Server) Discounts() []Discount {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Discount, len(s.discounts))
	for i, d := range s.discounts {
		out[i] = *d
	}
	return out
}

// ArchiveDiscount archives a discount, as the merchant would in the
// dashboard, and sends discount.updated.
func (s *Server) ArchiveDiscount(ctx context.Context, id string) error {
	d, ok := s.changeDiscount(id, func(d *Discount) { d.Status = "archived" })
	if !ok {
		return fmt.Errorf("%w: discount %s", ErrNotFound, id)
	}
	return s.emit(ctx, "discount.updated", d)
}

// AddDiscount stores a discount as given (ids and times filled in when
// empty), without sending a webhook: the account's existing catalog.
func (s *Server) AddDiscount(d Discount) (Discount, error) {
	if d.ID == "" {
		d.ID = newID("dsc")
	}
	if d.Mode == "" {
		d.Mode = "standard"
	}
	if taken := s.addDiscount(&d); taken != "" {
		return Discount{}, fmt.Errorf("sandbox: code %s is taken by %s", *d.Code, taken)
	}
	return d, nil
}

// SeedDiscounts adds n discounts to the catalog, without webhooks: every
// fifth is archived, every seventh has no code (applied automatically),
// and they alternate percentage, flat and flat-per-seat.
func (s *Server) SeedDiscounts(n int) []Discount {
	out := make([]Discount, 0, n)
	for i := 1; i <= n; i++ {
		d := Discount{Description: fmt.Sprintf("Seeded discount %d", i), Status: "active", EnabledForCheckout: true,
			Code: ptr(fmt.Sprintf("SEED%04d", i))}
		switch i % 3 {
		case 0:
			d.Type, d.Amount = "percentage", fmt.Sprintf("%d.5", 5+i%20)
		case 1:
			d.Type, d.Amount, d.CurrencyCode = "flat", strconv.Itoa(100*i), ptr("USD")
		default:
			d.Type, d.Amount, d.CurrencyCode = "flat_per_seat", "250", ptr("USD")
		}
		if i%5 == 0 {
			d.Status = "archived"
		}
		if i%7 == 0 {
			d.Code, d.EnabledForCheckout = nil, false
		}
		if added, err := s.AddDiscount(d); err == nil {
			out = append(out, added)
		}
	}
	return out
}
