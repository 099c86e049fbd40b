// Package experiment assigns visitors to the variants of a discount
// experiment and judges its results. It knows nothing of the database or
// HTTP: callers give it counts and get back figures and a verdict.
//
// # Assignment
//
// An experiment has 2 to 4 variants (codes). A new visitor gets one at
// random, each with probability 1/k (unbiased: rejection sampling over
// 64 random bits), and a cookie value that keeps them there: the
// experiment's id, the variant, a random visitor id, and an HMAC-SHA256
// tag over the three under the server's key. The value is not secret
// (anyone can read which variant it names) but cannot be forged: a value
// whose tag does not verify, that names another experiment, or a variant
// the experiment does not have, is ignored and the visitor drawn afresh.
//
// # Statistics
//
// Per variant: the conversion rate (orders / visitors) with its 95%
// Wilson score interval (Wilson 1927; method 3 of Newcombe 1998), and the
// revenue per visitor net of the discount and of the commission
// ((sales after discount − commission) / visitors).
//
// # Stopping rule: fixed horizon, then Holm
//
// Variant 0 is the control (the discount the merchant runs today); each
// other variant is compared with it by a two-sided two-proportion z-test
// (pooled variance). The rule, fixed before the experiment starts:
//
//  1. The plan sets the control's expected conversion rate p, the
//     smallest relative lift worth detecting (MDE), α (0.05) and power
//     (0.80). The minimum sample per variant is the classic normal
//     approximation (Fleiss, no continuity correction) for p against
//     p·(1+MDE), at α/(k−1) two-sided: Bonferroni, so that the Holm test in
//     step 3 keeps at least the planned power.
//  2. Until every variant has that many visitors the verdict is "keep
//     running", whatever the figures say: looking early and stopping on a
//     lucky streak is what inflates false winners, so nothing is decided
//     before the horizon.
//  3. At the horizon the k−1 p-values are tested with the Holm–Bonferroni
//     step-down procedure (Holm 1979) at family-wise α. The winner is the
//     variant with the highest conversion rate among those significantly
//     better than the control; if the control is significantly better than
//     every other variant, the control wins; otherwise no variant differs
//     detectably and the control stays ("no winner").
//
// Conversion rate decides; revenue per visitor is reported beside it, and
// the verdict says when the winner earns less per visitor than the
// control (a deeper discount can convert more and still earn less).
package experiment
