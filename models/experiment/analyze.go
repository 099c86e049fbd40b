package experiment

import (
	"errors"
	"fmt"
	"math"
)

// Plan is what the merchant fixes before an experiment starts.
type Plan struct {
	BaselineRate float64 // the control's expected conversion rate, 0 < p < 1
	MinLift      float64 // the smallest relative lift worth detecting, e.g. 0.2 for +20%
	Alpha        float64 // family-wise significance level; 0 means 0.05
	Power        float64 // power for each comparison; 0 means 0.8
}

// withDefaults fills Alpha and Power and checks the plan.
func (p Plan) withDefaults() (Plan, error) {
	if p.Alpha == 0 {
		p.Alpha = 0.05
	}
	if p.Power == 0 {
		p.Power = 0.8
	}
	switch {
	case !(p.BaselineRate > 0 && p.BaselineRate < 1):
		return p, errors.New("experiment: the expected conversion rate must be between 0 and 1")
	case !(p.MinLift > 0) || p.BaselineRate*(1+p.MinLift) >= 1:
		return p, errors.New("experiment: the lift to detect must be above 0 and keep the rate below 1")
	case !(p.Alpha > 0 && p.Alpha < 0.5):
		return p, errors.New("experiment: alpha must be between 0 and 0.5")
	case !(p.Power >= 0.5 && p.Power < 1):
		return p, errors.New("experiment: power must be from 0.5 to below 1")
	}
	return p, nil
}

// MinSample is the visitors every variant needs before the experiment is
// judged: the sample size for the baseline against baseline·(1+MinLift),
// two-sided at Alpha/(variants−1) (Bonferroni), with the plan's power.
func (p Plan) MinSample(variants int) (int64, error) {
	if variants < MinVariants || variants > MaxVariants {
		return 0, ErrVariants
	}
	p, err := p.withDefaults()
	if err != nil {
		return 0, err
	}
	return SampleSize(p.BaselineRate, p.BaselineRate*(1+p.MinLift), p.Alpha/float64(variants-1), p.Power), nil
}

// Variant is one variant's counts. Sales are the order subtotals after
// the discount, less refunds, and Commission the commission on them, in
// minor units of one currency.
type Variant struct {
	Name       string
	Visitors   int64
	Orders     int64
	Sales      int64
	Commission int64
}

// VariantResult is one variant's figures. For the control (variant 0)
// Z, P and AdjustedP are zero.
type VariantResult struct {
	Name                 string   `json:"name"`
	Control              bool     `json:"control"`
	Visitors             int64    `json:"visitors"`
	Orders               int64    `json:"orders"`
	ConversionRate       float64  `json:"conversion_rate"`
	Interval             Interval `json:"interval"` // 95% Wilson score
	NetRevenuePerVisitor float64  `json:"net_revenue_per_visitor"`
	Z                    float64  `json:"z"`          // against the control; > 0 converts better
	P                    float64  `json:"p"`          // two-sided
	AdjustedP            float64  `json:"adjusted_p"` // Holm over the k−1 comparisons
}

// Verdict is what the stopping rule says.
type Verdict string

// Verdicts.
const (
	KeepRunning Verdict = "keep_running" // the minimum sample is not reached
	Winner      Verdict = "winner"       // one variant converts significantly best
	NoWinner    Verdict = "no_winner"    // horizon reached, no detectable difference: keep the control
)

// Result is an experiment's figures and verdict. Winner is the winning
// variant's index, or −1.
type Result struct {
	Variants  []VariantResult `json:"variants"`
	MinSample int64           `json:"min_sample"`
	Verdict   Verdict         `json:"verdict"`
	Winner    int             `json:"winner"`
	Reason    string          `json:"reason"`
}

// Analyze computes every variant's figures and applies the stopping
// rule (see the package documentation); variants[0] is the control.
func Analyze(plan Plan, variants []Variant) (Result, error) {
	need, err := plan.MinSample(len(variants))
	if err != nil {
		return Result{}, err
	}
	plan, _ = plan.withDefaults()
	r := Result{MinSample: need, Winner: -1}
	c := variants[0]
	ps := make([]float64, 0, len(variants)-1)
	for i, v := range variants {
		if v.Visitors < 0 || v.Orders < 0 || v.Orders > v.Visitors {
			return Result{}, fmt.Errorf("experiment: variant %s has %d orders from %d visitors", v.Name, v.Orders, v.Visitors)
		}
		vr := VariantResult{Name: v.Name, Control: i == 0, Visitors: v.Visitors, Orders: v.Orders, Interval: Wilson(v.Orders, v.Visitors)}
		if v.Visitors > 0 {
			vr.ConversionRate = float64(v.Orders) / float64(v.Visitors)
			vr.NetRevenuePerVisitor = float64(v.Sales-v.Commission) / float64(v.Visitors)
		}
		if i > 0 {
			vr.Z, vr.P = ZTest(v.Orders, v.Visitors, c.Orders, c.Visitors)
			ps = append(ps, vr.P)
		}
		r.Variants = append(r.Variants, vr)
	}
	for i, a := range HolmAdjusted(ps) {
		r.Variants[i+1].AdjustedP = a
	}
	r.decide(plan.Alpha)
	return r, nil
}

// decide applies steps 2 and 3 of the stopping rule to r.
func (r *Result) decide(alpha float64) {
	low := 0
	for i, v := range r.Variants {
		if v.Visitors < r.Variants[low].Visitors {
			low = i
		}
	}
	if v := r.Variants[low]; v.Visitors < r.MinSample {
		r.Verdict = KeepRunning
		r.Reason = fmt.Sprintf("Keep running: every variant needs %d visitors before the experiment is judged; %s has %d.", r.MinSample, v.Name, v.Visitors)
		return
	}
	best, controlBeatsAll := -1, true
	for i, v := range r.Variants[1:] {
		sig := v.AdjustedP <= alpha
		if sig && v.Z > 0 && (best < 0 || v.ConversionRate > r.Variants[best].ConversionRate) {
			best = i + 1
		}
		if !sig || v.Z >= 0 {
			controlBeatsAll = false
		}
	}
	switch {
	case best > 0:
		w, c := r.Variants[best], r.Variants[0]
		r.Verdict, r.Winner = Winner, best
		r.Reason = fmt.Sprintf("%s wins: %s of visitors ordered against %s with %s (Holm-adjusted p = %.3g, at most %.3g).",
			w.Name, pct(w.ConversionRate), pct(c.ConversionRate), c.Name, w.AdjustedP, alpha)
		if w.NetRevenuePerVisitor < c.NetRevenuePerVisitor {
			r.Reason += fmt.Sprintf(" But it earns less per visitor after discount and commission (%.2f against %.2f minor units).", w.NetRevenuePerVisitor, c.NetRevenuePerVisitor)
		}
	case controlBeatsAll:
		r.Verdict, r.Winner = Winner, 0
		r.Reason = fmt.Sprintf("%s (the control) wins: every other variant converts significantly less (Holm, at most %.3g).", r.Variants[0].Name, alpha)
	default:
		r.Verdict = NoWinner
		r.Reason = fmt.Sprintf("No winner: with at least %d visitors per variant, no variant converts significantly better than %s (Holm, at most %.3g); keep %s.",
			r.MinSample, r.Variants[0].Name, alpha, r.Variants[0].Name)
	}
}

// pct formats a rate as a percentage with two decimals.
func pct(r float64) string { return fmt.Sprintf("%.2f%%", math.Round(r*10000)/100) }
