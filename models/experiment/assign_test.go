package experiment

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

var testKey = bytes.Repeat([]byte("k"), 32)

// chiSquare999 are the chi-square critical values at the 0.999 quantile
// for 1, 2 and 3 degrees of freedom (NIST/SEMATECH e-Handbook of
// Statistical Methods, 1.3.6.7.4, "Critical values of the chi-square
// distribution"): a fair split fails the test one time in a thousand.
var chiSquare999 = map[int]float64{1: 10.828, 2: 13.816, 3: 16.266}

func seeded(seed uint64) *Assigner {
	var s [32]byte
	s[0] = byte(seed)
	a, err := NewAssigner(testKey, rand.NewChaCha8(s))
	if err != nil {
		panic(err)
	}
	return a
}

func TestAssignSplitsUniformlyAndSticks(t *testing.T) {
	const visitors = 100000
	for k := MinVariants; k <= MaxVariants; k++ {
		a := seeded(uint64(k))
		counts := make([]int, k)
		cookies := make([]string, visitors)
		variants := make([]int, visitors)
		for i := range cookies {
			got, err := a.Assign(42, k, "")
			if err != nil {
				t.Fatal(err)
			}
			if !got.New || got.Variant < 0 || got.Variant >= k {
				t.Fatalf("new visitor: %+v", got)
			}
			counts[got.Variant]++
			cookies[i], variants[i] = got.Cookie, got.Variant
		}
		exp := float64(visitors) / float64(k)
		chi := 0.0
		for _, c := range counts {
			chi += (float64(c) - exp) * (float64(c) - exp) / exp
		}
		if chi > chiSquare999[k-1] {
			t.Fatalf("%d variants: counts %v, chi-square %.2f above %.3f", k, counts, chi, chiSquare999[k-1])
		}
		t.Logf("%d variants over %d visitors: %v, chi-square %.2f (critical %.3f)", k, visitors, counts, chi, chiSquare999[k-1])
		// Every visitor who comes back with their cookie sees the same variant.
		for i, c := range cookies {
			again, err := a.Assign(42, k, c)
			if err != nil || again.New || again.Variant != variants[i] || again.Cookie != c {
				t.Fatalf("returning visitor %d: %+v, first saw %d", i, again, variants[i])
			}
		}
	}
}

func TestAssignRefusesForgedCookies(t *testing.T) {
	a := seeded(9)
	first, err := a.Assign(7, 2, "")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(first.Cookie)
	edit := func(f func(b []byte)) string {
		b := append([]byte(nil), raw...)
		f(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	other, _ := NewAssigner(bytes.Repeat([]byte("x"), 32), nil)
	otherCookie, _ := other.Assign(7, 2, "")
	wide, _ := a.Assign(7, 4, "")
	for wide.Variant < 2 { // a valid cookie naming variant 2 or 3
		wide, _ = a.Assign(7, 4, "")
	}
	for name, c := range map[string]string{
		"variant changed":         edit(func(b []byte) { b[8] ^= 1 }),
		"variant out of range":    edit(func(b []byte) { b[8] = 9 }),
		"tag changed":             edit(func(b []byte) { b[len(b)-1] ^= 1 }),
		"another experiment's":    mustAssign(t, a, 8, 2).Cookie,
		"signed with another key": otherCookie.Cookie,
		"variant the test lacks":  wide.Cookie,
		"truncated":               first.Cookie[:len(first.Cookie)-2],
		"not base64":              "!!!" + first.Cookie,
		"oversize":                strings.Repeat("A", 4096),
	} {
		got, err := a.Assign(7, 2, c)
		if err != nil || !got.New || got.Cookie == c || got.Variant < 0 || got.Variant > 1 {
			t.Errorf("%s: %+v, %v; want a fresh draw", name, got, err)
		}
	}
}

func mustAssign(t *testing.T, a *Assigner, id uint64, k int) Assignment {
	t.Helper()
	got, err := a.Assign(id, k, "")
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAssignRefusesBadSetup(t *testing.T) {
	if _, err := NewAssigner([]byte("short"), nil); err == nil {
		t.Fatal("a short key is accepted")
	}
	a := seeded(1)
	for _, k := range []int{0, 1, 5} {
		if _, err := a.Assign(1, k, ""); err != ErrVariants {
			t.Fatalf("%d variants: %v", k, err)
		}
	}
	if CookieName(12) != "cc_exp_12" {
		t.Fatalf("cookie name %q", CookieName(12))
	}
}
