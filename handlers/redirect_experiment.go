package handlers

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/models/experiment"
)

// experimentCookieAge is how long a visitor keeps their variant.
const experimentCookieAge = 90 * 24 * time.Hour

// experimentLink is an experiment's slug as the redirect keeps it: the
// experiment, the signer of its cookies, and each variant's destination
// (exactly what the variant code's own link does).
type experimentLink struct {
	target *models.ExperimentTarget
	assign *experiment.Assigner
	dests  []destination
}

// resolveExperiment looks slug up among experiments; nil when none has it.
func (h *LinkRedirects) resolveExperiment(ctx context.Context, slug string) (*experimentLink, error) {
	t, err := h.store.ResolveExperiment(ctx, slug)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a, err := experiment.NewAssigner(t.Salt, nil)
	if err != nil {
		return nil, err
	}
	x := &experimentLink{target: t, assign: a, dests: make([]destination, len(t.Variants))}
	for i := range t.Variants {
		x.dests[i] = linkDestination(&t.Variants[i], h.opts)
	}
	return x, nil
}

// redirectExperiment sends a visitor of a running experiment to their
// variant: the one their cookie (cc_exp_{id}: first-party, HttpOnly,
// SameSite=Lax, 90 days, sent only to /r/) names, or a fresh draw kept in
// a new cookie; the visit is counted for that variant. A stopped
// experiment sends everyone to its final variant, sets no cookie and
// counts nothing.
func (h *LinkRedirects) redirectExperiment(c echo.Context, x *experimentLink) error {
	t := x.target
	pos := t.FinalPosition
	if t.Running {
		name := experiment.CookieName(t.ID)
		var have string
		if ck, err := c.Cookie(name); err == nil {
			have = ck.Value
		}
		a, err := x.assign.Assign(t.ID, len(t.Variants), have)
		if err != nil {
			return err
		}
		pos = a.Variant
		c.SetCookie(&http.Cookie{Name: name, Value: a.Cookie, Path: "/r/", MaxAge: int(experimentCookieAge / time.Second),
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Scheme() == "https"})
		h.counter.observeExperiment(c.Request(), t, pos, a.Cookie)
	}
	if pos < 0 || pos >= len(x.dests) {
		pos = 0
	}
	if d := x.dests[pos]; d.URL != "" {
		return c.Redirect(http.StatusFound, d.URL)
	}
	return c.HTML(http.StatusOK, linkPage("Your discount code", "Enter this code at checkout.", t.Variants[pos].Code))
}

// observeExperiment queues r as a visit of variant pos of experiment t,
// unless it is not one. The visitor is their cookie (so visitors behind
// one address are told apart); a returning visitor within the repeat
// window is not counted again.
func (v *VisitCounter) observeExperiment(r *http.Request, t *models.ExperimentTarget, pos int, cookie string) {
	if reason := uncounted(r); reason != "" {
		linkVisits.WithLabelValues(reason).Inc()
		return
	}
	p := pendingVisit{link: t.ID, account: t.AccountID, at: v.now(), exp: true, variant: pos}
	p.visitor = sha256.Sum256([]byte("experiment\x00" + cookie))
	select {
	case v.queue <- p:
	default:
		linkVisits.WithLabelValues("dropped").Inc()
	}
}
