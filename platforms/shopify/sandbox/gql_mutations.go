package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// discountCodeBasicCreate creates an amount-off discount with one code
// (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/discountCodeBasicCreate);
// refusals come back as userErrors, e.g. a taken code:
// {field: ["basicCodeDiscount","code"], code: TAKEN, message: "Code must be
// unique. Please try a different code."}.
func (s *Sandbox) discountCodeBasicCreate(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "discountCodeBasicCreate", "write_discounts"); err != nil {
			return nil, err
		}
		in, _ := a["basicCodeDiscount"].(map[string]any)
		spec, errs := basicSpec(in, sh.Currency)
		if len(errs) == 0 {
			errs = sh.validate(&spec, 0)
		}
		payload := map[string]any{"codeDiscountNode": nil, "userErrors": userErrorObjects(errs)}
		if len(errs) == 0 {
			d := s.addDiscount(sh, spec, s.now())
			s.emitDiscount(sh, "discounts/create", d)
			payload["codeDiscountNode"] = s.discountNode(d)
		}
		return &gobj{typ: "DiscountCodeBasicCreatePayload", fields: payload}, nil
	}
}

// discountCodeDelete deletes a code discount and all its codes.
func (s *Sandbox) discountCodeDelete(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "discountCodeDelete", "write_discounts"); err != nil {
			return nil, err
		}
		id := strArg(a, "id")
		payload := map[string]any{"deletedCodeDiscountId": nil, "userErrors": []*gobj{}}
		for _, d := range sh.discounts {
			if gid("DiscountCodeNode", d.ID) == id {
				s.removeDiscount(sh, d)
				s.emitDiscountDeleted(sh, d)
				payload["deletedCodeDiscountId"] = id
				return &gobj{typ: "DiscountCodeDeletePayload", fields: payload}, nil
			}
		}
		payload["userErrors"] = userErrorObjects([]userError{{Field: []string{"id"}, Code: "INVALID",
			Message: "Discount does not exist"}})
		return &gobj{typ: "DiscountCodeDeletePayload", fields: payload}, nil
	}
}

// discountCodeDeactivate ends a code discount now
// (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/discountCodeDeactivate):
// Shopify then reports it EXPIRED, checkout refuses its codes and
// discounts/update is sent. An expired discount comes back unchanged; an
// id that names no code discount is a userError on "id".
func (s *Sandbox) discountCodeDeactivate(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "discountCodeDeactivate", "write_discounts"); err != nil {
			return nil, err
		}
		payload := map[string]any{"codeDiscountNode": nil, "userErrors": []*gobj{}}
		id := strArg(a, "id")
		for _, d := range sh.discounts {
			if gid("DiscountCodeNode", d.ID) != id {
				continue
			}
			if now := s.now(); d.Status(now) != "EXPIRED" {
				d.EndsAt, d.UpdatedAt = now, now
				d.StartsAt = minTime(d.StartsAt, now)
				s.emitDiscount(sh, "discounts/update", d)
			}
			payload["codeDiscountNode"] = s.discountNode(d)
			return &gobj{typ: "DiscountCodeDeactivatePayload", fields: payload}, nil
		}
		payload["userErrors"] = userErrorObjects([]userError{{Field: []string{"id"}, Code: "INVALID",
			Message: "Discount does not exist"}})
		return &gobj{typ: "DiscountCodeDeactivatePayload", fields: payload}, nil
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func userErrorObjects(errs []userError) []*gobj {
	out := []*gobj{}
	for _, e := range errs {
		out = append(out, &gobj{typ: "DiscountUserError", fields: map[string]any{
			"field": e.Field, "code": e.Code, "message": e.Message, "extraInfo": nil}})
	}
	return out
}

// basicSpec reads a DiscountCodeBasicInput.
func basicSpec(in map[string]any, currency string) (DiscountSpec, []userError) {
	spec := DiscountSpec{Title: strings.TrimSpace(strArg(in, "title")), OncePerCustomer: in["appliesOncePerCustomer"] == true}
	if c := strArg(in, "code"); c != "" || in["code"] != nil {
		spec.Codes = []string{c}
	}
	if n, ok := intArg(in, "usageLimit"); ok {
		spec.UsageLimit = n
	}
	errs := specDates(in, &spec)
	if e := specValue(in, currency, &spec); e != nil {
		errs = append(errs, *e)
	}
	return spec, errs
}

func inputError(field, code, msg string) userError {
	return userError{Field: []string{"basicCodeDiscount", field}, Code: code, Message: msg}
}

// specDates reads startsAt and endsAt.
func specDates(in map[string]any, spec *DiscountSpec) []userError {
	var errs []userError
	for _, k := range []string{"startsAt", "endsAt"} {
		v := strArg(in, k)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, inputError(k, "INVALID", fmt.Sprintf("%s is not a valid date and time", k)))
		}
		if k == "startsAt" {
			spec.StartsAt = t
		} else {
			spec.EndsAt = t
		}
	}
	if !spec.EndsAt.IsZero() && !spec.StartsAt.IsZero() && !spec.EndsAt.After(spec.StartsAt) {
		errs = append(errs, inputError("endsAt", "INVALID", "Ends at needs to be after starts_at"))
	}
	return errs
}

// specValue reads customerGets.value: a percentage (0.15) or an amount.
func specValue(in map[string]any, currency string, spec *DiscountSpec) *userError {
	gets, _ := in["customerGets"].(map[string]any)
	value, _ := gets["value"].(map[string]any)
	switch {
	case value["percentage"] != nil:
		bp, err := parseDecimal(fmt.Sprint(value["percentage"]), 4)
		spec.Kind, spec.Value = KindPercentage, bp
		if err != nil {
			e := inputError("customerGets", "VALUE_OUTSIDE_RANGE", "Value must be between 0.0 and 1.0")
			return &e
		}
	case value["discountAmount"] != nil:
		amt, _ := value["discountAmount"].(map[string]any)
		minor, err := parseMoney(fmt.Sprint(amt["amount"]), currency)
		spec.Kind, spec.Value = KindFixedAmount, minor
		if err != nil {
			e := inputError("customerGets", "INVALID", "Amount is invalid")
			return &e
		}
	default:
		e := inputError("customerGets", "BLANK", "Customer gets value can't be blank")
		return &e
	}
	return nil
}
