package sandbox

import "net/http"

// ContractChange is the body of PUT /_sandbox/shops/{shop}/contracts/{id}:
// the contract's new lines and, when given, its billing interval.
type ContractChange struct {
	Lines         []ContractLine `json:"lines"`
	Interval      string         `json:"interval,omitempty"`
	IntervalCount int            `json:"interval_count,omitempty"`
}

func (s *Sandbox) ctlCreateContract(r *http.Request) (int, any, error) {
	var spec ContractSpec
	if err := decode(r, &spec); err != nil {
		return 0, nil, err
	}
	id, err := s.CreateContract(r.PathValue("shop"), spec)
	return http.StatusCreated, map[string]int64{"contract_id": id}, err
}

func (s *Sandbox) ctlUpdateContract(r *http.Request) (int, any, error) {
	var ch ContractChange
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &ch)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int64{"contract_id": id},
		s.UpdateContract(r.PathValue("shop"), id, ch.Lines, ch.Interval, ch.IntervalCount)
}

func (s *Sandbox) ctlRenewContract(r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	order, err := s.RenewContract(r.PathValue("shop"), id)
	return http.StatusCreated, map[string]int64{"order_id": order}, err
}

func (s *Sandbox) ctlContractStatus(r *http.Request) (int, any, error) {
	var body struct {
		Status string `json:"status"`
	}
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &body)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"contract_id": id, "status": body.Status},
		s.SetContractStatus(r.PathValue("shop"), id, body.Status)
}
