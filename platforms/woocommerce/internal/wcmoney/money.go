// Package wcmoney converts WooCommerce's decimal money strings ("12.50")
// to integer minor units and back, exactly, with no floating point. The
// adapter and the sandbox share it; it knows nothing of the rest of the app.
package wcmoney

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"

	"codecredit/platforms/currency"
)

// ErrAmount is returned for a string that is not a decimal amount.
var ErrAmount = errors.New("wcmoney: not a decimal amount")

// Exponent is the number of decimals of a currency's minor unit (2 unless listed).
func Exponent(code string) int {
	return currency.Exponent(code)
}

// ParseScaled reads a decimal string such as "-12.5" as an integer count
// of 10^-scale units. Digits beyond scale are rounded half to even (a
// store set to show more decimals than its currency has). An empty string
// is zero, as WooCommerce leaves blank amounts empty.
func ParseScaled(s string, scale int) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if (whole == "" && frac == "") || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("%w: %q", ErrAmount, s)
	}
	n := new(big.Int)
	n.SetString("0"+whole+padRight(frac, scale)[:scale], 10)
	if len(frac) > scale && roundUp(frac[scale:], n) {
		n.Add(n, big.NewInt(1))
	}
	if !n.IsInt64() {
		return 0, fmt.Errorf("%w: %q is too large", ErrAmount, s)
	}
	v := n.Int64()
	if neg {
		v = -v
	}
	return v, nil
}

// ParseMinor reads a decimal amount in currency as minor units.
func ParseMinor(s, currency string) (int64, error) {
	return ParseScaled(s, Exponent(currency))
}

// FormatScaled renders units of 10^-scale as a decimal string: 1250, 2 → "12.50".
func FormatScaled(v int64, scale int) string {
	neg := v < 0
	s := new(big.Int).Abs(big.NewInt(v)).String()
	if scale > 0 {
		s = strings.Repeat("0", max(0, scale+1-len(s))) + s
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// FormatMinor renders minor units of currency as WooCommerce does: 1234 USD → "12.34".
func FormatMinor(v int64, currency string) string {
	return FormatScaled(v, Exponent(currency))
}

// MulDiv returns a*num/den rounded half to even; den must be positive.
func MulDiv(a, num, den int64) int64 {
	if den <= 0 {
		return 0
	}
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(num))
	q, r := new(big.Int).QuoRem(p, big.NewInt(den), new(big.Int))
	r2 := new(big.Int).Abs(r)
	r2.Mul(r2, big.NewInt(2))
	if c := r2.Cmp(big.NewInt(den)); c > 0 || (c == 0 && q.Bit(0) == 1) {
		if p.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return math.MaxInt64
	}
	return q.Int64()
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return len(s) < 19
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat("0", n-len(s))
}

// roundUp decides half-to-even rounding from the dropped digits rest and
// the kept value n.
func roundUp(rest string, n *big.Int) bool {
	first, tail := rest[0], strings.Trim(rest[1:], "0")
	switch {
	case first > '5', first == '5' && tail != "":
		return true
	case first == '5':
		return n.Bit(0) == 1
	}
	return false
}
