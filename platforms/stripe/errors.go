package stripe

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// RateLimitBackoff is how long to wait after a 429: Stripe sends no
// Retry-After, and its guidance is to back off and retry
// (https://docs.stripe.com/rate-limits).
const RateLimitBackoff = time.Second

// callError translates a stripe-go error into the platform errors the jobs
// act on: 429 → *RateLimitError, 401/403 → ErrUnauthorized (the key was
// revoked, lacks a permission, or the account disconnected our platform).
// Any other error is returned wrapped, to be retried.
func callError(op string, err error) error {
	var se *stripe.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("stripe: %s: %w", op, err)
	}
	switch se.HTTPStatusCode {
	case http.StatusTooManyRequests:
		return &platforms.RateLimitError{RetryAfter: RateLimitBackoff}
	case http.StatusUnauthorized, http.StatusForbidden:
		return &refusal{op: op, msg: message(se), kind: platforms.ErrUnauthorized}
	}
	return &refusal{op: op, msg: fmt.Sprintf("%s (status %d)", message(se), se.HTTPStatusCode)}
}

// refusal is an error answered by Stripe: what we tried, Stripe's message
// and, when it has one, the platform error it amounts to.
type refusal struct {
	op, msg string
	kind    error
}

// Error says what was tried and what Stripe answered.
func (e *refusal) Error() string {
	if e.kind != nil {
		return fmt.Sprintf("stripe: %s: %s: %v", e.op, e.msg, e.kind)
	}
	return fmt.Sprintf("stripe: %s: %s", e.op, e.msg)
}

// Unwrap is the platform error the refusal amounts to, if any.
func (e *refusal) Unwrap() error { return e.kind }

// stripeSays is Stripe's own message in err, or err's text.
func stripeSays(err error) string {
	var r *refusal
	if errors.As(err, &r) {
		return r.msg
	}
	return err.Error()
}

// rejection is callError, except that a request Stripe refuses as invalid
// (a taken code, a bad value) becomes a *RejectedError with Stripe's words.
func rejection(op string, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) && se.Type == stripe.ErrorTypeInvalidRequest &&
		se.HTTPStatusCode >= 400 && se.HTTPStatusCode < 500 &&
		se.HTTPStatusCode != http.StatusTooManyRequests && se.HTTPStatusCode != http.StatusUnauthorized &&
		se.HTTPStatusCode != http.StatusForbidden {
		return &platforms.RejectedError{Reason: message(se)}
	}
	return callError(op, err)
}

// isAlreadyExists reports whether Stripe refused a create because the id
// is taken.
func isAlreadyExists(err error) bool {
	var se *stripe.Error
	return errors.As(err, &se) && se.Code == stripe.ErrorCodeResourceAlreadyExists
}

func message(se *stripe.Error) string {
	switch {
	case se.Msg != "":
		return se.Msg
	case se.OAuthErrorDescription != "":
		return se.OAuthErrorDescription
	case se.OAuthError != "":
		return se.OAuthError
	}
	return http.StatusText(se.HTTPStatusCode)
}
