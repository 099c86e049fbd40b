package sandbox

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// next reads the following token.
func (p *gqlParser) next() error {
	p.skipIgnored()
	p.tline, p.tcol = p.line, p.col
	if p.pos >= len(p.src) {
		p.tok, p.kind = "", 0
		return nil
	}
	c := p.src[p.pos]
	switch {
	case c == '.':
		if !strings.HasPrefix(p.src[p.pos:], "...") {
			return p.errorf("unexpected %q", c)
		}
		p.take(3, 'p')
	case strings.IndexByte("!$&()=:@[]{}|", c) >= 0:
		p.take(1, 'p')
	case c == '_' || isLetter(c):
		n := 1
		for p.pos+n < len(p.src) && (isLetter(p.src[p.pos+n]) || isDigit(p.src[p.pos+n]) || p.src[p.pos+n] == '_') {
			n++
		}
		p.take(n, 'n')
	case c == '-' || isDigit(c):
		return p.number()
	case c == '"':
		return p.str()
	default:
		return p.errorf("unexpected character %q", c)
	}
	return nil
}

func (p *gqlParser) take(n int, kind byte) {
	p.tok, p.kind = p.src[p.pos:p.pos+n], kind
	p.advance(n)
}

func (p *gqlParser) advance(n int) {
	for i := 0; i < n && p.pos < len(p.src); i++ {
		if p.src[p.pos] == '\n' {
			p.line, p.col = p.line+1, 1
		} else {
			p.col++
		}
		p.pos++
	}
}

func (p *gqlParser) skipIgnored() {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			p.advance(1)
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.advance(1)
			}
		case strings.HasPrefix(p.src[p.pos:], "\uFEFF"):
			p.advance(3)
		default:
			return
		}
	}
}

func (p *gqlParser) number() error {
	n := 0
	if p.src[p.pos] == '-' {
		n++
	}
	kind := byte('i')
	for p.pos+n < len(p.src) {
		c := p.src[p.pos+n]
		switch {
		case isDigit(c):
		case c == '.' || c == 'e' || c == 'E' || ((c == '+' || c == '-') && n > 0 && (p.src[p.pos+n-1] == 'e' || p.src[p.pos+n-1] == 'E')):
			kind = 'f'
		default:
			goto done
		}
		n++
	}
done:
	p.take(n, kind)
	if _, err := strconv.ParseFloat(p.tok, 64); err != nil {
		return p.errorf("invalid number %q", p.tok)
	}
	return nil
}

func (p *gqlParser) str() error {
	if strings.HasPrefix(p.src[p.pos:], `"""`) {
		end := strings.Index(p.src[p.pos+3:], `"""`)
		if end < 0 {
			return p.errorf("unterminated block string")
		}
		p.tok, p.kind = p.src[p.pos+3:p.pos+3+end], 's'
		p.advance(end + 6)
		return nil
	}
	n := 1
	for {
		if p.pos+n >= len(p.src) || p.src[p.pos+n] == '\n' {
			return p.errorf("unterminated string")
		}
		c := p.src[p.pos+n]
		if c == '\\' {
			n += 2
			continue
		}
		n++
		if c == '"' {
			break
		}
	}
	raw := p.src[p.pos : p.pos+n]
	s, err := strconv.Unquote(strings.ReplaceAll(raw, `\/`, "/"))
	if err != nil || !utf8.ValidString(s) {
		return p.errorf("invalid string %s", raw)
	}
	p.tok, p.kind = s, 's'
	p.advance(n)
	return nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
