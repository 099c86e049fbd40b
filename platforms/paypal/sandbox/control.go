package sandbox

import (
	"encoding/json"
	"net/http"
)

// The control API drives the sandbox over HTTP (under /__sandbox/, with
// the client id and secret as HTTP Basic auth), for a local app or a
// browser test with no PayPal account.
func (s *Server) controlRoutes() {
	s.mux.HandleFunc("POST /__sandbox/tick", s.control(s.ctlTick))
	s.mux.HandleFunc("POST /__sandbox/faults", s.control(s.ctlFaults))
	s.mux.HandleFunc("GET /__sandbox/deliveries", s.control(s.ctlDeliveries))
}

func (s *Server) control(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != s.opts.ClientID || secret != s.opts.Secret {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
			return
		}
		h(w, r)
	}
}

// ctlTick moves items on and delivers their webhooks: {"delivered": n}.
func (s *Server) ctlTick(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]int{"delivered": s.Tick(r.Context())})
}

// ctlFaults sets the injected faults from a Faults body.
func (s *Server) ctlFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&f); err != nil ||
		f.FailPercent < 0 || f.FailPercent > 100 || f.TimeoutPercent < 0 || f.TimeoutPercent > 100 {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "fail_percent and timeout_percent are 0 to 100")
		return
	}
	s.SetFaults(f)
	writeJSON(w, http.StatusOK, f)
}

// ctlDeliveries lists the webhook deliveries made so far.
func (s *Server) ctlDeliveries(w http.ResponseWriter, r *http.Request) {
	type out struct {
		EventID   string `json:"event_id"`
		EventType string `json:"event_type"`
		Status    int    `json:"status"`
		Error     string `json:"error,omitempty"`
	}
	var list []out
	for _, d := range s.Deliveries() {
		list = append(list, out{d.EventID, d.EventType, d.Status, d.Err})
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": list})
}
