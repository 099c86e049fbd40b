package currency

import "testing"

func TestExponent(t *testing.T) {
	for code, want := range map[string]int{"USD": 2, "usd": 2, "JPY": 0, "jpy": 0, "KWD": 3, "EUR": 2, "CLF": 4, "": 2} {
		if got := Exponent(code); got != want {
			t.Errorf("Exponent(%q) = %d, want %d", code, got, want)
		}
	}
}
