package sandbox

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// Faults make the sandbox misbehave as a real PayPal sometimes does. They
// apply to API calls, never to the token, certificate or control routes.
type Faults struct {
	// FailPercent of calls get a 500 or 503 before anything is done.
	FailPercent int `json:"fail_percent"`
	// TimeoutPercent of calls are carried out and then never answered:
	// the connection is dropped after Hang or when the caller gives up.
	TimeoutPercent int `json:"timeout_percent"`
	// FailNext and TimeoutNext make the next calls fail or time out, in
	// that order, whatever the percentages.
	FailNext    int `json:"fail_next"`
	TimeoutNext int `json:"timeout_next"`
	// Hang is how long an unanswered call is held; 0 means 30 s.
	Hang time.Duration `json:"hang"`
}

type faults struct {
	Faults
	count int
}

// SetFaults replaces the injected faults (the zero Faults means none).
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faults{Faults: f}
}

// draw decides the fate of one call.
func (s *Server) draw(r *http.Request) (fail, timeout bool, hang time.Duration, n int) {
	if r.URL.Path == "/v1/oauth2/token" || strings.HasPrefix(r.URL.Path, "/v1/notifications/certs/") {
		return false, false, 0, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	f.count++
	hang = f.Hang
	if hang <= 0 {
		hang = 30 * time.Second
	}
	switch {
	case f.FailNext > 0:
		f.FailNext--
		return true, false, hang, f.count
	case f.TimeoutNext > 0:
		f.TimeoutNext--
		return false, true, hang, f.count
	}
	fail = f.FailPercent > 0 && rand.IntN(100) < f.FailPercent
	timeout = !fail && f.TimeoutPercent > 0 && rand.IntN(100) < f.TimeoutPercent
	return fail, timeout, hang, f.count
}

// injectFault fails or swallows a call; it reports whether it answered.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	fail, timeout, hang, n := s.draw(r)
	switch {
	case fail && n%2 == 0:
		writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "Service Unavailable.")
		return true
	case fail:
		writeError(w, http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "An internal server error occurred.")
		return true
	case timeout:
		s.mux.ServeHTTP(httptest.NewRecorder(), r) // carried out, answer lost
		select {
		case <-r.Context().Done():
		case <-time.After(hang):
		}
		panic(http.ErrAbortHandler)
	}
	return false
}
