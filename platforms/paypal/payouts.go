package paypal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	ppsdk "github.com/plutov/paypal/v4"
)

// pageSize is the most items PayPal shows per page of a batch.
const pageSize = 1000

// Payout is one payment to a PayPal account by email.
type Payout struct {
	// SenderItemID is our id for the payment (at most 63 characters);
	// PayPal echoes it on the item and in its webhooks.
	SenderItemID string
	// Email is the recipient's PayPal email.
	Email string
	// Amount is in minor units of Currency.
	Amount   int64
	Currency string
	// Note is shown to the recipient.
	Note string
}

// BatchRequest is one create-payout call.
type BatchRequest struct {
	// SenderBatchID is our id for the batch (at most 256 characters):
	// PayPal refuses it again for 30 days, so a batch is paid once.
	SenderBatchID string
	// RequestID is sent as PayPal-Request-Id; the same id gets the same
	// answer for 30 days. Empty means SenderBatchID.
	RequestID    string
	EmailSubject string
	EmailMessage string
	Payouts      []Payout
}

// Batch is a payout batch as PayPal reports it.
type Batch struct {
	ID            string
	SenderBatchID string
	Status        BatchStatus
	// Existing is set when CreateBatch found the sender_batch_id already
	// used: ID is the batch it was used for; poll it with GetBatch.
	Existing bool
	// Items are filled by GetBatch, every page of them.
	Items []Item
}

// Item is one payout item as PayPal reports it.
type Item struct {
	ID            string
	BatchID       string
	SenderItemID  string
	TransactionID string
	Status        ItemStatus
	Email         string
	Amount        int64
	Currency      string
	// Fee is PayPal's fee in minor units of FeeCurrency (0 until known).
	Fee         int64
	FeeCurrency string
	// ErrorName and ErrorMessage say why an item failed, is unclaimed or
	// came back (RECEIVER_UNREGISTERED, …).
	ErrorName    string
	ErrorMessage string
	// ProcessedAt is when PayPal last processed the item, if it has.
	ProcessedAt time.Time
}

// CreateBatch sends one batch of at most MaxItemsPerBatch payouts. It is
// safe to call again with the same request after an error or a timeout:
// the same PayPal-Request-Id gets the first answer back, and a
// sender_batch_id already used returns that batch with Existing set,
// never a second payment.
func (c *Client) CreateBatch(ctx context.Context, br BatchRequest) (Batch, error) {
	body, err := wireBatch(br)
	if err != nil {
		return Batch{}, err
	}
	rid := br.RequestID
	if rid == "" {
		rid = br.SenderBatchID
	}
	var out ppsdk.PayoutResponse
	if err := c.send(ctx, http.MethodPost, c.cfg.BaseURL+"/v1/payments/payouts", body, rid, &out); err != nil {
		if api, ok := err.(*APIError); ok && api.ExistingBatchID != "" {
			return Batch{ID: api.ExistingBatchID, SenderBatchID: br.SenderBatchID, Existing: true}, nil
		}
		return Batch{}, err
	}
	if out.BatchHeader == nil || out.BatchHeader.PayoutBatchID == "" {
		return Batch{}, fmt.Errorf("paypal: create payout answered without a payout_batch_id")
	}
	return batchFrom(out.BatchHeader), nil
}

// wireBatch checks a request and writes it in PayPal's shape.
func wireBatch(br BatchRequest) (ppsdk.Payout, error) {
	n := len(br.Payouts)
	if br.SenderBatchID == "" || len(br.SenderBatchID) > 256 {
		return ppsdk.Payout{}, fmt.Errorf("%w: sender_batch_id must be 1 to 256 characters", ErrInvalid)
	}
	if n == 0 || n > MaxItemsPerBatch {
		return ppsdk.Payout{}, fmt.Errorf("%w: a batch holds 1 to %d payouts, not %d", ErrInvalid, MaxItemsPerBatch, n)
	}
	p := ppsdk.Payout{
		SenderBatchHeader: &ppsdk.SenderBatchHeader{SenderBatchID: br.SenderBatchID,
			EmailSubject: br.EmailSubject, EmailMessage: br.EmailMessage},
		Items: make([]ppsdk.PayoutItem, 0, n),
	}
	for i, po := range br.Payouts {
		value, err := FormatAmount(po.Amount, po.Currency)
		if err != nil {
			return ppsdk.Payout{}, fmt.Errorf("payout %d (%s): %w", i, po.SenderItemID, err)
		}
		if po.Email == "" || !strings.Contains(po.Email, "@") || len(po.Email) > 127 {
			return ppsdk.Payout{}, fmt.Errorf("%w: payout %d (%s) has no valid email", ErrInvalid, i, po.SenderItemID)
		}
		if len(po.SenderItemID) > 63 {
			return ppsdk.Payout{}, fmt.Errorf("%w: sender_item_id %q is over 63 characters", ErrInvalid, po.SenderItemID)
		}
		p.Items = append(p.Items, ppsdk.PayoutItem{RecipientType: "EMAIL", RecipientWallet: "PAYPAL",
			Receiver: po.Email, Note: po.Note, SenderItemID: po.SenderItemID,
			Amount: &ppsdk.AmountPayout{Currency: strings.ToUpper(po.Currency), Value: value}})
	}
	return p, nil
}

// batchPage is one page of GET /v1/payments/payouts/{id}.
type batchPage struct {
	ppsdk.PayoutResponse
	TotalItems int `json:"total_items"`
	TotalPages int `json:"total_pages"`
}

// GetBatch reads a batch's status and all its items, page by page.
func (c *Client) GetBatch(ctx context.Context, batchID string) (Batch, error) {
	var b Batch
	for page := 1; ; page++ {
		q := url.Values{"page": {fmt.Sprint(page)}, "page_size": {fmt.Sprint(pageSize)}, "total_required": {"true"}}
		u := c.cfg.BaseURL + "/v1/payments/payouts/" + url.PathEscape(batchID) + "?" + q.Encode()
		var out batchPage
		if err := c.get(ctx, u, &out); err != nil {
			return Batch{}, err
		}
		if out.BatchHeader == nil {
			return Batch{}, fmt.Errorf("paypal: batch %s answered without a batch_header", batchID)
		}
		if page == 1 {
			b = batchFrom(out.BatchHeader)
		}
		for _, it := range out.Items {
			item, err := itemFrom(it)
			if err != nil {
				return Batch{}, err
			}
			b.Items = append(b.Items, item)
		}
		if len(out.Items) < pageSize || (out.TotalPages > 0 && page >= out.TotalPages) {
			return b, nil
		}
	}
}

// GetItem reads one payout item.
func (c *Client) GetItem(ctx context.Context, itemID string) (Item, error) {
	var out ppsdk.PayoutItemResponse
	if err := c.get(ctx, c.cfg.BaseURL+"/v1/payments/payouts-item/"+url.PathEscape(itemID), &out); err != nil {
		return Item{}, err
	}
	return itemFrom(out)
}

// CancelItem cancels an UNCLAIMED item; the money returns to the sender
// and the item is RETURNED.
func (c *Client) CancelItem(ctx context.Context, itemID string) (Item, error) {
	u := c.cfg.BaseURL + "/v1/payments/payouts-item/" + url.PathEscape(itemID) + "/cancel"
	var out ppsdk.PayoutItemResponse
	if err := c.send(ctx, http.MethodPost, u, nil, "", &out); err != nil {
		return Item{}, err
	}
	return itemFrom(out)
}

func (c *Client) get(ctx context.Context, u string, out any) error {
	return c.send(ctx, http.MethodGet, u, nil, "", out)
}

// send makes one authenticated call. An access token PayPal no longer
// takes (revoked, or expired early) is replaced once and the call made
// again, with the same PayPal-Request-Id.
func (c *Client) send(ctx context.Context, method, u string, payload any, requestID string, out any) error {
	for attempt := 0; ; attempt++ {
		sdk := c.currentSDK()
		req, err := sdk.NewRequest(ctx, method, u, payload)
		if err != nil {
			return err
		}
		if requestID != "" {
			req.Header.Set("PayPal-Request-Id", requestID)
		}
		err = translate(sdk.SendWithAuth(req, out))
		var api *APIError
		if attempt > 0 || !errors.As(err, &api) || api.Status != http.StatusUnauthorized || api.tokenCall {
			return err
		}
		c.renewSDK(sdk)
	}
}

func batchFrom(h *ppsdk.BatchHeader) Batch {
	b := Batch{ID: h.PayoutBatchID, Status: BatchStatus(h.BatchStatus)}
	if h.SenderBatchHeader != nil {
		b.SenderBatchID = h.SenderBatchHeader.SenderBatchID
	}
	return b
}

func itemFrom(r ppsdk.PayoutItemResponse) (Item, error) {
	it := Item{ID: r.PayoutItemID, BatchID: r.PayoutBatchID, TransactionID: r.TransactionID,
		Status: ItemStatus(r.TransactionStatus), ErrorName: r.Error.Name, ErrorMessage: r.Error.Message}
	if r.TimeProcessed != nil {
		it.ProcessedAt = *r.TimeProcessed
	}
	if p := r.PayoutItem; p != nil {
		it.SenderItemID, it.Email = p.SenderItemID, p.Receiver
		if p.Amount != nil {
			v, err := ParseAmount(p.Amount.Value, p.Amount.Currency)
			if err == nil && v < 0 {
				err = fmt.Errorf("%w: negative amount %s", ErrAmount, p.Amount.Value)
			}
			if err != nil {
				return Item{}, fmt.Errorf("item %s: %w", r.PayoutItemID, err)
			}
			it.Amount, it.Currency = v, p.Amount.Currency
		}
	}
	if f := r.PayoutItemFee; f != nil && f.Value != "" {
		v, err := ParseAmount(f.Value, f.Currency)
		if err != nil {
			return Item{}, fmt.Errorf("item %s fee: %w", r.PayoutItemID, err)
		}
		it.Fee, it.FeeCurrency = v, f.Currency
	}
	return it, nil
}
