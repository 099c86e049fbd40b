package handlers

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"codecredit/models"
)

var linkVisits = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "codecredit_link_visits_total",
	Help: "Requests to tracked links by outcome: counted, repeat (same visitor within 30 minutes), head, prefetch, bot, dropped (queue full).",
}, []string{"outcome"})

// How long a resolved slug is served from memory. An edit made through
// this process is seen at once; one made through another process within
// slugTTL (a renamed slug keeps working that long there).
// An unknown slug is remembered for missTTL only, so a link renamed a
// moment ago works at once (a code's link is made with the code).
const (
	slugTTL      = 30 * time.Second
	missTTL      = time.Second
	slugCacheMax = 100_000
)

// LinkRedirects serve the tracked links, GET /r/{slug}.
type LinkRedirects struct {
	store   *models.Store
	counter *VisitCounter
	opts    LinkOptions
	mu      sync.RWMutex
	cache   map[string]cachedLink
}

type cachedLink struct {
	target  *models.LinkTarget // nil: no such link
	dest    destination
	expires time.Time
	exp     *experimentLink // the slug is an experiment's (target is nil)
}

// NewLinkRedirects serves links of store, counting visits with counter.
func NewLinkRedirects(store *models.Store, counter *VisitCounter, opts LinkOptions) *LinkRedirects {
	return &LinkRedirects{store: store, counter: counter, opts: opts, cache: map[string]cachedLink{}}
}

// Redirect counts the visit (when it is one) and sends the visitor on to
// the platform's address that applies the code. An unknown slug is a 404
// page and counts nothing.
func (h *LinkRedirects) Redirect(c echo.Context) error {
	l, err := h.resolve(c, strings.ToLower(c.Param("slug")))
	if err != nil {
		return err
	}
	w := c.Response().Header()
	w.Set("Cache-Control", "no-store")
	w.Set("X-Robots-Tag", "noindex")
	if l.target == nil {
		if l.exp != nil {
			return h.redirectExperiment(c, l.exp)
		}
		return c.HTML(http.StatusNotFound, linkPage("This link does not exist", "Check the address, or ask whoever shared it for a new one.", ""))
	}
	h.counter.observe(c.Request(), l.target, c.RealIP())
	if l.dest.URL == "" {
		return c.HTML(http.StatusOK, linkPage("Your discount code", "Enter this code at checkout.", l.target.Code))
	}
	return c.Redirect(http.StatusFound, l.dest.URL)
}

// resolve finds a slug, from memory when it was looked up lately.
func (h *LinkRedirects) resolve(c echo.Context, slug string) (cachedLink, error) {
	now := time.Now()
	h.mu.RLock()
	l, ok := h.cache[slug]
	h.mu.RUnlock()
	if ok && now.Before(l.expires) {
		return l, nil
	}
	l = cachedLink{expires: now.Add(slugTTL)}
	if _, err := models.CheckSlug(slug); err == nil {
		t, err := h.store.ResolveLink(c.Request().Context(), slug)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return l, err
		}
		if t != nil {
			l.target, l.dest = t, linkDestination(t, h.opts)
		} else if l.exp, err = h.resolveExperiment(c.Request().Context(), slug); err != nil {
			return l, err
		}
	}
	if l.target == nil && l.exp == nil {
		l.expires = now.Add(missTTL)
	}
	h.mu.Lock()
	if len(h.cache) >= slugCacheMax {
		h.cache = map[string]cachedLink{}
	}
	h.cache[slug] = l
	h.mu.Unlock()
	return l, nil
}

// forget drops slugs from memory after an edit.
func (h *LinkRedirects) forget(slugs ...string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range slugs {
		delete(h.cache, s)
	}
}

var linkPageTmpl = template.Must(template.New("link").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f6f7;color:#202223}
main{background:#fff;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);max-width:28rem;text-align:center}
h1{font-size:1.3rem;margin:0 0 .5rem}code{display:inline-block;font-size:1.6rem;letter-spacing:.08em;padding:.4rem .9rem;border:2px dashed #8c9196;border-radius:8px;margin-top:1rem}</style>
</head><body><main><h1>{{.Title}}</h1><p>{{.Text}}</p>{{if .Code}}<code>{{.Code}}</code>{{end}}</main></body></html>`))

// linkPage is the small page a link shows when it does not redirect.
func linkPage(title, text, code string) string {
	var b strings.Builder
	_ = linkPageTmpl.Execute(&b, struct{ Title, Text, Code string }{title, text, code})
	return b.String()
}

// forgetAll empties the memory of slugs (a store's checkout page changed).
func (h *LinkRedirects) forgetAll() {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cache = map[string]cachedLink{}
}

// options are the destinations' options (none without redirects).
func (h *LinkRedirects) options() LinkOptions {
	if h == nil {
		return LinkOptions{}
	}
	return h.opts
}
