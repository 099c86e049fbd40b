package models

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzNamingRule renders arbitrary templates for arbitrary names: no
// panic, and whatever is accepted is uppercase ASCII letters, digits, - and
// _ (never at either end) of at most MaxGeneratedCode characters, as are
// its collision suffixes.
func FuzzNamingRule(f *testing.F) {
	for _, seed := range []struct{ tmpl, name string }{
		{"{FIRST}{DISCOUNT}", "Ada Lovelace"}, {"SPRING-{NAME}{RANDOM4}", "José Ñúñez"}, {"{LAST}{RANDOM12}", "X"},
		{"{RANDOM0}", ""}, {"{FIRST", "a"}, {"{UNKNOWN}", "a"}, {strings.Repeat("A", 40), "b"}, {"{NAME}", strings.Repeat("Long ", 30)},
	} {
		f.Add(seed.tmpl, seed.name)
	}
	f.Fuzz(func(t *testing.T, tmpl, name string) {
		parts, err := parseNamingRule(tmpl)
		if err != nil {
			return
		}
		segs, err := renderNamingRule(parts, name, DiscountSpec{Type: DiscountPercentage, Value: 1500})
		if err != nil {
			return
		}
		code := codeText(segs)
		if len(code) > MaxGeneratedCode {
			t.Fatalf("%q for %q gave %d characters: %q", tmpl, name, len(code), code)
		}
		for _, r := range code {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				t.Fatalf("%q for %q gave %q with %q", tmpl, name, code, r)
			}
		}
		if strings.Trim(code, "-_") != code {
			t.Fatalf("%q for %q gave %q, starting or ending with a separator", tmpl, name, code)
		}
		for n := 2; n < 40; n++ {
			if s := withSuffix(code, n); len(s) > MaxGeneratedCode || s == code {
				t.Fatalf("suffix %d of %q gave %q", n, code, s)
			}
		}
	})
}

// FuzzNormalizeCode: normalising is idempotent, trims, and never leaves a
// lowercase letter, so any spelling of a code matches it.
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"summer10", " Summer10 ", "ÉTÉ", "straße", "a\tb", "\x00x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeCode(s)
		if NormalizeCode(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormalizeCode(n))
		}
		if n != strings.TrimSpace(n) {
			t.Fatalf("untrimmed: %q", n)
		}
		if NormalizeCode(strings.ToLower(s)) != NormalizeCode(strings.ToUpper(s)) && isPlainASCII(s) {
			t.Fatalf("case matters for %q", s)
		}
		for _, r := range n {
			if unicode.IsLower(r) && unicode.ToUpper(r) != r {
				t.Fatalf("lowercase %q left in %q", r, n)
			}
		}
	})
}

func isPlainASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
