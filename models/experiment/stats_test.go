package experiment

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Newcombe, R. G. (1998), "Two-sided confidence intervals for the single
// proportion: comparison of seven methods", Statistics in Medicine 17,
// 857–872, Table I, method 3 (Wilson score interval without continuity
// correction, Wilson 1927), 95% limits to four decimals.
func TestWilsonMatchesNewcombeTableI(t *testing.T) {
	for _, c := range []struct {
		x, n     int64
		low, upp float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0.0000, 0.1611},
		{1, 29, 0.0061, 0.1718},
		{29, 29, 0.8830, 1.0000},
	} {
		got := Wilson(c.x, c.n)
		if math.Abs(got.Low-c.low) > 0.00005 || math.Abs(got.High-c.upp) > 0.00005 {
			t.Errorf("Wilson(%d/%d) = %.4f–%.4f, Newcombe gives %.4f–%.4f", c.x, c.n, got.Low, got.High, c.low, c.upp)
		}
	}
}

func TestWilsonProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10000; i++ {
		n := 1 + r.Int64N(100000)
		x := r.Int64N(n + 1)
		w := Wilson(x, n)
		p := float64(x) / float64(n)
		if !(0 <= w.Low && w.Low <= p+1e-12 && p-1e-12 <= w.High && w.High <= 1) {
			t.Fatalf("Wilson(%d/%d) = %+v does not hold %v inside [0, 1]", x, n, w, p)
		}
		// Failures instead of successes mirror the interval.
		m := Wilson(n-x, n)
		if math.Abs(m.Low-(1-w.High)) > 1e-9 || math.Abs(m.High-(1-w.Low)) > 1e-9 {
			t.Fatalf("Wilson(%d/%d) = %+v is not the mirror of %+v", n-x, n, m, w)
		}
		// Four times the sample at the same rate gives a narrower interval.
		if x > 0 && x < n {
			if q := Wilson(4*x, 4*n); q.High-q.Low >= w.High-w.Low {
				t.Fatalf("Wilson(%d/%d) is not narrower than Wilson(%d/%d)", 4*x, 4*n, x, n)
			}
		}
	}
	if w := Wilson(0, 0); w.Low != 0 || w.High != 1 {
		t.Fatalf("no trials: %+v", w)
	}
}

// Agresti, Franklin & Klingenberg, "Statistics: The Art and Science of
// Learning from Data", chapter 10, example 5 (TV watching and later
// aggressive acts, Johnson et al., Science 2002): 5 of 88 against 154 of
// 619 gives z = −4.04 and a two-sided P-value below 0.001.
func TestZTestMatchesPublishedExample(t *testing.T) {
	z, p := ZTest(5, 88, 154, 619)
	if math.Abs(z-(-4.04)) > 0.005 || p >= 0.001 {
		t.Fatalf("z = %.4f, p = %.6f; the textbook gives −4.04, P < 0.001", z, p)
	}
	// A z of exactly the 97.5% quantile is a p-value of 0.05.
	if got := math.Erfc(NormalQuantile(0.975) / math.Sqrt2); math.Abs(got-0.05) > 1e-12 {
		t.Fatalf("p at z(0.975) = %v", got)
	}
	if q := NormalQuantile(0.975); math.Abs(q-1.959963984540054) > 1e-12 {
		t.Fatalf("z(0.975) = %.15f", q)
	}
}

func TestZTestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 10000; i++ {
		n1, n2 := 1+r.Int64N(50000), 1+r.Int64N(50000)
		x1, x2 := r.Int64N(n1+1), r.Int64N(n2+1)
		z, p := ZTest(x1, n1, x2, n2)
		zr, pr := ZTest(x2, n2, x1, n1)
		if z != -zr || p != pr || p < 0 || p > 1 {
			t.Fatalf("%d/%d vs %d/%d: z %v p %v, swapped z %v p %v", x1, n1, x2, n2, z, p, zr, pr)
		}
		if (float64(x1)/float64(n1) > float64(x2)/float64(n2)) != (z > 0) && z != 0 {
			t.Fatalf("%d/%d vs %d/%d: z %v points the wrong way", x1, n1, x2, n2, z)
		}
	}
	if z, p := ZTest(10, 100, 10, 100); z != 0 || p != 1 {
		t.Fatalf("equal rates: z %v p %v", z, p)
	}
	if z, p := ZTest(0, 100, 0, 50); z != 0 || p != 1 {
		t.Fatalf("no orders anywhere: z %v p %v", z, p)
	}
}

// R's power.prop.test documentation (package stats) gives, for p1 = 0.50
// and p2 = 0.75 at the 5% level two-sided: power 0.740 with n = 50 per
// group, and n = 76.7 per group for 90% power.
func TestSampleSizeMatchesPublishedExample(t *testing.T) {
	if got := Power(0.5, 0.75, 0.05, 50); math.Abs(got-0.740) > 0.0005 {
		t.Fatalf("power at n = 50: %.4f, R gives 0.740", got)
	}
	if got := SampleSize(0.5, 0.75, 0.05, 0.9); got != 77 {
		t.Fatalf("n for 90%% power = %d, R gives 76.7 (77 visitors)", got)
	}
	if got := Power(0.5, 0.75, 0.05, 77); got < 0.9 {
		t.Fatalf("77 per group gives power %.4f", got)
	}
	if SampleSize(0.1, 0.1, 0.05, 0.8) != 0 || SampleSize(0, 0.1, 0.05, 0.8) != 0 {
		t.Fatal("no sample size without a difference")
	}
}

// The Holm–Bonferroni method's example (Holm 1979, as worked in the
// Wikipedia article "Holm–Bonferroni method"): p-values 0.01, 0.04, 0.03
// and 0.005 at α = 0.05 reject the first and the fourth hypotheses only.
func TestHolmMatchesWorkedExample(t *testing.T) {
	p := []float64{0.01, 0.04, 0.03, 0.005}
	if got := Holm(p, 0.05); got[0] != true || got[1] || got[2] || got[3] != true {
		t.Fatalf("Holm rejects %v", got)
	}
	want := []float64{0.03, 0.06, 0.06, 0.02}
	for i, a := range HolmAdjusted(p) {
		if math.Abs(a-want[i]) > 1e-12 {
			t.Fatalf("adjusted p-values %v, want %v", HolmAdjusted(p), want)
		}
	}
}

func TestHolmProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 10000; i++ {
		m := 1 + r.IntN(6)
		p := make([]float64, m)
		for j := range p {
			p[j] = r.Float64() * 0.1
		}
		rej, adj := Holm(p, 0.05), HolmAdjusted(p)
		for j := range p {
			// Holm rejects at least what Bonferroni rejects, and exactly
			// where the adjusted p-value is within α.
			if p[j]*float64(m) <= 0.05 && !rej[j] {
				t.Fatalf("%v: Bonferroni rejects %d, Holm does not", p, j)
			}
			if rej[j] != (adj[j] <= 0.05) || adj[j] < p[j] {
				t.Fatalf("%v: rejects %v, adjusted %v", p, rej, adj)
			}
		}
	}
}
