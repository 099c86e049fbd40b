package paddle

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	paddlesdk "github.com/PaddleHQ/paddle-go-sdk/v4"
	"github.com/PaddleHQ/paddle-go-sdk/v4/pkg/paddleerr"

	"codecredit/platforms"
)

// defaultRetryAfter is the wait when a 429 does not say how long.
const defaultRetryAfter = time.Minute

// callInfo is what the transport saw of a call's response: the SDK keeps
// neither the status nor the Retry-After header of an error.
type callInfo struct {
	status     int
	retryAfter string
}

type callInfoKey struct{}

// transport is the SDK's HTTP doer: the injected client, with the base
// URL's path prefix applied and the response's status recorded.
type transport struct {
	client *http.Client
	prefix string
}

// Do sends req and records its status on the call's callInfo.
func (t transport) Do(req *http.Request) (*http.Response, error) {
	if t.prefix != "" {
		req.URL.Path = t.prefix + req.URL.Path
		req.URL.RawPath = ""
	}
	res, err := t.client.Do(req)
	if info, ok := req.Context().Value(callInfoKey{}).(*callInfo); ok && res != nil {
		info.status = res.StatusCode
		info.retryAfter = res.Header.Get("Retry-After")
	}
	return res, err
}

// sdk is a Paddle client for one API key.
func (a *Adapter) sdk(apiKey string) (*paddlesdk.SDK, error) {
	base := a.baseURLFor(apiKey)
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("paddle: base URL %q is not an absolute URL", base)
	}
	t := transport{client: a.cfg.HTTPClient, prefix: strings.TrimRight(u.Path, "/")}
	return paddlesdk.New(apiKey, paddlesdk.WithBaseURL(base), paddlesdk.WithClient(t))
}

// sdkFor is the client for a connection's stored key.
func (a *Adapter) sdkFor(c *platforms.Conn) (*paddlesdk.SDK, error) {
	key := c.Credentials[CredAPIKey]
	if key == "" {
		return nil, fmt.Errorf("%w: the connection has no Paddle API key", platforms.ErrUnauthorized)
	}
	return a.sdk(key)
}

// track returns a context whose calls record their response on the info.
func track(ctx context.Context) (context.Context, *callInfo) {
	info := &callInfo{}
	return context.WithValue(ctx, callInfoKey{}, info), info
}

// apiError maps a failed call: throttling to *platforms.RateLimitError,
// refused credentials to platforms.ErrUnauthorized, the rest wrapped.
func (a *Adapter) apiError(op string, info *callInfo, err error) error {
	var pe *paddleerr.Error
	isPaddle := errors.As(err, &pe)
	switch {
	case info.status == http.StatusTooManyRequests || (isPaddle && pe.Code == "too_many_requests"):
		return &platforms.RateLimitError{RetryAfter: a.retryAfter(info.retryAfter)}
	case info.status == http.StatusUnauthorized || info.status == http.StatusForbidden:
		return fmt.Errorf("%w (paddle %s: %s)", platforms.ErrUnauthorized, op, describe(err))
	}
	return fmt.Errorf("paddle: %s: %w", op, err)
}

// rejection is the merchant-facing reason of a refusal Paddle answered
// with a 4xx, or nil when err is not one.
func rejection(info *callInfo, err error) *platforms.RejectedError {
	var pe *paddleerr.Error
	if !errors.As(err, &pe) || info.status < 400 || info.status >= 500 {
		return nil
	}
	return &platforms.RejectedError{Reason: describe(err)}
}

// describe words a Paddle error: its detail and any field messages.
func describe(err error) string {
	var pe *paddleerr.Error
	if !errors.As(err, &pe) {
		return err.Error()
	}
	msg := pe.Detail
	if msg == "" {
		msg = pe.Code
	}
	var fields []string
	for _, fe := range pe.Errors {
		fields = append(fields, fe.Field+": "+fe.Message)
	}
	if len(fields) > 0 {
		msg += " (" + strings.Join(fields, "; ") + ")"
	}
	return msg
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func (a *Adapter) retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(a.cfg.Clock()), 0)
	}
	return defaultRetryAfter
}
