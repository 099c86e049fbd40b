package emailtmpl

import (
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"
)

// A merchant writes an email as plain text with merge tags: {{codes}},
// {{affiliate_name}}. Each kind of email has its own documented set of
// tags (Tags); anything else between {{ and }} is an error naming the tag
// and listing the valid ones. The text part is the body with each tag
// replaced by its value; the HTML part is the same body, escaped, with
// paragraphs and line breaks kept and each tag replaced by its value in
// HTML (escaped text, or markup built here: the list of codes, links),
// inside the program's branded layout.

// Draft is a merchant's template of one kind: a one-line subject and a
// plain-text body, both with merge tags.
type Draft struct {
	Subject string `json:"subject"`
	Body    string `json:"body" input:"multiline"`
}

// FieldError is a draft that does not render: Field is "subject" or "body".
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return ErrTemplate.Error() + ": " + e.Field + ": " + e.Message }

// Unwrap makes a FieldError an ErrTemplate.
func (e *FieldError) Unwrap() error { return ErrTemplate }

// mergeTag is {{ name }}; name is checked against the kind's tags.
var mergeTag = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// segment is a piece of a template: literal text, or a tag's name.
type segment struct {
	text string
	tag  string
}

// parseMerge splits src into literal text and tags, each tag one of tags.
func parseMerge(field, src string, tags []Tag) ([]segment, error) {
	var out []segment
	rest := src
	for {
		loc := mergeTag.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		if err := strayBraces(field, rest[:loc[0]]); err != nil {
			return nil, err
		}
		name := rest[loc[2]:loc[3]]
		if _, ok := findTag(tags, name); !ok {
			return nil, &FieldError{Field: field, Message: fmt.Sprintf("unknown merge tag {{%s}}; this email can use %s", name, tagList(tags))}
		}
		out = append(out, segment{text: rest[:loc[0]]}, segment{tag: name})
		rest = rest[loc[1]:]
	}
	if err := strayBraces(field, rest); err != nil {
		return nil, err
	}
	return append(out, segment{text: rest}), nil
}

// strayBraces refuses a {{ or }} outside a tag: a tag left unfinished.
func strayBraces(field, text string) error {
	if strings.Contains(text, "{{") || strings.Contains(text, "}}") {
		return &FieldError{Field: field, Message: "a merge tag is not closed: write tags as {{affiliate_name}}, with two braces on each side"}
	}
	return nil
}

func findTag(tags []Tag, name string) (Tag, bool) {
	for _, t := range tags {
		if t.Name == name {
			return t, true
		}
	}
	return Tag{}, false
}

func tagList(tags []Tag) string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = "{{" + t.Name + "}}"
	}
	return strings.Join(names, ", ")
}

// CheckDraft tells whether d is a valid template of kind: both parts
// present and within size, every tag known, block tags only in the body,
// and the tags the kind cannot go without (the codes, the sign-in link)
// in the body.
func CheckDraft(kind string, d Draft) error {
	tags, err := Tags(kind)
	if err != nil {
		return err
	}
	if strings.TrimSpace(d.Subject) == "" {
		return &FieldError{Field: "subject", Message: "the subject is required"}
	}
	if strings.TrimSpace(d.Body) == "" {
		return &FieldError{Field: "body", Message: "the body is required"}
	}
	if utf8.RuneCountInString(d.Subject) > maxSubjectRunes {
		return &FieldError{Field: "subject", Message: fmt.Sprintf("the subject must be at most %d characters", maxSubjectRunes)}
	}
	if len(d.Body) > MaxSourceBytes {
		return &FieldError{Field: "body", Message: fmt.Sprintf("the body must be at most %d bytes", MaxSourceBytes)}
	}
	subject, err := parseMerge("subject", d.Subject, tags)
	if err != nil {
		return err
	}
	for _, s := range subject {
		if t, _ := findTag(tags, s.tag); t.Block {
			return &FieldError{Field: "subject", Message: fmt.Sprintf("{{%s}} is several lines and goes in the body, not the subject", t.Name)}
		}
	}
	body, err := parseMerge("body", d.Body, tags)
	if err != nil {
		return err
	}
	for _, t := range tags {
		if t.Required && !usesTag(body, t.Name) {
			return &FieldError{Field: "body", Message: fmt.Sprintf("this email must include {{%s}} in the body (%s)", t.Name, t.Description)}
		}
	}
	return nil
}

func usesTag(segs []segment, name string) bool {
	for _, s := range segs {
		if s.tag == name {
			return true
		}
	}
	return false
}

// Compose renders a draft of kind with data (the kind's data type, as
// Sample returns): the subject and text with the values as text, the HTML
// part in the program's layout with every value escaped.
func Compose(kind string, d Draft, data any) (Message, error) {
	if err := CheckDraft(kind, d); err != nil {
		return Message{}, err
	}
	tags, _ := Tags(kind)
	vals, prog, err := valuesOf(data)
	if err != nil {
		return Message{}, err
	}
	subjectSegs, _ := parseMerge("subject", d.Subject, tags)
	bodySegs, _ := parseMerge("body", d.Body, tags)
	msg := Message{Subject: oneLine(mergeText(subjectSegs, vals)), Text: mergeText(bodySegs, vals)}
	msg.HTML, err = layout(prog, msg.Subject, bodyHTML(bodySegs, vals))
	if err != nil {
		return Message{}, err
	}
	if len(msg.HTML) > MaxRenderedBytes || len(msg.Text) > MaxRenderedBytes {
		return Message{}, fmt.Errorf("%w: the rendered email is larger than %d bytes", ErrTemplate, MaxRenderedBytes)
	}
	return msg, nil
}

// value is one tag's value in both parts.
type value struct {
	text string
	html string // safe markup
}

func textValue(s string) value { return value{text: s, html: html.EscapeString(s)} }

func mergeText(segs []segment, vals map[string]value) string {
	var b strings.Builder
	for _, s := range segs {
		if s.tag != "" {
			b.WriteString(vals[s.tag].text)
		} else {
			b.WriteString(s.text)
		}
	}
	return b.String()
}

// bodyHTML turns the body into HTML: blank lines separate paragraphs,
// single line breaks are kept, text is escaped, tags become their HTML.
func bodyHTML(segs []segment, vals map[string]value) string {
	var b strings.Builder
	for _, s := range segs {
		if s.tag != "" {
			// A tag's value is kept whole: its own line breaks are markup.
			b.WriteString("\x00" + markers.Replace(vals[s.tag].html) + "\x01")
			continue
		}
		b.WriteString(html.EscapeString(markers.Replace(strings.ReplaceAll(s.text, "\r\n", "\n"))))
	}
	var out strings.Builder
	for _, para := range splitParagraphs(b.String()) {
		out.WriteString(`<div style="margin:0 0 16px">`)
		out.WriteString(lineBreaks(para))
		out.WriteString("</div>\n")
	}
	return out.String()
}

// splitParagraphs splits on blank lines outside tag values (marked by
// \x00 … \x01).
func splitParagraphs(s string) []string {
	var paras []string
	var cur strings.Builder
	depth := 0
	lines := strings.SplitAfter(s, "\n")
	for _, line := range lines {
		depth += strings.Count(line, "\x00") - strings.Count(line, "\x01")
		if depth == 0 && strings.TrimSpace(line) == "" {
			if strings.TrimSpace(cur.String()) != "" {
				paras = append(paras, cur.String())
			}
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	if strings.TrimSpace(cur.String()) != "" {
		paras = append(paras, cur.String())
	}
	return paras
}

// lineBreaks turns the merchant's line breaks into <br>, leaving the
// tags' markup as it is.
func lineBreaks(para string) string {
	var b strings.Builder
	inValue := false
	para = strings.TrimRight(para, "\n")
	for _, r := range para {
		switch {
		case r == '\x00':
			inValue = true
		case r == '\x01':
			inValue = false
		case r == '\n' && !inValue:
			b.WriteString("<br>\n")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// markers drops the bytes bodyHTML uses to mark values.
var markers = strings.NewReplacer("\x00", "", "\x01", "")

// errNoData is data of a type no kind uses.
var errNoData = errors.New("emailtmpl: no merge values for this data")
