package emailtmpl_test

import (
	"errors"
	"strings"
	"testing"

	"codecredit/models/emailtmpl"
)

func TestDefaultsRenderEveryKind(t *testing.T) {
	for _, kind := range emailtmpl.Kinds {
		t.Run(kind, func(t *testing.T) {
			src, err := emailtmpl.Default(kind)
			if err != nil {
				t.Fatal(err)
			}
			if err := emailtmpl.Check(kind, src); err != nil {
				t.Fatalf("default template fails its own check: %v", err)
			}
			data, _ := emailtmpl.Sample(kind)
			msg, err := emailtmpl.Render(src, data)
			if err != nil {
				t.Fatal(err)
			}
			if msg.Subject == "" || strings.Contains(msg.Subject, "\n") {
				t.Errorf("subject %q is not one non-empty line", msg.Subject)
			}
			for _, part := range []string{msg.Text, msg.HTML} {
				if !strings.Contains(part, "Jane Doe") || !strings.Contains(part, "Acme Outdoor") {
					t.Errorf("a part misses the affiliate or the program:\n%s", part)
				}
			}
		})
	}
}

func TestAssignmentShowsCodesLinksAndTerms(t *testing.T) {
	src, _ := emailtmpl.Default(emailtmpl.KindCodeAssignment)
	data, _ := emailtmpl.Sample(emailtmpl.KindCodeAssignment)
	msg, err := emailtmpl.Render(src, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"JANE15", "15% off", "https://acme-outdoor.example/discount/JANE15",
		"JANESHIP", "free shipping", "10% of each order", "https://app.example.com/portal/"} {
		if !strings.Contains(msg.Text, want) || !strings.Contains(msg.HTML, want) {
			t.Errorf("%q missing from a part", want)
		}
	}
	if msg.Subject != "Your 2 codes for Acme Outdoor" {
		t.Errorf("subject = %q", msg.Subject)
	}
}

func TestHTMLEscapesValues(t *testing.T) {
	src, _ := emailtmpl.Default(emailtmpl.KindReversalNotice)
	data := emailtmpl.Reversal{Program: emailtmpl.Program{Name: "Shop"},
		Affiliate: emailtmpl.Person{Name: `<script>alert(1)</script>`}, OrderNumber: "1", Code: "X", Amount: "1.00 USD"}
	msg, err := emailtmpl.Render(src, data)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(msg.HTML, "<script>") {
		t.Fatalf("HTML part carries a raw script tag:\n%s", msg.HTML)
	}
	if !strings.Contains(msg.Text, "<script>") {
		t.Fatal("the text part should keep the name as typed")
	}
}

func TestCheckRejects(t *testing.T) {
	good, _ := emailtmpl.Default(emailtmpl.KindPortalLogin)
	tests := []struct {
		name string
		kind string
		edit func(s *emailtmpl.Source)
		want string
	}{
		{"html does not parse", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.HTML = "<p>{{.Program.Name</p>" }, "html"},
		{"text does not parse", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.Text = "{{range}}" }, "text"},
		{"unknown field", emailtmpl.KindCodeAssignment, func(s *emailtmpl.Source) { s.Subject = "{{.Nope}}" }, "Nope"},
		{"empty part", emailtmpl.KindEarningsSummary, func(s *emailtmpl.Source) { s.Text = " " }, "required"},
		{"login without link", emailtmpl.KindPortalLogin, func(s *emailtmpl.Source) { s.Text = "Hello {{.Affiliate.Name}}" }, "LinkURL"},
		{"unknown kind", "newsletter", func(*emailtmpl.Source) {}, "unknown email kind"},
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
			src := good
			if tt.kind != emailtmpl.KindPortalLogin {
				src, _ = emailtmpl.Default(tt.kind)
			}
			tt.edit(&src)
			err := emailtmpl.Check(tt.kind, src)
			if !errors.Is(err, emailtmpl.ErrTemplate) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want ErrTemplate mentioning %q", err, tt.want)
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

// FuzzCheck feeds arbitrary templates to Check and Render: they may be
// refused, but never panic nor render past the size cap.
func FuzzCheck(f *testing.F) {
	for _, kind := range emailtmpl.Kinds {
		src, _ := emailtmpl.Default(kind)
		f.Add(kind, src.Subject, src.HTML, src.Text)
	}
	f.Add(emailtmpl.KindCodeAssignment, "{{", "{{range .Codes}}{{template \"x\"}}{{end}}", `{{define "x"}}{{template "x"}}{{end}}`)
	f.Fuzz(func(t *testing.T, kind, subject, html, text string) {
		src := emailtmpl.Source{Subject: subject, HTML: html, Text: text}
		err := emailtmpl.Check(kind, src)
		if err != nil && !errors.Is(err, emailtmpl.ErrTemplate) {
			t.Fatalf("Check error %v is not ErrTemplate", err)
		}
		data, derr := emailtmpl.Sample(kind)
		if derr != nil {
			return
		}
		msg, err := emailtmpl.Render(src, data)
		if err == nil && (len(msg.HTML) > emailtmpl.MaxRenderedBytes || len(msg.Text) > emailtmpl.MaxRenderedBytes ||
			strings.Contains(msg.Subject, "\n")) {
			t.Fatalf("rendered past the limits: %d %d %q", len(msg.HTML), len(msg.Text), msg.Subject)
		}
	})
}
