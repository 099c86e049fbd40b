package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Idempotent requests as Stripe documents them
// (https://docs.stripe.com/api/idempotent_requests): a POST carrying an
// Idempotency-Key has its result kept for 24 hours, per account. The same
// key with the same parameters gets that result again, error or not, with
// Idempotent-Replayed: true, and nothing runs twice; the same key with
// other parameters is refused with an idempotency_error. A request refused
// before the endpoint began (a missing or malformed parameter) keeps
// nothing, so it may be sent again with the same key once corrected.

// idempotencyTTL is how long Stripe keeps a key's result.
const idempotencyTTL = 24 * time.Hour

// keptResult is the answer first given to a key.
type keptResult struct {
	request string // method, path and the sorted form of the first request
	obj     any
	status  int
	err     *apiError
	at      time.Time
}

// idempotent runs a request once per Idempotency-Key; call with s.mu held.
func (s *Server) idempotent(w http.ResponseWriter, a *account, r *http.Request, run func() (any, int, *apiError)) (any, int, *apiError) {
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if r.Method != http.MethodPost || key == "" {
		return run()
	}
	if len(key) > 255 {
		return invalid("", "Idempotency-Key must be at most 255 characters long.")
	}
	now := s.opts.Now()
	request := r.Method + " " + r.URL.Path + "?" + r.PostForm.Encode()
	id := a.ID + "\x00" + key
	if kept := s.payouts.keys[id]; kept != nil && now.Sub(kept.at) < idempotencyTTL {
		if kept.request != request {
			return nil, http.StatusBadRequest, &apiError{Type: "idempotency_error",
				Message: fmt.Sprintf("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '%s' if you meant to execute a different request.", key)}
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Idempotency-Key", key)
		return kept.obj, kept.status, kept.err
	}
	obj, status, aerr := run()
	w.Header().Set("Idempotency-Key", key)
	if aerr == nil || began(aerr) {
		s.payouts.keys[id] = &keptResult{request: request, obj: obj, status: status, err: aerr, at: now}
		if len(s.payouts.keys)%1024 == 0 {
			s.payouts.prune(now)
		}
	}
	return obj, status, aerr
}

// prune forgets the keys older than idempotencyTTL (stripe-go sends a
// fresh key with every POST, so they would pile up).
func (p *payoutState) prune(now time.Time) {
	for id, kept := range p.keys {
		if now.Sub(kept.at) >= idempotencyTTL {
			delete(p.keys, id)
		}
	}
}

// began reports whether an error came from the endpoint at work (a
// refusal Stripe keeps for the key, such as balance_insufficient) rather
// than from checking the parameters before it began.
func began(e *apiError) bool {
	return e.Code != "" && !strings.HasPrefix(e.Code, "parameter_")
}
