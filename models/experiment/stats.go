package experiment

import (
	"math"
	"sort"
)

// Interval is a two-sided confidence interval for a proportion.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// z95 is the standard normal quantile for a two-sided 95% interval.
var z95 = NormalQuantile(0.975)

// Wilson is the 95% Wilson score interval for x successes in n trials
// (without continuity correction); for n = 0 it is [0, 1].
func Wilson(x, n int64) Interval {
	return WilsonZ(x, n, z95)
}

// WilsonZ is the Wilson score interval at normal quantile z.
func WilsonZ(x, n int64, z float64) Interval {
	if n <= 0 {
		return Interval{0, 1}
	}
	nf := float64(n)
	p := float64(x) / nf
	z2 := z * z
	den := 1 + z2/nf
	mid := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{Low: math.Max(0, mid-half), High: math.Min(1, mid+half)}
}

// ZTest compares x1/n1 with x2/n2 by the two-sided two-proportion z-test
// with pooled variance: z > 0 when the first proportion is higher. With
// no variance (no trials, or all or none succeeding in both) z is 0 and
// p is 1.
func ZTest(x1, n1, x2, n2 int64) (z, p float64) {
	if n1 <= 0 || n2 <= 0 {
		return 0, 1
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	pool := float64(x1+x2) / float64(n1+n2)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0, 1
	}
	z = (p1 - p2) / se
	return z, math.Erfc(math.Abs(z) / math.Sqrt2)
}

// NormalCDF is the standard normal distribution function.
func NormalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// NormalQuantile is the inverse of NormalCDF for 0 < q < 1, by bisection
// to the precision of float64.
func NormalQuantile(q float64) float64 {
	if q <= 0 {
		return math.Inf(-1)
	}
	if q >= 1 {
		return math.Inf(1)
	}
	lo, hi := -40.0, 40.0
	for i := 0; i < 200 && hi-lo > 1e-15; i++ {
		mid := (lo + hi) / 2
		if NormalCDF(mid) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// SampleSize is the number of visitors per variant for a two-sided
// two-proportion z-test at level alpha to detect p1 against p2 with the
// given power (normal approximation without continuity correction,
// Fleiss), rounded up. It is 0 when p1 = p2 or either is outside (0, 1).
func SampleSize(p1, p2, alpha, power float64) int64 {
	if p1 <= 0 || p1 >= 1 || p2 <= 0 || p2 >= 1 || p1 == p2 {
		return 0
	}
	za, zb := NormalQuantile(1-alpha/2), NormalQuantile(power)
	bar := (p1 + p2) / 2
	num := za*math.Sqrt(2*bar*(1-bar)) + zb*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	return int64(math.Ceil(num * num / ((p1 - p2) * (p1 - p2))))
}

// Power is the power of that test with n visitors per variant.
func Power(p1, p2, alpha float64, n int64) float64 {
	za := NormalQuantile(1 - alpha/2)
	bar := (p1 + p2) / 2
	return NormalCDF((math.Sqrt(float64(n))*math.Abs(p1-p2) - za*math.Sqrt(2*bar*(1-bar))) / math.Sqrt(p1*(1-p1)+p2*(1-p2)))
}

// Holm applies the Holm–Bonferroni step-down procedure at family-wise
// level alpha: sorted ascending, the i-th smallest p-value (from 0) is
// rejected while it is at most alpha/(m−i); the first that is not stops
// the procedure. It reports, per p-value in the order given, whether its
// hypothesis is rejected.
func Holm(p []float64, alpha float64) []bool {
	m := len(p)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	out := make([]bool, m)
	for i, j := range idx {
		if p[j] > alpha/float64(m-i) {
			break
		}
		out[j] = true
	}
	return out
}

// HolmAdjusted returns Holm-adjusted p-values in the order given: the
// i-th smallest becomes the largest of min(1, (m−j)·p) over the j ≤ i
// smallest, so a hypothesis is rejected by Holm at level α exactly when
// its adjusted p-value is at most α.
func HolmAdjusted(p []float64) []float64 {
	m := len(p)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	out := make([]float64, m)
	run := 0.0
	for i, j := range idx {
		run = math.Max(run, math.Min(1, float64(m-i)*p[j]))
		out[j] = run
	}
	return out
}
