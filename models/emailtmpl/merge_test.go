package emailtmpl_test

import (
	"errors"
	"strings"
	"testing"

	"codecredit/models/emailtmpl"
)

func TestDefaultDraftsComposeEveryKind(t *testing.T) {
	for _, kind := range emailtmpl.Kinds {
		t.Run(kind, func(t *testing.T) {
			d, err := emailtmpl.DefaultDraft(kind)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(d.Subject+d.Body, "{{.") {
				t.Fatalf("a built-in template shows Go template syntax:\n%s", d.Body)
			}
			data, _ := emailtmpl.Sample(kind)
			msg, err := emailtmpl.Compose(kind, d, data)
			if err != nil {
				t.Fatal(err)
			}
			if msg.Subject == "" || strings.Contains(msg.Subject, "{{") {
				t.Errorf("subject %q", msg.Subject)
			}
			for _, part := range []string{msg.Text, msg.HTML} {
				if !strings.Contains(part, "Jane") || !strings.Contains(part, "Acme Outdoor") || strings.Contains(part, "{{") {
					t.Errorf("a part misses the affiliate or the program, or keeps a tag:\n%s", part)
				}
			}
		})
	}
}

func TestMergeTagsFillCodesAndCommission(t *testing.T) {
	data, _ := emailtmpl.Sample(emailtmpl.KindCodeAssignment)
	d := emailtmpl.Draft{Subject: "Codes for {{ affiliate_first_name }} at {{program_name}}",
		Body: "Dear {{affiliate_name}},\n\n{{codes}}\n\nYou earn {{commission}}.\nPortal: {{portal_link}}"}
	msg, err := emailtmpl.Compose(emailtmpl.KindCodeAssignment, d, data)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Subject != "Codes for Jane at Acme Outdoor" {
		t.Errorf("subject = %q", msg.Subject)
	}
	for _, want := range []string{"Dear Jane Doe,", "JANE15: 15% off", "https://acme-outdoor.example/discount/JANE15",
		"JANESHIP: free shipping", "You earn 10% of each order's subtotal", "Portal: https://app.example.com/portal/"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("text misses %q:\n%s", want, msg.Text)
		}
	}
	for _, want := range []string{"JANE15", "15% off", `href="https://acme-outdoor.example/discount/JANE15"`,
		`href="https://app.example.com/portal/"`, "You earn 10% of each order&#39;s subtotal", "<br>"} {
		if !strings.Contains(msg.HTML, want) {
			t.Errorf("html misses %q:\n%s", want, msg.HTML)
		}
	}
}

func TestUnknownTagIsAFieldErrorListingTheValidOnes(t *testing.T) {
	tests := []struct {
		name, field, want string
		d                 emailtmpl.Draft
	}{
		{"unknown in body", "body", "unknown merge tag {{first_name}}", emailtmpl.Draft{Subject: "Hi", Body: "Hi {{first_name}} {{codes}}"}},
		{"go syntax", "subject", "unknown merge tag {{.Affiliate.Name}}", emailtmpl.Draft{Subject: "{{.Affiliate.Name}}", Body: "{{codes}}"}},
		{"unclosed", "body", "not closed", emailtmpl.Draft{Subject: "Hi", Body: "{{codes}} {{affiliate_name"}},
		{"block in subject", "subject", "{{codes}} is several lines", emailtmpl.Draft{Subject: "{{codes}}", Body: "{{codes}}"}},
		{"codes missing", "body", "must include {{codes}}", emailtmpl.Draft{Subject: "Hi", Body: "Hello"}},
		{"empty subject", "subject", "required", emailtmpl.Draft{Subject: " ", Body: "{{codes}}"}},
		{"too large", "body", "at most", emailtmpl.Draft{Subject: "x", Body: "{{codes}}" + strings.Repeat("y", emailtmpl.MaxSourceBytes)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := emailtmpl.CheckDraft(emailtmpl.KindCodeAssignment, tt.d)
			var fe *emailtmpl.FieldError
			if !errors.As(err, &fe) || !errors.Is(err, emailtmpl.ErrTemplate) || fe.Field != tt.field || !strings.Contains(fe.Message, tt.want) {
				t.Fatalf("CheckDraft = %v, want a %s error mentioning %q", err, tt.field, tt.want)
			}
		})
	}
	err := emailtmpl.CheckDraft(emailtmpl.KindCodeAssignment, emailtmpl.Draft{Subject: "{{nope}}", Body: "{{codes}}"})
	for _, tag := range []string{"{{affiliate_name}}", "{{codes}}", "{{commission}}", "{{portal_link}}", "{{program_name}}"} {
		if !strings.Contains(err.Error(), tag) {
			t.Errorf("the error does not list %s: %v", tag, err)
		}
	}
	if err := emailtmpl.CheckDraft(emailtmpl.KindReversalNotice, emailtmpl.Draft{Subject: "x", Body: "{{reversed_amount}} {{codes}}"}); err == nil {
		t.Error("{{codes}} is not a tag of the reversal notice, yet it was accepted")
	}
	if err := emailtmpl.CheckDraft(emailtmpl.KindPortalLogin, emailtmpl.Draft{Subject: "x", Body: "Hello {{affiliate_name}}"}); err == nil ||
		!strings.Contains(err.Error(), "{{sign_in_link}}") {
		t.Errorf("a sign-in email without its link: %v", err)
	}
}

func TestMergeValuesAndTextAreEscapedInHTML(t *testing.T) {
	data := emailtmpl.Assignment{Program: emailtmpl.Program{Name: `Bob's <b>Shop</b>`, Color: `red;background:url(x)`},
		Affiliate: emailtmpl.Person{Name: `<script>alert(1)</script>`},
		Codes:     []emailtmpl.Code{{Code: `<i>X</i>`, Discount: "5% off", Link: `javascript:alert(1)`}},
		PortalURL: `https://app.example/portal/"><script>`}
	d := emailtmpl.Draft{Subject: "{{program_name}}", Body: "<img src=x onerror=alert(1)> {{affiliate_name}}\n{{codes}}\n{{portal_link}}"}
	msg, err := emailtmpl.Compose(emailtmpl.KindCodeAssignment, d, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<img src=x", "<i>X", "<b>Shop", `href="javascript:`, `"><script`, "url(x)"} {
		if strings.Contains(msg.HTML, bad) {
			t.Errorf("HTML carries %q unescaped:\n%s", bad, msg.HTML)
		}
	}
	if !strings.Contains(msg.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(msg.Text, "<script>alert(1)</script>") {
		t.Errorf("the name should be escaped in HTML and kept as typed in text:\n%s\n%s", msg.HTML, msg.Text)
	}
	if msg.Subject != `Bob's <b>Shop</b>` {
		t.Errorf("subject = %q", msg.Subject)
	}
}

func TestBrandingInTheLayout(t *testing.T) {
	data, _ := emailtmpl.Sample(emailtmpl.KindPortalLogin)
	login := data.(emailtmpl.Login)
	login.Program.LogoURL, login.Program.Color = "https://cdn.example/logo.png", "#FFCC00"
	d, _ := emailtmpl.DefaultDraft(emailtmpl.KindPortalLogin)
	msg, err := emailtmpl.Compose(emailtmpl.KindPortalLogin, d, login)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<img src="https://cdn.example/logo.png" alt="Acme Outdoor"`, "border-top:4px solid #ffcc00",
		"background:#ffcc00;color:#000000", `href="https://app.example.com/portal/auth?token=sample"`} {
		if !strings.Contains(msg.HTML, want) {
			t.Errorf("html misses %q:\n%s", want, msg.HTML)
		}
	}
	login.Program.LogoURL, login.Program.Color = "http://insecure.example/logo.png", ""
	msg, _ = emailtmpl.Compose(emailtmpl.KindPortalLogin, d, login)
	if strings.Contains(msg.HTML, "insecure.example") || !strings.Contains(msg.HTML, emailtmpl.DefaultColor) {
		t.Errorf("an http logo or no colour:\n%s", msg.HTML)
	}
}
