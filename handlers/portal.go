package handlers

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/frontend"
	"codecredit/models"
)

// PortalCookie holds an affiliate's portal session: an opaque secret whose
// hash the store keeps.
const PortalCookie = "codecredit_portal"

// PortalHandlers serve the affiliate portal under /portal/: server-rendered
// pages, read-only, signed in with an emailed single-use link. Every page
// is scoped to the session's one affiliate in one merchant's program.
type PortalHandlers struct {
	store  *models.Store
	queue  EmailQueue
	appURL string
	secure bool
	pages  map[string]*template.Template
	limits signInLimits
	css    []byte
	log    *slog.Logger
}

// NewPortalHandlers prepares the portal. jobs sends the sign-in emails
// when it also implements EmailQueue (jobs.Client does; otherwise the
// sweeper sends them). appURL is APP_URL: the links in emails point there
// and the session cookie is Secure when it is https. It panics if the
// embedded page templates do not parse, a build bug the tests catch.
func NewPortalHandlers(store *models.Store, jobs JobQueue, appURL string, log *slog.Logger) *PortalHandlers {
	if log == nil {
		log = slog.Default()
	}
	files := frontend.Portal()
	funcs := template.FuncMap{
		"money": func(amount int64, currency string) string {
			return models.FormatMinor(amount, currency) + " " + currency
		},
		"date": func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	}
	h := &PortalHandlers{store: store, queue: emailQueueOf(jobs), appURL: strings.TrimRight(appURL, "/"),
		secure: strings.HasPrefix(appURL, "https://"), pages: map[string]*template.Template{},
		limits: signInLimits{limiter: newMemoryLimiter(), scope: "portal"}, log: log}
	for _, page := range []string{"login", "sent", "confirm", "link", "error", "dashboard"} {
		h.pages[page] = template.Must(template.New("").Funcs(funcs).ParseFS(files, "layout.html", page+".html"))
	}
	css, err := fs.ReadFile(files, "portal.css")
	if err != nil {
		panic(err)
	}
	h.css = css
	return h
}

// Headers is the portal's middleware: pages are never framed or cached
// and send no referrer to another site (a sign-in link must not leak), and
// a form posted from another site is refused. The referrer policy is
// same-origin, not no-referrer: under no-referrer browsers send "Origin:
// null" with the portal's own forms, which sameOrigin cannot tell apart.
func (h *PortalHandlers) Headers() echo.MiddlewareFunc {
	refuse := refuseCrossSite(func(c echo.Context) error {
		return h.render(c, http.StatusForbidden, "error", portalPage{Title: "Request refused",
			Message: "This form was sent from another site."})
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		checked := refuse(next)
		return func(c echo.Context) error {
			hd := c.Response().Header()
			hd.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'self'; img-src 'self'; "+
				"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
			hd.Set(echo.HeaderXFrameOptions, "DENY")
			hd.Set("Referrer-Policy", "same-origin")
			hd.Set("Cache-Control", "no-store")
			return checked(c)
		}
	}
}

// portalPage is what every page template gets.
type portalPage struct {
	Title    string
	Program  string
	SignedIn bool
	Email    string
	Message  string
	Token    string // the sign-in link's, on the page that confirms it
	View     *models.PortalView
	PrevPage int
	NextPage int
}

// render writes a page; a template error is logged and answered with a
// bare 500.
func (h *PortalHandlers) render(c echo.Context, status int, page string, data portalPage) error {
	var buf bytes.Buffer
	if err := h.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		h.log.ErrorContext(c.Request().Context(), "portal page failed", "page", page, "error", err)
		return c.String(http.StatusInternalServerError, "internal server error")
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// Stylesheet serves portal.css.
func (h *PortalHandlers) Stylesheet(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", h.css)
}

// ShowLogin shows the sign-in form.
func (h *PortalHandlers) ShowLogin(c echo.Context) error {
	return h.render(c, http.StatusOK, "login", portalPage{Title: "Sign in"})
}

// RequestLink emails sign-in links for the address posted in the form
// field "email". The answer is the same page whether or not the address
// is known, so it tells nothing about who is an affiliate. Too many
// requests for the address or from the client (see signInLimits) are a
// 429 that sends nothing.
func (h *PortalHandlers) RequestLink(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	ok, retry, err := h.limits.allow(c, email)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.render(c, http.StatusTooManyRequests, "login", portalPage{Title: "Sign in", Email: email,
			Message: retryAfter(c, retry)})
	}
	ids, err := h.store.RequestPortalLinks(c.Request().Context(), email, h.appURL)
	if errors.Is(err, models.ErrInvalid) {
		return h.render(c, http.StatusBadRequest, "login", portalPage{Title: "Sign in", Email: email,
			Message: "Enter a valid email address."})
	}
	if err != nil {
		return h.fail(c, err)
	}
	enqueueEmails(c.Request().Context(), h.queue, h.log, ids)
	return h.render(c, http.StatusOK, "sent", portalPage{Title: "Check your inbox", Email: email})
}

// ConfirmSignIn answers the emailed link (?token=) with a page whose
// button posts the token to SignIn. Opening the link does not use it up:
// mail scanners open every link in an email before the person clicks. A
// used, expired or unknown link shows at once a page that says so.
func (h *PortalHandlers) ConfirmSignIn(c echo.Context) error {
	token := c.QueryParam("token")
	acct, err := h.store.PeekPortalLink(c.Request().Context(), token)
	if err != nil {
		return h.linkFailed(c, err)
	}
	return h.render(c, http.StatusOK, "confirm", portalPage{Title: "Sign in", Program: acct.Name, Token: token})
}

// SignIn uses up the link's token (the form field "token"), opens a
// session and goes to the portal. A used, expired or unknown link shows a
// page that says so.
func (h *PortalHandlers) SignIn(c echo.Context) error {
	session, err := h.store.ConsumePortalLink(c.Request().Context(), c.FormValue("token"))
	if err != nil {
		return h.linkFailed(c, err)
	}
	c.SetCookie(h.cookie(session, int(models.PortalSessionTTL/time.Second)))
	return c.Redirect(http.StatusSeeOther, "/portal/")
}

// linkFailed shows why a sign-in link does not work, or the error page.
func (h *PortalHandlers) linkFailed(c echo.Context, err error) error {
	switch {
	case errors.Is(err, models.ErrLinkUsed):
		return h.render(c, http.StatusGone, "link", portalPage{Title: "This link was already used",
			Message: "Each sign-in link works once. Ask for a new one: it arrives in a minute."})
	case errors.Is(err, models.ErrLinkExpired):
		return h.render(c, http.StatusGone, "link", portalPage{Title: "This link has expired",
			Message: "Sign-in links expire 15 minutes after they are sent. Ask for a new one: it arrives in a minute."})
	case errors.Is(err, models.ErrNotFound):
		return h.render(c, http.StatusNotFound, "link", portalPage{Title: "This link is not valid",
			Message: "It may have been copied incompletely. Ask for a new one."})
	}
	return h.fail(c, err)
}

// SignOut ends the session.
func (h *PortalHandlers) SignOut(c echo.Context) error {
	if ck, err := c.Cookie(PortalCookie); err == nil {
		if err := h.store.EndPortalSession(c.Request().Context(), ck.Value); err != nil {
			return h.fail(c, err)
		}
	}
	c.SetCookie(h.cookie("", -1))
	return c.Redirect(http.StatusSeeOther, "/portal/login")
}

// ShowDashboard shows the signed-in affiliate's balances, codes and
// orders (?page= pages the orders); without a session it goes to sign-in.
func (h *PortalHandlers) ShowDashboard(c echo.Context) error {
	aff, acct, ok, err := h.session(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/portal/login")
	}
	page, _ := strconv.Atoi(c.QueryParam("page"))
	v, err := h.store.PortalOverview(c.Request().Context(), aff, max(page, 1))
	if err != nil {
		return h.fail(c, err)
	}
	data := portalPage{Title: "Your earnings", Program: acct.Name, SignedIn: true, View: v}
	if v.Page > 1 {
		data.PrevPage = v.Page - 1
	}
	if int64(v.Page*v.PerPage) < v.Total {
		data.NextPage = v.Page + 1
	}
	return h.render(c, http.StatusOK, "dashboard", data)
}

// Root sends /portal to /portal/.
func (h *PortalHandlers) Root(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, "/portal/")
}

// session reads the cookie; ok is false (and the cookie cleared) when
// there is no live session.
func (h *PortalHandlers) session(c echo.Context) (*models.Affiliate, *models.Account, bool, error) {
	ck, err := c.Cookie(PortalCookie)
	if err != nil || ck.Value == "" {
		return nil, nil, false, nil
	}
	aff, acct, err := h.store.PortalAffiliate(c.Request().Context(), ck.Value)
	if errors.Is(err, models.ErrNotFound) {
		c.SetCookie(h.cookie("", -1))
		return nil, nil, false, nil
	}
	return aff, acct, err == nil, err
}

func (h *PortalHandlers) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: PortalCookie, Value: value, Path: "/portal", MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode}
}

// fail logs a server error and shows an error page.
func (h *PortalHandlers) fail(c echo.Context, err error) error {
	h.log.ErrorContext(c.Request().Context(), "portal request failed", "request_id", requestID(c),
		"path", c.Path(), "error", err)
	return h.render(c, http.StatusInternalServerError, "error", portalPage{Title: "Something went wrong",
		Message: "Please try again in a moment."})
}

// enqueueEmails hands new outbox emails to the workers; a failure is
// logged, and the sweeper sends them later.
func enqueueEmails(ctx context.Context, q EmailQueue, log *slog.Logger, ids []uint64) {
	if q == nil {
		return
	}
	for _, id := range ids {
		if err := q.EnqueueEmail(ctx, id); err != nil {
			log.WarnContext(ctx, "enqueue email; the sweeper will send it", "email_id", id, "error", err)
		}
	}
}
