package paddle

import (
	"context"
	"fmt"
	"strings"

	paddlesdk "github.com/PaddleHQ/paddle-go-sdk/v4"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// discount is the part of Paddle's discount entity the adapter reads:
// https://developer.paddle.com/api-reference/discounts/overview
type discount struct {
	ID           string  `json:"id"`
	Status       string  `json:"status"`
	Code         *string `json:"code"`
	Type         string  `json:"type"`
	Amount       string  `json:"amount"`
	CurrencyCode *string `json:"currency_code"`
}

// fromSDK narrows the SDK's discount to what the adapter reads.
func fromSDK(d *paddlesdk.Discount) discount {
	out := discount{ID: d.ID, Status: string(d.Status), Code: d.Code, Type: string(d.Type), Amount: d.Amount}
	if d.CurrencyCode != nil {
		c := string(*d.CurrencyCode)
		out.CurrencyCode = &c
	}
	return out
}

// terms is a discount's type and value as Codecredit holds them:
// percentage in basis points, flat in minor units. Flat-per-seat discounts
// (the amount off each seat) are "other", keeping the per-seat amount.
func terms(d discount) (typ string, value int64, currency string) {
	currency = strings.ToUpper(deref(d.CurrencyCode))
	switch d.Type {
	case "percentage":
		if bps, ok := percentToBasisPoints(d.Amount); ok {
			return "percentage", bps, ""
		}
	case "flat", "flat_per_seat":
		n, err := minor("amount", d.Amount)
		if err != nil {
			break
		}
		if d.Type == "flat" {
			return "fixed_amount", n, currency
		}
		return "other", n, currency
	}
	return "other", 0, currency
}

// toCode is a discount as a platforms.DiscountCode; ok is false for a
// discount without a code (applied automatically, nothing to credit).
func toCode(d discount) (platforms.DiscountCode, bool) {
	code := strings.TrimSpace(deref(d.Code))
	if code == "" {
		return platforms.DiscountCode{}, false
	}
	dc := platforms.DiscountCode{PlatformID: d.ID, PlatformCodeID: d.ID, Code: code, Active: d.Status == "active"}
	dc.DiscountType, dc.DiscountValue, dc.Currency = terms(d)
	return dc, true
}

// ImportCodes fetches one page of the account's discounts, active and
// archived, oldest id first. The cursor is the last discount id seen
// (Paddle's "after"). Discounts without a code are skipped and logged;
// Total is Paddle's estimate, which counts them.
func (a *Adapter) ImportCodes(ctx context.Context, c *platforms.Conn, cursor string) (platforms.CodePage, error) {
	client, err := a.sdkFor(c)
	if err != nil {
		return platforms.CodePage{}, err
	}
	req := &paddlesdk.ListDiscountsRequest{PerPage: &a.cfg.PageSize, Status: []string{"active,archived"},
		OrderBy: paddlesdk.PtrTo("id[ASC]")}
	if cursor != "" {
		req.After = &cursor
	}
	ctx, info := track(ctx)
	col, err := client.ListDiscounts(ctx, req)
	if err != nil {
		return platforms.CodePage{}, a.apiError("list discounts", info, err)
	}
	page := platforms.CodePage{Codes: []platforms.DiscountCode{}, Total: col.EstimatedTotal()}
	last, skipped := "", 0
	for i := 0; i < max(col.PerPage(), 1); i++ {
		res := col.Next(ctx)
		if err := res.Err(); err != nil {
			return platforms.CodePage{}, a.apiError("list discounts", info, err)
		}
		if !res.Ok() {
			break
		}
		d := fromSDK(res.Value())
		last = d.ID
		if dc, ok := toCode(d); ok {
			page.Codes = append(page.Codes, dc)
		} else {
			skipped++
		}
	}
	page.Skipped = skipped
	if skipped > 0 {
		a.cfg.Logger.InfoContext(ctx, "paddle discounts without a code skipped", "connection_key", c.ExternalID, "skipped", skipped)
	}
	if col.HasMore() && last != "" {
		page.Next = last
	}
	return page, nil
}

// CreateCode creates a discount redeemable at checkout with the code.
// Paddle has no once-per-customer limit and only percentage and flat
// discounts, so other codes are refused before any call; Paddle's own
// refusals (code taken, invalid code) come back as *platforms.RejectedError.
func (a *Adapter) CreateCode(ctx context.Context, c *platforms.Conn, nc platforms.NewCode) (platforms.DiscountCode, error) {
	req, err := createRequest(nc)
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	client, err := a.sdkFor(c)
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	ctx, info := track(ctx)
	created, err := client.CreateDiscount(ctx, req)
	if err != nil {
		if r := rejection(info, err); r != nil && info.status != 401 && info.status != 403 && info.status != 429 {
			return platforms.DiscountCode{}, r
		}
		return platforms.DiscountCode{}, a.apiError("create discount", info, err)
	}
	dc, ok := toCode(fromSDK(created))
	if !ok {
		return platforms.DiscountCode{}, fmt.Errorf("paddle: discount %s came back without its code", created.ID)
	}
	return dc, nil
}

// createRequest is the POST /discounts body for a new code.
func createRequest(nc platforms.NewCode) (*paddlesdk.CreateDiscountRequest, error) {
	code := strings.TrimSpace(nc.Code)
	if code == "" {
		return nil, &platforms.RejectedError{Reason: "the code is empty"}
	}
	if nc.OncePerCustomer {
		return nil, &platforms.RejectedError{Reason: "Paddle discounts cannot be limited to one use per customer; turn that off for this code"}
	}
	desc := strings.TrimSpace(nc.Title)
	if desc == "" {
		desc = "Codecredit " + code
	}
	req := &paddlesdk.CreateDiscountRequest{Description: desc, Code: &code, EnabledForCheckout: paddlesdk.PtrTo(true)}
	switch nc.DiscountType {
	case "percentage":
		if nc.DiscountValue <= 0 || nc.DiscountValue > 10000 {
			return nil, &platforms.RejectedError{Reason: "a percentage discount must be between 0.01% and 100%"}
		}
		req.Type, req.Amount = paddlesdk.DiscountTypePercentage, currency.BasisPointsToPercent(nc.DiscountValue)
	case "fixed_amount":
		cur := strings.ToUpper(strings.TrimSpace(nc.Currency))
		if nc.DiscountValue <= 0 || len(cur) != 3 {
			return nil, &platforms.RejectedError{Reason: "a fixed-amount discount needs a positive amount and a currency"}
		}
		req.Type, req.Amount = paddlesdk.DiscountTypeFlat, fmt.Sprint(nc.DiscountValue)
		req.CurrencyCode = paddlesdk.PtrTo(paddlesdk.CurrencyCode(cur))
	default:
		return nil, &platforms.RejectedError{Reason: fmt.Sprintf("Paddle discounts are a percentage or a fixed amount, not %q", nc.DiscountType)}
	}
	return req, nil
}
