package handlers

import (
	"bytes"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

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
	js     []byte
	icon   []byte
	log    *slog.Logger
	// onboarder starts Stripe Connect onboarding; nil: not available yet.
	onboarder ConnectOnboarder
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
	loc := newPortalLocale("")
	funcs := template.FuncMap{"money": loc.Money, "date": loc.Date, "order": orderLabel}
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
	if h.js, err = fs.ReadFile(files, "portal.js"); err != nil {
		panic(err)
	}
	if h.icon, err = fs.ReadFile(files, "favicon.svg"); err != nil {
		panic(err)
	}
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
			hd.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
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
	// Payout details and clawbacks, on the dashboard.
	Payout     *models.PayoutDetailsView
	PayoutForm payoutForm
	Clawbacks  []models.Clawback
	Saved      bool
	// PayoutMethods are the methods the program offers; Connect is what
	// came back from Stripe's onboarding (return, refresh) or why it did
	// not start (unavailable, failed).
	PayoutMethods []string
	Connect       string
	// LinkStats says, by code, what its tracked link did lately.
	LinkStats map[string]string
	// Payouts are the affiliate's payouts; Next what is paid next.
	Payouts []models.PortalPayout
	Next    models.PortalNext
}

// render writes a page; a template error is logged and answered with a
// bare 500.
func (h *PortalHandlers) render(c echo.Context, status int, page string, data portalPage) error {
	var buf bytes.Buffer
	t, err := h.pages[page].Clone()
	if err == nil {
		loc := newPortalLocale(c.Request().Header.Get("Accept-Language"))
		err = t.Funcs(template.FuncMap{"money": loc.Money, "date": loc.Date}).ExecuteTemplate(&buf, "layout", data)
	}
	if err != nil {
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
	data, err := h.dashboard(c, aff, acct)
	if err != nil {
		return h.fail(c, err)
	}
	data.Saved = c.QueryParam("saved") == "payout"
	data.Connect = c.QueryParam("connect")
	return h.render(c, http.StatusOK, "dashboard", data)
}

// dashboard gathers what the dashboard shows.
func (h *PortalHandlers) dashboard(c echo.Context, aff *models.Affiliate, acct *models.Account) (portalPage, error) {
	ctx := c.Request().Context()
	page, _ := strconv.Atoi(c.QueryParam("page"))
	v, err := h.store.PortalOverview(ctx, aff, max(page, 1))
	if err != nil {
		return portalPage{}, err
	}
	data := portalPage{Title: "Your earnings", Program: acct.Name, SignedIn: true, View: v}
	if data.Payout, err = h.store.GetPayoutDetails(ctx, aff.AccountID, aff.ID); err != nil {
		return data, err
	}
	if data.Clawbacks, err = h.store.PortalClawbacks(ctx, aff.AccountID, aff.ID); err != nil {
		return data, err
	}
	if data.PayoutMethods, err = h.store.PayoutMethods(ctx, aff.AccountID); err != nil {
		return data, err
	}
	data.Email = aff.Email
	if data.Payouts, err = h.store.PortalPayouts(ctx, aff.AccountID, aff.ID); err != nil {
		return data, err
	}
	data.Next = models.NextPayout(acct, v.Balances)
	if err := h.trackLinks(c, aff, &data); err != nil {
		return data, err
	}
	if v.Page > 1 {
		data.PrevPage = v.Page - 1
	}
	if int64(v.Page*v.PerPage) < v.Total {
		data.NextPage = v.Page + 1
	}
	return data, nil
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
