// Parsing a naming rule into its parts, and reducing literal text and
// names to the characters a code holds.

package codename

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Generated codes: uppercase ASCII letters and digits (at least 3), with the
// - and _ of the naming rule's literal text where the store allows them;
// at most 32 characters.
const (
	MinLength = 3
	MaxLength = 32
)

// RandomAlphabet is what {RANDOMn} draws from: no 0, O, 1, I or L, which
// are easy to misread on a podcast ad or a printed flyer.
const RandomAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// Naming-rule tokens.
const (
	partLiteral = iota
	partFirst
	partLast
	partName
	partDiscount
	partRandom
)

// Part is one piece of a parsed naming rule: literal text (already
// reduced to uppercase ASCII letters, digits, - and _), a name or discount token,
// or a random token of n characters.
type Part struct {
	kind int
	text string
	n    int
}

// Parse parses a template such as "SUMMER-{FIRST}{DISCOUNT}" or
// "{NAME}{RANDOM4}". Token names ignore case.
func Parse(t string) ([]Part, error) {
	if strings.TrimSpace(t) == "" {
		return nil, invalidf("template is empty")
	}
	if utf8.RuneCountInString(t) > 100 {
		return nil, invalidf("template must be at most 100 characters")
	}
	var parts []Part
	for rest := t; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if cl := strings.IndexByte(rest, '}'); cl >= 0 && (open < 0 || cl < open) {
			return nil, invalidf("template %q has a } without its {", t)
		}
		if open < 0 {
			parts = appendLiteral(parts, rest)
			break
		}
		parts = appendLiteral(parts, rest[:open])
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, invalidf("template %q has a { without its }", t)
		}
		p, err := parseToken(rest[open+1 : open+end])
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
		rest = rest[open+end+1:]
	}
	return parts, nil
}

func appendLiteral(parts []Part, s string) []Part {
	if text := codeChars(s); text != "" {
		parts = append(parts, Part{kind: partLiteral, text: text})
	}
	return parts
}

func parseToken(tok string) (Part, error) {
	name := strings.ToUpper(strings.TrimSpace(tok))
	switch name {
	case "FIRST":
		return Part{kind: partFirst}, nil
	case "LAST":
		return Part{kind: partLast}, nil
	case "NAME":
		return Part{kind: partName}, nil
	case "DISCOUNT":
		return Part{kind: partDiscount}, nil
	}
	if digits, ok := strings.CutPrefix(name, "RANDOM"); ok {
		n, err := strconv.Atoi(digits)
		if err != nil || n < 1 || n > 12 {
			return Part{}, invalidf("token {%s}: n in {RANDOMn} must be a number from 1 to 12", tok)
		}
		return Part{kind: partRandom, n: n}, nil
	}
	return Part{}, invalidf("unknown token {%s} in template; use {FIRST}, {LAST}, {NAME}, {DISCOUNT} or {RANDOMn} (n from 1 to 12)", tok)
}

// HasRandom tells whether a rule has a {RANDOMn} token, so a code it
// makes can be drawn again on a collision.
func HasRandom(parts []Part) bool {
	for _, p := range parts {
		if p.kind == partRandom {
			return true
		}
	}
	return false
}

// WithoutPunctuation drops the - and _ of a rule's literal text, for
// stores whose codes take letters and digits only.
func WithoutPunctuation(parts []Part) []Part {
	out := make([]Part, 0, len(parts))
	for _, p := range parts {
		if p.kind == partLiteral {
			p.text = strings.NewReplacer("-", "", "_", "").Replace(p.text)
			if p.text == "" {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// codeChars reduces literal text to what a generated code holds: uppercase
// ASCII letters and digits (see asciiUpper), - and _.
func codeChars(s string) string {
	var b strings.Builder
	start := 0
	for i, r := range s {
		if r == '-' || r == '_' {
			b.WriteString(asciiUpper(s[start:i]))
			b.WriteRune(r)
			start = i + 1
		}
	}
	b.WriteString(asciiUpper(s[start:]))
	return b.String()
}

// transliterations covers the letters that do not decompose into an ASCII
// letter and an accent.
var transliterations = map[rune]string{
	'ß': "SS", 'ẞ': "SS", 'Æ': "AE", 'æ': "AE", 'Œ': "OE", 'œ': "OE", 'Ø': "O", 'ø': "O",
	'Đ': "D", 'đ': "D", 'Ð': "D", 'ð': "D", 'Ł': "L", 'ł': "L", 'Þ': "TH", 'þ': "TH", 'ı': "I",
}

// asciiUpper reduces s to uppercase ASCII letters and digits: accents are
// dropped (é → E), a few letters are spelled out (ß → SS) and everything
// else goes.
func asciiUpper(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteString(transliterations[r])
		}
	}
	return b.String()
}
