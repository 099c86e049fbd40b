package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/mail"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// AppBridgeScript is Shopify App Bridge, loaded from Shopify's CDN as its
// documentation requires (https://shopify.dev/docs/api/app-bridge).
const AppBridgeScript = "https://cdn.shopify.com/shopifycloud/app-bridge.js"

// appBridgeSlot is where the built index.html takes the App Bridge tags.
const appBridgeSlot = "<!--app-bridge-->"

// Admin serves the embedded admin, a single-page app under /admin/, and
// the merchants' sign-in by emailed link.
type Admin struct {
	files    fs.FS
	landing  []byte // dist/index.html, the page at /
	index    string
	apiKey   string
	links    MerchantLinks
	sessions *MerchantSessions
	limits   signInLimits
	log      *slog.Logger
	// LinksLogged says sign-in links are written to the server's log, not
	// mailed (no SMTP): the sign-in page tells the merchant where to look.
	LinksLogged bool
}

// NewAdmin serves the admin built into dist's admin/ folder (frontend.Dist()).
// shopifyAPIKey empty serves it standalone only; links or sessions nil
// turn off the email sign-in.
func NewAdmin(dist fs.FS, shopifyAPIKey string, links MerchantLinks, sessions *MerchantSessions, log *slog.Logger) (*Admin, error) {
	files, err := fs.Sub(dist, "admin")
	if err != nil {
		return nil, err
	}
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		return nil, fmt.Errorf("handlers: the admin is not built: %w", err)
	}
	if !strings.Contains(string(index), appBridgeSlot) {
		return nil, errors.New("handlers: the admin's index.html has no " + appBridgeSlot + " slot")
	}
	landing, _ := fs.ReadFile(dist, "index.html")
	if log == nil {
		log = slog.Default()
	}
	return &Admin{files: files, landing: landing, index: string(index), apiKey: shopifyAPIKey, links: links,
		sessions: sessions, limits: signInLimits{limiter: newMemoryLimiter(), scope: "admin"}, log: log}, nil
}

// frameAncestors is the Content-Security-Policy of an HTML page: framed by
// the shop's own admin and admin.shopify.com inside Shopify, by no one
// elsewhere.
func frameAncestors(shop string) string {
	if ValidShop(shop) {
		return "frame-ancestors https://" + shop + " https://admin.shopify.com"
	}
	return "frame-ancestors 'none'"
}

// Root is the landing page, except when Shopify opens the app (its URL
// is the site's root): that goes to the admin with Shopify's query (shop,
// host, embedded, id_token) kept.
func (a *Admin) Root(c echo.Context) error {
	q := c.QueryParams()
	c.Response().Header().Set(echo.HeaderContentSecurityPolicy, frameAncestors(q.Get("shop")))
	if q.Has("shop") || q.Has("host") || q.Has("embedded") || len(a.landing) == 0 {
		target := "/admin/"
		if raw := c.Request().URL.RawQuery; raw != "" {
			target += "?" + raw
		}
		return c.Redirect(http.StatusFound, target)
	}
	return c.HTMLBlob(http.StatusOK, a.landing)
}

// Serve answers every GET under /admin/: a built asset with a year of
// caching (names carry a content hash), or else index.html, for the app
// to route on its own.
func (a *Admin) Serve(c echo.Context) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
	if strings.HasPrefix(name, "assets/") {
		body, err := fs.ReadFile(a.files, name)
		if err != nil {
			return echo.NewHTTPError(http.StatusNotFound, "no such file")
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		return c.Blob(http.StatusOK, contentType(name), body)
	}
	return a.Index(c)
}

// Index is the app's page, with App Bridge when Shopify opened it for a
// shop and never cached (it names the current assets).
func (a *Admin) Index(c echo.Context) error {
	shop := c.QueryParam("shop")
	h := c.Response().Header()
	h.Set(echo.HeaderContentSecurityPolicy, frameAncestors(shop))
	h.Set("Cache-Control", "no-cache")
	tags := ""
	if a.apiKey != "" && ValidShop(shop) {
		tags = `<meta name="shopify-api-key" content="` + html.EscapeString(a.apiKey) + `">` +
			`<script src="` + AppBridgeScript + `"></script>`
	}
	return c.HTML(http.StatusOK, strings.Replace(a.index, appBridgeSlot, tags, 1))
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".woff2":
		return "font/woff2"
	}
	return echo.MIMEOctetStream
}

// Login emails a sign-in link: {email}. It answers the same, at once,
// whether or not the email belongs to a merchant: the link is written to
// the outbox and mailed by the send job. More than signInPerEmail requests
// for an address, or signInPerClient from a client, in signInWindow are
// a 429 and send nothing.
func (a *Admin) Login(c echo.Context) error {
	if a.links == nil || a.sessions == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "sign-in by email is not set up on this server")
	}
	var in struct {
		Email string `json:"email"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(in.Email))
	if err != nil {
		return badRequest("email must be an email address, like you@example.com")
	}
	ok, retry, err := a.limits.allow(c, addr.Address)
	if err != nil {
		return unavailable("cannot send sign-in links right now; try again", err)
	}
	if !ok {
		return tooManySignIns(c, retry)
	}
	if err := a.links.Send(c.Request().Context(), addr.Address); err != nil {
		return err
	}
	if a.LinksLogged {
		return c.JSON(http.StatusAccepted, map[string]any{"sent": true, "delivery": "log",
			"message": "No email is configured: the link is in the server's log (\"merchant sign-in link\"), if this email belongs to a merchant."})
	}
	return c.JSON(http.StatusAccepted, map[string]any{"sent": true, "delivery": "email",
		"message": "If this email belongs to a merchant, a sign-in link is on its way."})
}

// ConfirmRedeem answers the emailed link (?token=) with a page whose
// button posts the token to Redeem. Opening the link does not use it up:
// mail scanners open every link in an email before the person clicks. A
// used or expired link opens the sign-in page saying so.
func (a *Admin) ConfirmRedeem(c echo.Context) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentSecurityPolicy, frameAncestors("")+confirmPolicy)
	h.Set("Cache-Control", "no-store")
	// Under no-referrer, the button's post would say "Origin: null", which
	// Redeem refuses; same-origin still sends nothing to other sites.
	h.Set("Referrer-Policy", "same-origin")
	if a.links == nil || a.sessions == nil {
		return c.Redirect(http.StatusFound, "/admin/?login=unavailable")
	}
	token := c.QueryParam("token")
	id, err := a.links.Check(c.Request().Context(), token)
	if errors.Is(err, models.ErrNotFound) || (err == nil && id == 0) {
		return c.Redirect(http.StatusFound, "/admin/?login=expired")
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := confirmPage.Execute(&buf, token); err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// Redeem signs the merchant in with the token the confirm page posts (the
// form field "token"), using the link up, and opens the admin; a used or
// expired link opens the sign-in page saying so.
func (a *Admin) Redeem(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderContentSecurityPolicy, frameAncestors(""))
	c.Response().Header().Set("Cache-Control", "no-store")
	if a.links == nil || a.sessions == nil {
		return c.Redirect(http.StatusSeeOther, "/admin/?login=unavailable")
	}
	id, err := a.links.Redeem(c.Request().Context(), c.FormValue("token"))
	if errors.Is(err, models.ErrNotFound) || (err == nil && id == 0) {
		return c.Redirect(http.StatusSeeOther, "/admin/?login=expired")
	}
	if err != nil {
		return err
	}
	if err := a.sessions.Issue(c, id); err != nil {
		return err
	}
	a.log.InfoContext(c.Request().Context(), "merchant signed in", "account_id", id)
	return c.Redirect(http.StatusSeeOther, "/admin/")
}

// confirmStyle is the confirm page's only style, allowed by its hash.
const confirmStyle = `body{margin:0;background:#f5f5f4;color:#1c1917;font:16px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}` +
	`main{max-width:420px;margin:64px auto;padding:24px;background:#fff;border:1px solid #e7e5e4;border-radius:8px}` +
	`h1{font-size:22px;margin:0 0 8px}` +
	`button{background:#1c1917;color:#fff;border:0;border-radius:6px;padding:10px 16px;font-size:15px;cursor:pointer}`

// confirmPolicy follows frame-ancestors on the confirm page: nothing
// loads but its own style, and the form posts only here.
var confirmPolicy = func() string {
	sum := sha256.Sum256([]byte(confirmStyle))
	return "; default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; form-action 'self'; base-uri 'none'"
}()

// confirmPage asks the merchant to press the button that signs in; it is
// executed with the link's token.
var confirmPage = template.Must(template.New("confirm").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>Sign in to Codecredit admin</title>
<style>` + confirmStyle + `</style>
</head>
<body>
<main>
<h1>Sign in to Codecredit admin</h1>
<p>Press the button to open the admin. The link in your email works once, for 15 minutes.</p>
<form method="post" action="/admin/auth">
<input type="hidden" name="token" value="{{.}}">
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`))

// Logout ends the merchant session on the server, so the cookie is
// refused from then on, even a copy of it, and clears it.
func (a *Admin) Logout(c echo.Context) error {
	if a.sessions != nil {
		if err := a.sessions.End(c); err != nil {
			return err
		}
	}
	return c.NoContent(http.StatusNoContent)
}
