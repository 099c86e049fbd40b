package models

import (
	"context"
)

// RunSummary is one run in the list of runs, with its items' totals per
// status (latest attempts: a retried item counts as its retry).
type RunSummary struct {
	PayoutRun
	Totals map[string]StatusTotal `json:"totals"`
}

// maxRunList is how many runs the list shows.
const maxRunList = 200

// ListPayoutRuns lists the account's payout runs, newest first; runs made
// to retry items are part of the run they retried, not listed apart.
func (s *Store) ListPayoutRuns(ctx context.Context, accountID uint64) ([]RunSummary, error) {
	db := s.db.WithContext(ctx)
	var runs []PayoutRun
	err := db.Where("account_id = ? AND id NOT IN (?)", accountID,
		db.Model(&PayoutRetry{}).Select("retry_run_id").Where("account_id = ?", accountID)).
		Order("id DESC").Limit(maxRunList).Find(&runs).Error
	if err != nil || len(runs) == 0 {
		return []RunSummary{}, wrapErr("list payout runs", err)
	}
	ids := make([]uint64, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	type row struct {
		RootID               uint64
		State, PlatformState string
		Count                int
		Amount               int64
	}
	var rows []row
	err = db.Table("payout_send_items AS i").
		Select("COALESCE((SELECT r.root_run_id FROM payout_retries r WHERE r.retry_run_id = i.run_id LIMIT 1), i.run_id) AS root_id, "+
			"i.state, i.platform_state, COUNT(*) AS count, SUM(i.amount) AS amount").
		Where("i.account_id = ? AND NOT EXISTS (SELECT 1 FROM payout_retries x WHERE x.failed_payout_id = i.payout_id)", accountID).
		Where("i.run_id IN ? OR i.run_id IN (SELECT y.retry_run_id FROM payout_retries y WHERE y.root_run_id IN ?)", ids, ids).
		Group("root_id, i.state, i.platform_state").Scan(&rows).Error
	if err != nil {
		return nil, wrapErr("list payout runs", err)
	}
	totals := map[uint64]map[string]StatusTotal{}
	for _, r := range rows {
		if totals[r.RootID] == nil {
			totals[r.RootID] = map[string]StatusTotal{}
		}
		st := ItemStatus(r.State, r.PlatformState)
		t := totals[r.RootID][st]
		t.Count += r.Count
		t.Amount += r.Amount
		totals[r.RootID][st] = t
	}
	out := make([]RunSummary, len(runs))
	for i, r := range runs {
		r.Payouts = nil
		out[i] = RunSummary{PayoutRun: r, Totals: totals[r.ID]}
		if out[i].Totals == nil { // marked paid by hand: every payout is paid
			out[i].Totals = map[string]StatusTotal{ItemPaid: {Count: r.PayoutCount, Amount: r.Total}}
		}
	}
	return out, nil
}
