package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"

	"codecredit/platforms"
)

// The GraphQL response envelope with the cost extension, as documented at
// https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits:
// a throttled call answers 200 with errors[].extensions.code "THROTTLED".
type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions *struct {
		Cost gqlCost `json:"cost"`
	} `json:"extensions"`
}

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

type gqlCost struct {
	RequestedQueryCost float64  `json:"requestedQueryCost"`
	ActualQueryCost    *float64 `json:"actualQueryCost"`
	ThrottleStatus     struct {
		MaximumAvailable   float64 `json:"maximumAvailable"`
		CurrentlyAvailable float64 `json:"currentlyAvailable"`
		RestoreRate        float64 `json:"restoreRate"`
	} `json:"throttleStatus"`
}

// minRetry is the shortest wait a throttled call asks for.
const minRetry = 100 * time.Millisecond

// retryAfter is how long until the bucket holds the requested cost again.
func (c gqlCost) retryAfter() time.Duration {
	deficit := c.RequestedQueryCost - c.ThrottleStatus.CurrentlyAvailable
	if deficit <= 0 || c.ThrottleStatus.RestoreRate <= 0 {
		return time.Second
	}
	ms := math.Ceil(deficit / c.ThrottleStatus.RestoreRate * 1000)
	return max(time.Duration(ms)*time.Millisecond, minRetry)
}

// userError is a mutation's userErrors entry.
type userError struct {
	Field   []string `json:"field"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
}

// rejected turns userErrors into a *platforms.RejectedError with Shopify's
// own messages, or nil when there are none.
func rejected(errs []userError) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msgs = append(msgs, e.Message)
	}
	return &platforms.RejectedError{Reason: strings.Join(msgs, "; ")}
}

// graphql runs one Admin API GraphQL operation for the connection's shop,
// refreshing the token first when it is about to lapse, and decodes data
// into out. Throttling is a *platforms.RateLimitError, a refused token
// platforms.ErrUnauthorized. A query the shop's bucket, as last reported,
// cannot hold yet is not sent: it is a *platforms.RateLimitError at once,
// asking for just the time the bucket needs.
func (a *Adapter) graphql(ctx context.Context, c *platforms.Conn, query string, vars map[string]any, out any) error {
	if wait := a.pace.wait(c.ExternalID, query, a.now()); wait > 0 {
		return &platforms.RateLimitError{RetryAfter: wait}
	}
	token, err := a.accessToken(ctx, c)
	if err != nil {
		return err
	}
	client, err := a.api(c.ExternalID, token)
	if err != nil {
		return fmt.Errorf("shopify: client for %s: %w", c.ExternalID, err)
	}
	var resp gqlResponse
	body := map[string]any{"query": query, "variables": vars}
	if err := client.Post(ctx, "graphql.json", body, &resp); err != nil {
		return apiError(c.ExternalID, err)
	}
	if resp.Extensions != nil {
		a.pace.observe(c.ExternalID, query, resp.Extensions.Cost, a.now())
	}
	if err := gqlErrors(resp); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		return fmt.Errorf("shopify: decode GraphQL data: %w", err)
	}
	return nil
}

func gqlErrors(resp gqlResponse) error {
	if len(resp.Errors) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(resp.Errors))
	denied := false
	for _, e := range resp.Errors {
		if e.Extensions.Code == "THROTTLED" {
			wait := time.Second
			if resp.Extensions != nil {
				wait = resp.Extensions.Cost.retryAfter()
			}
			return &platforms.RateLimitError{RetryAfter: wait}
		}
		denied = denied || e.Extensions.Code == "ACCESS_DENIED"
		msgs = append(msgs, e.Message)
	}
	return &gqlFailure{msg: "shopify: GraphQL: " + strings.Join(msgs, "; "), denied: denied}
}

// errAccessDenied matches a GraphQL answer refused for a missing access
// scope (errors[].extensions.code "ACCESS_DENIED").
var errAccessDenied = errors.New("shopify: access denied")

// gqlFailure is a GraphQL answer with top-level errors.
type gqlFailure struct {
	msg    string
	denied bool
}

func (e *gqlFailure) Error() string { return e.msg }

// Is makes a refusal for a missing scope match errAccessDenied.
func (e *gqlFailure) Is(target error) bool { return e.denied && target == errAccessDenied }

// apiError maps go-shopify's errors: 429 to a *platforms.RateLimitError
// with Retry-After, 401 to platforms.ErrUnauthorized.
func apiError(shop string, err error) error {
	var rl goshopify.RateLimitError
	if errors.As(err, &rl) {
		return &platforms.RateLimitError{RetryAfter: max(time.Duration(rl.RetryAfter)*time.Second, time.Second)}
	}
	status := 0
	var re goshopify.ResponseError
	var de goshopify.ResponseDecodingError
	switch {
	case errors.As(err, &re):
		status = re.Status
	case errors.As(err, &de):
		status = de.Status
	}
	if status == http.StatusUnauthorized {
		return fmt.Errorf("shopify: %s: %w (%v)", shop, platforms.ErrUnauthorized, err)
	}
	return fmt.Errorf("shopify: %s: %w", shop, err)
}
