package emailtmpl

import (
	"bytes"
	htmltemplate "html/template"
	"regexp"
	"strconv"
	"strings"
)

// DefaultColor is the brand colour of a program that set none.
const DefaultColor = "#1c1917"

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ValidColor reports whether c is a colour as #rrggbb.
func ValidColor(c string) bool { return hexColor.MatchString(c) }

// brandColor is the program's colour, or DefaultColor.
func brandColor(p Program) string {
	if ValidColor(p.Color) {
		return strings.ToLower(p.Color)
	}
	return DefaultColor
}

// inkOn is black or white, whichever reads better on the colour c.
func inkOn(c string) string {
	n, _ := strconv.ParseUint(c[1:], 16, 32)
	r, g, b := float64(n>>16&0xff), float64(n>>8&0xff), float64(n&0xff)
	if 0.299*r+0.587*g+0.114*b > 160 {
		return "#000000"
	}
	return "#ffffff"
}

// The branded layout every composed email's HTML part sits in: the logo
// (or the program's name) over a bar of the brand colour, the body, and
// the program's name below.
var layoutTemplate = htmltemplate.Must(htmltemplate.New("layout").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px 12px;background:#f5f5f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1c1917">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;overflow:hidden;border-top:4px solid {{.Color}}">
<div style="padding:20px 24px;border-bottom:1px solid #e7e5e4">{{if .LogoURL}}<img src="{{.LogoURL}}" alt="{{.Name}}" style="max-height:48px;max-width:220px;display:block">{{else}}<strong style="font-size:18px;color:{{.Color}}">{{.Name}}</strong>{{end}}</div>
<div style="padding:24px;line-height:1.5;font-size:15px">
{{.Content}}</div>
</div>
</body>
</html>
`))

type layoutData struct {
	Subject, Name, LogoURL string
	Color                  htmltemplate.CSS
	Content                htmltemplate.HTML
}

// layout puts content (markup built by bodyHTML) into the branded layout.
func layout(p Program, subject, content string) (string, error) {
	logo := ""
	if u := safeURL(p.LogoURL); strings.HasPrefix(u, "https://") {
		logo = u
	}
	var buf bytes.Buffer
	err := layoutTemplate.Execute(&buf, layoutData{Subject: subject, Name: p.Name, LogoURL: logo,
		Color: htmltemplate.CSS(brandColor(p)), Content: htmltemplate.HTML(content)}) // bodyHTML escaped every value
	return buf.String(), err
}
