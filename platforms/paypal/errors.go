package paypal

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	ppsdk "github.com/plutov/paypal/v4"
)

// Sentinel errors, matched with errors.Is on what the calls return.
var (
	// ErrUnauthorized: PayPal refused the credentials or the token.
	ErrUnauthorized = errors.New("paypal: unauthorized")
	// ErrNotFound: no such batch or item.
	ErrNotFound = errors.New("paypal: not found")
	// ErrDuplicateBatch: the sender_batch_id was used in the last 30 days.
	ErrDuplicateBatch = errors.New("paypal: sender_batch_id already used")
	// ErrRateLimited: HTTP 429 RATE_LIMIT_REACHED.
	ErrRateLimited = errors.New("paypal: rate limited")
	// ErrInvalid: a request we refused to send (bad amount, too many items).
	ErrInvalid = errors.New("paypal: invalid request")
)

// APIError is an error answer from PayPal: its HTTP status and the
// documented body (name, message, debug_id, details).
type APIError struct {
	Status  int
	Name    string
	Message string
	DebugID string
	Details []ErrorDetail
	// RetryAfter is the Retry-After delay of a 429 or 503, if given.
	RetryAfter time.Duration
	// ExistingBatchID is, for a duplicate sender_batch_id, the batch it
	// was first used for (from the error's link).
	ExistingBatchID string

	tokenCall bool // the error answered the token request
}

// ErrorDetail is one entry of an error's details.
type ErrorDetail struct {
	Field, Issue, Description string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("paypal: HTTP %d %s: %s", e.Status, e.Name, e.Message)
	for _, d := range e.Details {
		s += fmt.Sprintf(" [%s: %s]", d.Field, d.Issue)
	}
	if e.DebugID != "" {
		s += " (debug_id " + e.DebugID + ")"
	}
	return s
}

// Is matches the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrDuplicateBatch:
		return e.ExistingBatchID != "" || e.hasIssue("sender_batch_id already exists")
	}
	return false
}

// Temporary reports whether the same request may be sent again as it is:
// a 429 or a 5xx. PayPal documents that a create retried with the same
// sender_batch_id after a 5xx pays at most once.
func (e *APIError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

func (e *APIError) hasIssue(s string) bool {
	for _, d := range e.Details {
		if strings.Contains(strings.ToLower(d.Issue), s) {
			return true
		}
	}
	return false
}

// Temporary reports whether err is worth retrying unchanged: a 429, a 5xx,
// or no answer at all (timeout, connection reset). A request that got no
// answer may have been carried out: retry it with the same ids.
func Temporary(err error) bool {
	var api *APIError
	if errors.As(err, &api) {
		return api.Temporary()
	}
	return err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrAmount)
}

// translate turns the SDK's error into an *APIError, leaving transport
// errors as they are.
func translate(err error) error {
	var sdk *ppsdk.ErrorResponse
	if !errors.As(err, &sdk) || sdk.Response == nil {
		return err
	}
	e := &APIError{Status: sdk.Response.StatusCode, Name: sdk.Name, Message: sdk.Message, DebugID: sdk.DebugID}
	if req := sdk.Response.Request; req != nil {
		e.tokenCall = strings.HasSuffix(req.URL.Path, "/v1/oauth2/token")
	}
	if ra, perr := strconv.Atoi(sdk.Response.Header.Get("Retry-After")); perr == nil && ra >= 0 {
		e.RetryAfter = time.Duration(ra) * time.Second
	}
	for _, d := range sdk.Details {
		e.Details = append(e.Details, ErrorDetail{Field: d.Field, Issue: d.Issue, Description: d.Description})
		if strings.Contains(strings.ToLower(d.Issue), "sender_batch_id already exists") {
			for _, l := range d.Links {
				e.ExistingBatchID = lastPathSegment(l.Href)
			}
		}
	}
	return e
}

func lastPathSegment(href string) string {
	href = strings.TrimRight(href, "/")
	return href[strings.LastIndex(href, "/")+1:]
}
