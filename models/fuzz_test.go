package models

import (
	"strings"
	"testing"
	"unicode"
)

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
