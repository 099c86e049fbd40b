package sandbox

import "net/http"

// Lost answers: Stripe carried a transfer out but the caller never heard
// (a timeout, a dropped connection, the caller's crash). The caller must
// then ask again with the same Idempotency-Key, and Stripe answers with
// the transfer it made, paying nothing twice.

// LoseTransferAnswers makes the next n transfers Stripe carries out
// (replays of a kept answer included) end with the connection dropped
// instead of their answer.
func (s *Server) LoseTransferAnswers(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.payouts.lose = n
}

// loseAnswer drops the connection of a transfer that succeeded while
// answers are being lost; call with s.mu held (the panic unwinds through
// the caller's deferred unlock, and net/http closes the connection).
func (s *Server) loseAnswer(r *http.Request, parts []string, aerr *apiError) {
	if s.payouts.lose <= 0 || aerr != nil || r.Method != http.MethodPost || len(parts) != 1 || parts[0] != "transfers" {
		return
	}
	s.payouts.lose--
	panic(http.ErrAbortHandler)
}
