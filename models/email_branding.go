package models

import (
	"net/mail"
	"net/url"
	"strings"

	"codecredit/models/emailtmpl"
)

// EmailBranding is how every email to affiliates looks and whom it is
// from: the program's name (the From display name and the emails'
// header; the shop's name when empty), a logo shown atop the emails
// (https only), the brand colour (#rrggbb) and the address replies go to
// (the merchant's account email when empty).
type EmailBranding struct {
	ProgramName string `gorm:"size:100;not null;default:''" json:"program_name"`
	LogoURL     string `gorm:"size:500;not null;default:''" json:"logo_url"`
	BrandColor  string `gorm:"size:7;not null;default:''" json:"brand_color"`
	ReplyTo     string `gorm:"size:254;not null;default:''" json:"reply_to"`
}

// BrandingPatch changes some of the branding; nil fields stay, and an
// empty string clears one.
type BrandingPatch struct {
	ProgramName *string `json:"program_name"`
	LogoURL     *string `json:"logo_url"`
	BrandColor  *string `json:"brand_color"`
	ReplyTo     *string `json:"reply_to"`
}

// apply validates p and writes its fields into b; on an error b is left
// as it was.
func (p BrandingPatch) apply(b *EmailBranding) error {
	next := *b
	if p.ProgramName != nil {
		name := strings.TrimSpace(*p.ProgramName)
		if err := CheckLine("program_name", name, 100); err != nil {
			return &FieldError{Field: "program_name", Err: err}
		}
		next.ProgramName = name
	}
	if p.LogoURL != nil {
		logo := strings.TrimSpace(*p.LogoURL)
		if u, err := url.Parse(logo); logo != "" && (err != nil || u.Scheme != "https" || u.Host == "" || len(logo) > 500 || u.User != nil) {
			return &FieldError{Field: "logo_url", Err: invalidf("logo_url must be an https:// address of an image, such as https://shop.example/logo.png")}
		}
		next.LogoURL = logo
	}
	if p.BrandColor != nil {
		c := strings.ToLower(strings.TrimSpace(*p.BrandColor))
		if c != "" && !emailtmpl.ValidColor(c) {
			return &FieldError{Field: "brand_color", Err: invalidf("brand_color must be a colour as #rrggbb, such as #008060")}
		}
		next.BrandColor = c
	}
	if p.ReplyTo != nil {
		addr := strings.TrimSpace(*p.ReplyTo)
		if a, err := mail.ParseAddress(addr); addr != "" && (err != nil || a.Address != addr || len(addr) > 254) {
			return &FieldError{Field: "reply_to", Err: invalidf("reply_to must be an email address, such as partners@shop.example")}
		}
		next.ReplyTo = addr
	}
	*b = next
	return nil
}

// withProgram returns sample data of a kind with the account's program.
func withProgram(data any, p emailtmpl.Program) any {
	switch d := data.(type) {
	case emailtmpl.Assignment:
		d.Program = p
		return d
	case emailtmpl.Summary:
		d.Program = p
		return d
	case emailtmpl.Reversal:
		d.Program = p
		return d
	case emailtmpl.Login:
		d.Program = p
		return d
	}
	return data
}
