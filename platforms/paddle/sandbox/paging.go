package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// perPageOf reads per_page: default 50, at most 200.
func perPageOf(v string) (int, error) {
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("per_page must be a positive whole number")
	}
	return min(n, 200), nil
}

// listParam reads a comma-separated filter, also given as repeated values.
func listParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// pageAfter returns up to n items past the id after (ids sort in creation
// order, as Paddle's do), and whether more follow.
func pageAfter[T any](items []T, after string, desc bool, n int, id func(T) string) ([]T, bool) {
	if after != "" {
		items = slices.DeleteFunc(slices.Clone(items), func(it T) bool {
			c := strings.Compare(id(it), after)
			return (!desc && c <= 0) || (desc && c >= 0)
		})
	}
	if len(items) > n {
		return items[:n], true
	}
	return items, false
}

// nextURL is the request's URL with after set to the last id of the page.
func nextURL(r *http.Request, after string) string {
	q := r.URL.Query()
	q.Set("after", after)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path + "?" + q.Encode()
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
