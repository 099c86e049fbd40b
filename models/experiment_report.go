package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"codecredit/models/experiment"
)

// CannotJudge is the verdict when the counts allow no test: a variant
// has more orders than visitors, because its code is also used outside
// the experiment's link.
const CannotJudge experiment.Verdict = "cannot_judge"

// ExperimentTest and ExperimentStoppingRule name the test and the rule the
// verdict follows (see package experiment).
const (
	ExperimentTest         = "two-sided two-proportion z-test of each variant against the control (the first), Holm–Bonferroni corrected at α = 0.05"
	ExperimentStoppingRule = "fixed horizon: no verdict before every variant has the minimum sample (set by the expected conversion rate and the lift worth detecting, 80% power); looking earlier decides nothing"
)

// ExperimentVariantReport is one variant's figures: its code, its
// visitors and earning orders since the start, its sales after discount
// and commission (minor units of the report's currency), and what
// package experiment makes of them.
type ExperimentVariantReport struct {
	VariantCode
	experiment.VariantResult
	Sales      int64 `json:"sales"`
	Commission int64 `json:"commission"`
	// MoreVisitors is how many more visitors it needs before the verdict.
	MoreVisitors int64 `json:"more_visitors"`
}

// ExperimentReport is an experiment's figures and verdict. Orders are the
// earning orders (neither flagged nor fully refunded, as in the discount
// report) placed with a variant's code from the start to the stop (or
// now), in the account's currency.
type ExperimentReport struct {
	Experiment   ExperimentView            `json:"experiment"`
	Currency     string                    `json:"currency"`
	From         time.Time                 `json:"from"`
	To           time.Time                 `json:"to"`
	Variants     []ExperimentVariantReport `json:"variants"`
	MinSample    int64                     `json:"min_sample"`
	MoreVisitors int64                     `json:"more_visitors"`
	Verdict      experiment.Verdict        `json:"verdict"`
	Winner       int                       `json:"winner"`
	Reason       string                    `json:"reason"`
	Test         string                    `json:"test"`
	StoppingRule string                    `json:"stopping_rule"`
}

// ExperimentReport computes an experiment's report; another account's
// experiment is ErrNotFound.
func (s *Store) ExperimentReport(ctx context.Context, accountID, id uint64) (*ExperimentReport, error) {
	e, err := s.GetExperiment(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	// Platforms stamp orders to the second: one placed in the second the
	// experiment started is the experiment's.
	r := &ExperimentReport{Experiment: *e, From: e.StartedAt.Truncate(time.Second), To: s.now().Add(24 * time.Hour), Winner: -1,
		Test: ExperimentTest, StoppingRule: ExperimentStoppingRule}
	if e.StoppedAt != nil {
		r.To = *e.StoppedAt
	}
	sales, err := s.DiscountReport(ctx, accountID, r.From, r.To.Add(time.Nanosecond), "")
	if err != nil {
		return nil, wrapErr("experiment report", err)
	}
	r.Currency = sales.Currency
	visits, err := s.experimentVisits(ctx, accountID, id)
	if err != nil {
		return nil, wrapErr("experiment report", err)
	}
	in := make([]experiment.Variant, len(e.Variants))
	for i, v := range e.Variants {
		in[i] = experiment.Variant{Name: v.Code, Visitors: visits[v.Position]}
		for _, c := range sales.Codes {
			if c.CodeID == v.CodeID {
				in[i].Orders, in[i].Sales, in[i].Commission = c.Orders, c.Sales, c.Commission
			}
		}
	}
	plan := experiment.Plan{BaselineRate: e.BaselineRate, MinLift: e.MinLift}
	res, err := experiment.Analyze(plan, in)
	if err != nil {
		res = cannotJudge(in)
		res.MinSample, _ = plan.MinSample(len(in))
	}
	r.MinSample, r.Verdict, r.Winner, r.Reason = res.MinSample, res.Verdict, res.Winner, res.Reason
	for i, v := range e.Variants {
		vr := ExperimentVariantReport{VariantCode: v, VariantResult: res.Variants[i], Sales: in[i].Sales, Commission: in[i].Commission,
			MoreVisitors: max(0, r.MinSample-in[i].Visitors)}
		r.MoreVisitors += vr.MoreVisitors
		r.Variants = append(r.Variants, vr)
	}
	switch {
	case r.Verdict == experiment.KeepRunning && e.StoppedAt != nil:
		r.Reason = fmt.Sprintf("Stopped before the minimum sample, so no verdict: it needed %s more visitors (every variant needs %s before the test is run).",
			thousands(r.MoreVisitors), thousands(r.MinSample))
	case r.Verdict == experiment.KeepRunning:
		r.Reason = fmt.Sprintf("%s more visitors are needed before the test is run: every variant needs %s.",
			thousands(r.MoreVisitors), thousands(r.MinSample))
	}
	return r, nil
}

// cannotJudge is the result when a variant has more orders than
// visitors: the counts, and why no test is run.
func cannotJudge(in []experiment.Variant) experiment.Result {
	r := experiment.Result{Verdict: CannotJudge, Winner: -1}
	for i, v := range in {
		r.Variants = append(r.Variants, experiment.VariantResult{Name: v.Name, Control: i == 0, Visitors: v.Visitors, Orders: v.Orders})
		if v.Orders > v.Visitors && r.Reason == "" {
			r.Reason = fmt.Sprintf("No test can be run: %s has %d orders from %d visitors, so its code is also used outside this experiment's link. Use codes given out only through the experiment.",
				v.Name, v.Orders, v.Visitors)
		}
	}
	return r
}

// thousands writes n with a comma between thousands: 2929 → "2,929".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
