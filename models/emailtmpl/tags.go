package emailtmpl

import (
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
)

// Tag is one merge tag a kind of email may use.
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Block tags are several lines (a list, a table): body only.
	Block bool `json:"block,omitempty"`
	// Required tags must be in the body: the email is pointless without them.
	Required bool `json:"required,omitempty"`
}

var (
	tagName      = Tag{Name: "affiliate_name", Description: "the affiliate's full name"}
	tagFirstName = Tag{Name: "affiliate_first_name", Description: "the affiliate's first name"}
	tagProgram   = Tag{Name: "program_name", Description: "your program's name (Branding)"}
	tagPortal    = Tag{Name: "portal_link", Description: "the link to the affiliate portal"}
)

// kindTags is the documented set of merge tags of each kind.
var kindTags = map[string][]Tag{
	KindCodeAssignment: {tagName, tagFirstName, tagProgram,
		{Name: "codes", Description: "the affiliate's codes, each with its discount and shareable link", Block: true, Required: true},
		{Name: "code_list", Description: "the codes on one line, such as JANE15 and JANESHIP"},
		{Name: "commission", Description: "the affiliate's commission in words"}, tagPortal},
	KindEarningsSummary: {tagName, tagFirstName, tagProgram,
		{Name: "period", Description: "the month summarised, such as March 2026"},
		{Name: "order_count", Description: "the number of orders with the affiliate's codes in that month"},
		{Name: "earnings", Description: "earned, reversed, pending, approved and paid, per currency", Block: true, Required: true},
		tagPortal},
	KindReversalNotice: {tagName, tagFirstName, tagProgram,
		{Name: "order_number", Description: "the refunded order's number"},
		{Name: "code", Description: "the code the order was placed with"},
		{Name: "reversed_amount", Description: "the commission taken back", Required: true},
		{Name: "refund_kind", Description: `"refunded or cancelled" or "partly refunded"`},
		{Name: "clawback_note", Description: "a sentence saying it comes off the next payout, when the commission had been paid (empty otherwise)"},
		tagPortal},
	KindPortalLogin: {tagName, tagFirstName, tagProgram,
		{Name: "sign_in_link", Description: "the single-use sign-in link", Required: true},
		{Name: "link_expiry", Description: "how long the link works, such as 15 minutes"}},
	KindPayoutNotice: {tagName, tagFirstName, tagProgram,
		{Name: "payout_amount", Description: "the amount of the payout", Required: true},
		{Name: "payout_method", Description: "how it was sent, such as PayPal"},
		{Name: "payout_outcome", Description: `"was paid" or "could not be paid"`},
		{Name: "payout_details", Description: "the payment's reference when paid; otherwise why it was not paid and what to do"},
		tagPortal},
}

// Tags lists the merge tags of kind.
func Tags(kind string) ([]Tag, error) {
	t, ok := kindTags[kind]
	if !ok {
		return nil, fmt.Errorf("%w: unknown email kind %q", ErrTemplate, kind)
	}
	return t, nil
}

// valuesOf gives the value of every tag for data of one kind.
func valuesOf(data any) (map[string]value, Program, error) {
	switch d := data.(type) {
	case Assignment:
		v := common(d.Program, d.Affiliate, d.PortalURL)
		v["codes"] = codesValue(d.Codes, d.Program)
		v["commission"] = textValue(d.Commission)
		v["code_list"] = textValue(codeList(d.Codes))
		return v, d.Program, nil
	case Summary:
		v := common(d.Program, d.Affiliate, d.PortalURL)
		v["period"] = textValue(d.Period)
		v["order_count"] = textValue(strconv.Itoa(d.Conversions))
		v["earnings"] = earningsValue(d.Period, d.Lines)
		return v, d.Program, nil
	case Reversal:
		v := common(d.Program, d.Affiliate, d.PortalURL)
		v["order_number"], v["code"], v["reversed_amount"] = textValue(d.OrderNumber), textValue(d.Code), textValue(d.Amount)
		v["refund_kind"] = textValue("partly refunded")
		if d.Full {
			v["refund_kind"] = textValue("refunded or cancelled")
		}
		v["clawback_note"] = textValue("")
		if d.Clawback {
			v["clawback_note"] = textValue("It had already been paid, so it will be deducted from your next payout.")
		}
		return v, d.Program, nil
	case Payout:
		v := common(d.Program, d.Affiliate, d.PortalURL)
		v["payout_amount"], v["payout_method"] = textValue(d.Amount), textValue(d.Method)
		v["payout_outcome"], v["payout_details"] = textValue("was paid"), textValue("Reference: "+d.Reference+".")
		if d.Reference == "" {
			v["payout_details"] = textValue("")
		}
		if !d.Paid {
			v["payout_outcome"] = textValue("could not be paid")
			v["payout_details"] = textValue(strings.TrimSpace(d.Reason + " " + d.Action))
		}
		return v, d.Program, nil
	case Login:
		v := common(d.Program, d.Affiliate, "")
		v["sign_in_link"] = value{text: d.LinkURL, html: button(d.LinkURL, "Sign in to your portal", d.Program) +
			`<br><span style="font-size:13px;color:#57534e;word-break:break-all">Or paste this link into your browser: ` + html.EscapeString(d.LinkURL) + `</span>`}
		v["link_expiry"] = textValue(d.Expires)
		return v, d.Program, nil
	}
	return nil, Program{}, errNoData
}

func common(p Program, a Person, portal string) map[string]value {
	first := a.Name
	if f := strings.Fields(a.Name); len(f) > 0 {
		first = f[0]
	}
	return map[string]value{"affiliate_name": textValue(a.Name), "affiliate_first_name": textValue(first),
		"program_name": textValue(p.Name), "portal_link": linkValue(portal, portal, p)}
}

// safeURL is u when it is an absolute http(s) URL, else "".
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return u
}

func linkValue(u, label string, p Program) value {
	if safeURL(u) == "" {
		return textValue(u)
	}
	style := "color:" + brandColor(p)
	if label == u {
		style += ";word-break:break-all"
	}
	return value{text: u, html: `<a href="` + html.EscapeString(u) + `" style="` + style + `">` + html.EscapeString(label) + `</a>`}
}

func button(u, label string, p Program) string {
	if safeURL(u) == "" {
		return html.EscapeString(u)
	}
	c := brandColor(p)
	return `<a href="` + html.EscapeString(u) + `" style="display:inline-block;background:` + c + `;color:` + inkOn(c) +
		`;padding:10px 16px;border-radius:6px;text-decoration:none">` + html.EscapeString(label) + `</a>`
}

func codesValue(codes []Code, p Program) value {
	var t, h strings.Builder
	h.WriteString(`<table role="presentation" style="width:100%;border-collapse:collapse;table-layout:fixed">`)
	for i, c := range codes {
		if i > 0 {
			t.WriteString("\n")
		}
		fmt.Fprintf(&t, "%s: %s", c.Code, c.Discount)
		fmt.Fprintf(&h, `<tr><td style="padding:10px 0;border-top:1px solid #e7e5e4"><strong style="font-family:monospace;font-size:18px">%s</strong> &nbsp;%s`,
			html.EscapeString(c.Code), html.EscapeString(c.Discount))
		if c.TrackedLink != "" {
			label, words := "Your link", "Your link (share it: we count its visits): "
			if c.AutoApply {
				label, words = "Your link (applies the code)", "Your link (share it: it applies the code, and we count its visits): "
			}
			t.WriteString("\n  " + words + c.TrackedLink)
			h.WriteString("<br>" + linkValue(c.TrackedLink, label, p).html)
			if safeURL(c.TrackedLink) != "" {
				h.WriteString(`<br><span style="font-size:12px;color:#57534e;word-break:break-all">` + html.EscapeString(c.TrackedLink) + `</span>`)
			}
		}
		if c.Link != "" {
			label, words := "Shop", "Shop: "
			switch {
			case c.AutoApply && c.TrackedLink != "":
				label, words = "The store's own discount link (visits not counted)", "Or the store's own discount link (visits not counted): "
			case c.AutoApply:
				label, words = "Shareable link (applies the code)", "Share this link, it applies the code by itself: "
			}
			t.WriteString("\n  " + words + c.Link)
			h.WriteString("<br>" + linkValue(c.Link, label, p).html)
			if c.AutoApply && safeURL(c.Link) != "" {
				h.WriteString(`<br><span style="font-size:12px;color:#57534e;word-break:break-all">` + html.EscapeString(c.Link) + `</span>`)
			}
		}
		h.WriteString("</td></tr>")
	}
	h.WriteString("</table>")
	return value{text: t.String(), html: h.String()}
}

func earningsValue(period string, lines []EarningsLine) value {
	var t, h strings.Builder
	for i, l := range lines {
		if i > 0 {
			t.WriteString("\n\n")
		}
		rows := [][2]string{{"Earned in " + period, l.Earned}, {"Reversed (refunds)", l.Reversed}, {"Pending (on hold)", l.Pending},
			{"Approved (payable)", l.Approved}, {"Paid so far", l.Paid}}
		t.WriteString(l.Currency)
		fmt.Fprintf(&h, `<table role="presentation" style="width:100%%;border-collapse:collapse;margin:8px 0"><tr><th colspan="2" style="text-align:left;padding:4px 0">%s</th></tr>`,
			html.EscapeString(l.Currency))
		width := 0
		for _, r := range rows {
			width = max(width, len(r[0])+2)
		}
		for _, r := range rows {
			fmt.Fprintf(&t, "\n  %-*s%s", width, r[0]+":", r[1])
			fmt.Fprintf(&h, `<tr><td style="padding:4px 0">%s</td><td style="text-align:right">%s</td></tr>`, html.EscapeString(r[0]), html.EscapeString(r[1]))
		}
		h.WriteString("</table>")
	}
	return value{text: t.String(), html: h.String()}
}

// codeList names the codes on one line: "A", "A and B", "A, B and C".
func codeList(codes []Code) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = c.Code
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
