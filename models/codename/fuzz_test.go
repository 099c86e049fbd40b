package codename

import (
	"strings"
	"testing"
)

// FuzzNamingRule renders arbitrary templates for arbitrary names: no
// panic, and whatever is accepted is uppercase ASCII letters, digits, - and
// _ (never at either end) of at most MaxLength characters, as are
// its collision suffixes.
func FuzzNamingRule(f *testing.F) {
	for _, seed := range []struct{ tmpl, name string }{
		{"{FIRST}{DISCOUNT}", "Ada Lovelace"}, {"SPRING-{NAME}{RANDOM4}", "José Ñúñez"}, {"{LAST}{RANDOM12}", "X"},
		{"{RANDOM0}", ""}, {"{FIRST", "a"}, {"{UNKNOWN}", "a"}, {strings.Repeat("A", 40), "b"}, {"{NAME}", strings.Repeat("Long ", 30)},
	} {
		f.Add(seed.tmpl, seed.name)
	}
	f.Fuzz(func(t *testing.T, tmpl, name string) {
		parts, err := Parse(tmpl)
		if err != nil {
			return
		}
		segs, err := Render(parts, name, "15") // a 15% discount
		if err != nil {
			return
		}
		code := Text(segs)
		if len(code) > MaxLength {
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
			if s := WithSuffix(code, n); len(s) > MaxLength || s == code {
				t.Fatalf("suffix %d of %q gave %q", n, code, s)
			}
		}
	})
}
