package codename

import (
	"errors"
	"testing"
)

func TestRenderRules(t *testing.T) {
	for _, tc := range []struct{ rule, name, discount, want string }{
		{"{FIRST}{DISCOUNT}", "Jane Doe", "15", "JANE15"},
		{"vip-{first}_{discount}!", "Jane Doe", "20", "VIP-JANE_20"},
		{"{NAME}", "Émile Straße-Øre", "10", "EMILESTRASSEORE"},
		{"-{LAST}-X1", "Cher", "10", "X1"},
	} {
		parts, err := Parse(tc.rule)
		if err != nil {
			t.Fatalf("%q: %v", tc.rule, err)
		}
		segs, err := Render(parts, tc.name, tc.discount)
		if err != nil || Text(segs) != tc.want {
			t.Fatalf("%q for %q = %q, %v; want %q", tc.rule, tc.name, Text(segs), err, tc.want)
		}
	}
}

func TestParseErrorsAreErrors(t *testing.T) {
	for _, rule := range []string{"", "{FIRST", "FIRST}", "{CITY}", "{RANDOM13}"} {
		_, err := Parse(rule)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%q: %v is not an *Error", rule, err)
		}
	}
}

func TestSuffixesCannotReadAsDiscount(t *testing.T) {
	for _, tc := range []struct {
		base string
		n    int
		want string
	}{{"NOAH10", 2, "NOAH10B"}, {"NOAH10", 3, "NOAH10C"}, {"NOAH", 2, "NOAH2"}, {"NOAH", 3, "NOAH3"}} {
		if got := WithSuffix(tc.base, tc.n); got != tc.want {
			t.Fatalf("WithSuffix(%q, %d) = %q, want %q", tc.base, tc.n, got, tc.want)
		}
	}
}
