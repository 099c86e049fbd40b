package sandbox

import "net/http"

// listTransfers is GET /v1/transfers (https://docs.stripe.com/api/transfers/list):
// the account's transfers, newest first, filtered by transfer_group and
// destination, a page at a time.
func (s *Server) listTransfers(a *account, r *http.Request) map[string]any {
	group, dest := r.Form.Get("transfer_group"), r.Form.Get("destination")
	var found []*transfer
	for i := len(s.payouts.order) - 1; i >= 0; i-- {
		t := s.payouts.transfers[s.payouts.order[i]]
		if t.Owner == a.ID && (group == "" || t.Group == group) && (dest == "" || t.Destination == dest) {
			found = append(found, t)
		}
	}
	start, end := page(r, len(found), func(i int) string { return found[i].ID })
	data := make([]any, 0, end-start)
	for _, t := range found[start:end] {
		data = append(data, s.transferJSON(t))
	}
	return listJSON("/v1/transfers", data, end < len(found))
}
