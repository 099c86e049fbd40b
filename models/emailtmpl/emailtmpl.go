// Package emailtmpl renders the emails Codecredit sends to affiliates: the
// default templates (embedded), the checks a merchant's own templates must
// pass, and the data each kind of email is rendered with.
//
// A template is a one-line subject and a plain-text body with merge tags
// ({{affiliate_name}}, {{codes}}: see Tags); Compose makes the text part
// and an HTML part in the program's branded layout, escaping every value.
// Templates a merchant saved before merge tags existed (Go templates:
// subject, html and text) still render, with Render.
//
// Read merge.go (Compose) and tags.go (the tags each kind offers), then
// layout.go (the branded HTML), data.go (what each kind of email is given),
// limits.go (the bounds on a merchant's templates) and emailtmpl.go (the
// older Go-template format).
package emailtmpl

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"slices"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"
)

// Kinds of email.
const (
	KindCodeAssignment  = "code_assignment"  // codes given to an affiliate
	KindEarningsSummary = "earnings_summary" // the periodic earnings summary
	KindReversalNotice  = "reversal_notice"  // a commission taken back after a refund
	KindPortalLogin     = "portal_login"     // the magic link to the affiliate portal
	KindPayoutNotice    = "payout_notice"    // a payout was paid, or needs the affiliate's action
)

// Kinds lists every kind, in the order the settings show them.
var Kinds = []string{KindCodeAssignment, KindEarningsSummary, KindReversalNotice, KindPortalLogin, KindPayoutNotice}

// Size limits: each template source, and each rendered part.
const (
	MaxSourceBytes   = 64 << 10
	MaxRenderedBytes = 1 << 20
	maxSubjectRunes  = 250
)

// ErrTemplate is returned for a template that does not parse or render.
var ErrTemplate = errors.New("emailtmpl: invalid template")

// Source is a template in the older format: three Go templates.
type Source struct {
	Subject string `json:"subject"`
	HTML    string `json:"html" input:"multiline"`
	Text    string `json:"text" input:"multiline"`
}

// Message is a rendered email.
type Message struct {
	Subject string `json:"subject"`
	HTML    string `json:"html"`
	Text    string `json:"text"`
}

//go:embed templates
var defaults embed.FS

// Valid reports whether kind is a known kind of email.
func Valid(kind string) bool { return slices.Contains(Kinds, kind) }

// DefaultDraft returns the built-in template of kind.
func DefaultDraft(kind string) (Draft, error) {
	if !Valid(kind) {
		return Draft{}, fmt.Errorf("%w: unknown email kind %q", ErrTemplate, kind)
	}
	read := func(part string) string {
		b, err := defaults.ReadFile("templates/" + kind + "." + part + ".txt")
		if err != nil {
			panic(err) // embedded at build time: a missing file is a build bug
		}
		return string(b)
	}
	return Draft{Subject: strings.TrimSpace(read("subject")), Body: read("body")}, nil
}

// Render renders src, a template saved in the older format (Go
// templates), with data.
func Render(src Source, data any) (Message, error) {
	if err := checkSizes(src); err != nil {
		return Message{}, err
	}
	subject, err := renderText("subject", src.Subject, data)
	if err != nil {
		return Message{}, err
	}
	text, err := renderText("text", src.Text, data)
	if err != nil {
		return Message{}, err
	}
	html, err := renderHTML(src.HTML, data)
	if err != nil {
		return Message{}, err
	}
	return Message{Subject: oneLine(subject), HTML: html, Text: text}, nil
}

func checkSizes(src Source) error {
	for name, s := range map[string]string{"subject": src.Subject, "html": src.HTML, "text": src.Text} {
		if len(s) > MaxSourceBytes {
			return fmt.Errorf("%w: the %s template is larger than %d bytes", ErrTemplate, name, MaxSourceBytes)
		}
		if !utf8.ValidString(s) {
			return fmt.Errorf("%w: the %s template is not valid UTF-8", ErrTemplate, name)
		}
	}
	return nil
}

func renderText(name, src string, data any) (string, error) {
	t, err := texttemplate.New(name).Option("missingkey=error").Parse(src)
	if err == nil {
		err = checkTree(name, t.Tree, len(t.Templates()))
	}
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrTemplate, name, err)
	}
	return execute(name, func(w io.Writer) error { return t.Execute(w, data) })
}

func renderHTML(src string, data any) (string, error) {
	t, err := htmltemplate.New("html").Option("missingkey=error").Parse(src)
	if err == nil {
		err = checkTree("html", t.Tree, len(t.Templates()))
	}
	if err != nil {
		return "", fmt.Errorf("%w: html: %v", ErrTemplate, err)
	}
	return execute("html", func(w io.Writer) error { return t.Execute(w, data) })
}

// execute runs a template into a buffer capped at MaxRenderedBytes.
func execute(name string, run func(io.Writer) error) (string, error) {
	var buf bytes.Buffer
	if err := run(&capped{buf: &buf}); err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrTemplate, name, err)
	}
	return buf.String(), nil
}

// capped is a writer that fails past MaxRenderedBytes.
type capped struct{ buf *bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) > MaxRenderedBytes {
		return 0, fmt.Errorf("the rendered email is larger than %d bytes", MaxRenderedBytes)
	}
	return c.buf.Write(p)
}

// oneLine makes a subject a single trimmed line of at most maxSubjectRunes.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxSubjectRunes {
		s = string([]rune(s)[:maxSubjectRunes])
	}
	return s
}
