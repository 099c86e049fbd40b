package sandbox

// Lost answers: Shopify made a store credit but the caller never heard (a
// timeout, a dropped connection, the caller's crash). storeCreditAccountCredit
// takes no idempotency key, so the caller must look at the customer's
// credits before crediting again.

// LoseStoreCreditAnswers makes the next n store credits the shop makes end
// with the connection dropped instead of their answer.
func (s *Sandbox) LoseStoreCreditAnswers(shop string, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return err
	}
	sh.storeCredit.lose = n
	return nil
}

// loseCredit marks the request at work, which made a credit, to lose its
// answer while the shop loses answers; call with s.mu held.
func (s *Sandbox) loseCredit(sh *Shop) {
	if sh.storeCredit.lose > 0 {
		sh.storeCredit.lose--
		s.abort = true
	}
}

// takeAbort reports whether the request at work loses its answer, and
// resets it; call with s.mu held.
func (s *Sandbox) takeAbort() bool {
	abort := s.abort
	s.abort = false
	return abort
}
