package woocommerce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"codecredit/platforms"
)

// apiPrefix is the REST API v3 namespace on a store.
const apiPrefix = "/wp-json/wc/v3"

// maxResponse bounds a response body read from a store.
const maxResponse = 16 << 20

// defaultRetryAfter is the wait after a 429 without a usable Retry-After.
const defaultRetryAfter = 10 * time.Second

// APIError is an error answer of the WooCommerce REST API, in its
// envelope {"code", "message", "data": {"status"}}.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#errors
type APIError struct {
	Status  int
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error words the answer: status, WooCommerce's code and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("woocommerce: HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// call is one REST request to a store.
type call struct {
	method string
	path   string // under /wp-json/wc/v3, or under the store's root with public
	query  url.Values
	body   any
	out    any
	public bool // a WordPress endpoint read without the keys
}

// do sends c with the connection's keys (Basic auth, as the REST API docs
// prescribe over HTTPS) and decodes a 2xx answer into c.out. It maps 401
// and 403 to platforms.ErrUnauthorized, 429 to *platforms.RateLimitError
// and other error answers to *APIError.
func (a *Adapter) do(ctx context.Context, conn *platforms.Conn, c call) (http.Header, error) {
	req, err := a.newRequest(ctx, conn, c)
	if err != nil {
		return nil, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("woocommerce: %s %s: %w", c.method, c.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("woocommerce: read %s %s: %w", c.method, c.path, err)
	}
	if err := responseError(resp, raw); err != nil {
		return resp.Header, err
	}
	if c.out != nil {
		if err := json.Unmarshal(raw, c.out); err != nil {
			return resp.Header, fmt.Errorf("woocommerce: decode %s %s: %w", c.method, c.path, err)
		}
	}
	return resp.Header, nil
}

func (a *Adapter) newRequest(ctx context.Context, conn *platforms.Conn, c call) (*http.Request, error) {
	path := apiPrefix + c.path
	if c.public {
		path = c.path
	}
	u, host, err := a.storeURL(conn.ExternalID, path, c.query)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if c.body != nil {
		raw, err := json.Marshal(c.body)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if host != "" {
		req.Host = host
	}
	if !c.public {
		req.SetBasicAuth(conn.Credentials[CredConsumerKey], conn.Credentials[CredConsumerSecret])
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// responseError maps a non-2xx answer to the error callers act on.
func responseError(resp *http.Response, raw []byte) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	apiErr := &APIError{Status: resp.StatusCode}
	if json.Unmarshal(raw, apiErr) != nil || apiErr.Message == "" {
		apiErr.Message = strings.TrimSpace(string(raw[:min(len(raw), 200)]))
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w (%v)", platforms.ErrUnauthorized, apiErr)
	case http.StatusTooManyRequests:
		return &platforms.RateLimitError{RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	return apiErr
}

// retryAfter reads a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return defaultRetryAfter
}

// isAPIError reports whether err is a REST error answer with one of the statuses.
func isAPIError(err error, statuses ...int) (*APIError, bool) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return nil, false
	}
	for _, s := range statuses {
		if apiErr.Status == s {
			return apiErr, true
		}
	}
	return apiErr, len(statuses) == 0
}

// totalHeader reads X-WP-Total or X-WP-TotalPages; -1 when absent.
func totalHeader(h http.Header, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(name)))
	if err != nil || n < 0 {
		return -1
	}
	return n
}
