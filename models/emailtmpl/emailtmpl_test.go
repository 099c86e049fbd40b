package emailtmpl_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"codecredit/models/emailtmpl"
)

// legacy reads the built-in templates of the older format, kept as
// testdata: what a merchant's saved Go templates look like.
func legacy(t testing.TB, kind string) emailtmpl.Source {
	t.Helper()
	read := func(ext string) string {
		b, err := os.ReadFile("testdata/legacy_" + kind + ext)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	return emailtmpl.Source{Subject: strings.TrimSpace(read(".subject.txt")), HTML: read(".html"), Text: read(".txt")}
}

func TestLegacyTemplatesStillRender(t *testing.T) {
	for _, kind := range emailtmpl.Kinds {
		data, _ := emailtmpl.Sample(kind)
		msg, err := emailtmpl.Render(legacy(t, kind), data)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		for _, part := range []string{msg.Text, msg.HTML, msg.Subject} {
			if !strings.Contains(part, "Acme Outdoor") && !strings.Contains(part, "March 2026") && !strings.Contains(part, "#1042") {
				t.Errorf("%s: a part misses the program:\n%s", kind, part)
			}
		}
	}
	src := legacy(t, emailtmpl.KindReversalNotice)
	data := emailtmpl.Reversal{Program: emailtmpl.Program{Name: "Shop"},
		Affiliate: emailtmpl.Person{Name: `<script>alert(1)</script>`}, OrderNumber: "1", Code: "X", Amount: "1.00 USD"}
	msg, err := emailtmpl.Render(src, data)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(msg.HTML, "<script>") || !strings.Contains(msg.Text, "<script>") {
		t.Fatalf("legacy HTML must escape, text keep as typed:\n%s", msg.HTML)
	}
}

func TestLegacyRenderRejects(t *testing.T) {
	tests := []struct {
		name string
		kind string
		edit func(s *emailtmpl.Source)
		want string
	}{
		{"html does not parse", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.HTML = "<p>{{.Program.Name</p>" }, "html"},
		{"text does not parse", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.Text = "{{range}}" }, "text"},
		{"unknown field", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.Subject = "{{.Nope}}" }, "Nope"},
		{"too large", emailtmpl.KindPortalLogin, func(s *emailtmpl.Source) { s.HTML += strings.Repeat("x", emailtmpl.MaxSourceBytes) }, "larger"},
		{"define", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.Text = `{{define "x"}}y{{end}}` }, "define"},
		{"template call", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.HTML = `{{template "html"}}` }, "template"},
		{"nested range", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) {
			s.Text = "{{range .Codes}}{{range $.Codes}}x{{end}}{{end}}"
		}, "inside another"},
		{"range over a number", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.Text = "{{range 1000000000}}{{end}}" }, "range"},
		{"range over a variable", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) {
			s.Text = "{{$n := 1000000000}}{{range $n}}{{end}}"
		}, "range"},
		{"printf", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.Subject = `{{printf "%0999999999d" 1}}` }, "printf"},
		{"call", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.HTML = `{{call .Program}}` }, "call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := legacy(t, tt.kind)
			tt.edit(&src)
			data, _ := emailtmpl.Sample(tt.kind)
			_, err := emailtmpl.Render(src, data)
			if !errors.Is(err, emailtmpl.ErrTemplate) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Render = %v, want ErrTemplate mentioning %q", err, tt.want)
			}
		})
	}
}

func TestRenderCapsOutput(t *testing.T) {
	data := emailtmpl.Assignment{Codes: make([]emailtmpl.Code, 100)}
	src := emailtmpl.Source{Subject: "x", HTML: "x", Text: "{{range .Codes}}" + strings.Repeat("y", 20000) + "{{end}}"}
	if _, err := emailtmpl.Render(src, data); !errors.Is(err, emailtmpl.ErrTemplate) || !strings.Contains(err.Error(), "rendered email is larger") {
		t.Fatalf("2 MB of text: %v, want the size cap", err)
	}
}

func TestShareLink(t *testing.T) {
	tests := []struct {
		platform, store, site, code string
		link                        string
		auto                        bool
	}{
		{"shopify", "acme.myshopify.com", "", "JANE15", "https://acme.myshopify.com/discount/JANE15", true},
		{"shopify", "acme.myshopify.com", "https://acme.example", "A B/C", "https://acme.myshopify.com/discount/A%20B%2FC", true},
		{"shopify", "evil.example/x?", "https://acme.example", "X", "https://acme.example", false},
		{"woocommerce", "https://shop.example", "", "X", "https://shop.example", false},
		{"woocommerce", "https://shop.example", "https://www.shop.example", "X", "https://www.shop.example", false},
		{"stripe", "acct_123", "https://saas.example", "X", "https://saas.example", false},
		{"paddle", "pro_1", "", "X", "", false},
		{"api", "7", "", "X", "", false},
	}
	for _, tt := range tests {
		link, auto := emailtmpl.ShareLink(tt.platform, tt.store, tt.site, tt.code)
		if link != tt.link || auto != tt.auto {
			t.Errorf("ShareLink(%q, %q, %q, %q) = %q, %v; want %q, %v", tt.platform, tt.store, tt.site, tt.code, link, auto, tt.link, tt.auto)
		}
	}
}

func TestPercentAndDiscountText(t *testing.T) {
	for bps, want := range map[int64]string{1000: "10%", 1250: "12.5%", 1234: "12.34%", 5: "0.05%", 10000: "100%", 0: "0%"} {
		if got := emailtmpl.Percent(bps); got != want {
			t.Errorf("Percent(%d) = %q, want %q", bps, got, want)
		}
	}
	tests := []struct{ kind, want string }{
		{"percentage", "15% off"}, {"fixed_amount", "10.00 USD off"}, {"free_shipping", "free shipping"}, {"other", "a discount"},
	}
	for _, tt := range tests {
		if got := emailtmpl.DiscountText(tt.kind, 1500, "10.00 USD"); got != tt.want {
			t.Errorf("DiscountText(%q) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}

// FuzzCompose feeds arbitrary drafts to CheckDraft and Compose: they may
// be refused, but never panic, never render past the size cap, and never
// let a tag or a raw < from the draft into the HTML.
func FuzzCompose(f *testing.F) {
	for _, kind := range emailtmpl.Kinds {
		d, _ := emailtmpl.DefaultDraft(kind)
		f.Add(kind, d.Subject, d.Body)
	}
	f.Add(emailtmpl.KindCodeAssignment, "{{", "{{codes}} {{ codes }}}} <b>{{nope}}")
	f.Add(emailtmpl.KindPortalLogin, "x", "{{sign_in_link}}\x00\x01\n\n\x01<script>")
	f.Fuzz(func(t *testing.T, kind, subject, body string) {
		d := emailtmpl.Draft{Subject: subject, Body: body}
		err := emailtmpl.CheckDraft(kind, d)
		if err != nil && !errors.Is(err, emailtmpl.ErrTemplate) {
			t.Fatalf("CheckDraft error %v is not ErrTemplate", err)
		}
		data, derr := emailtmpl.Sample(kind)
		if derr != nil || err != nil {
			return
		}
		msg, err := emailtmpl.Compose(kind, d, data)
		if err != nil {
			return
		}
		if len(msg.HTML) > emailtmpl.MaxRenderedBytes || strings.Contains(msg.Subject, "\n") || strings.Contains(msg.HTML, "<script") {
			t.Fatalf("rendered past the limits: %d %q", len(msg.HTML), msg.Subject)
		}
	})
}
