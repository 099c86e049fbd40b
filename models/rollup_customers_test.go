package models_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// TestReportRollupsMatchConversions writes conversions of two accounts at
// random, straight to the table (orders of customers known by email in
// any case, by customer id on either of two stores, or not at all;
// partial and full refunds, status changes, orders moved to another
// affiliate, currency or time, redacted customers, deletions, single and
// bulk statements, on PostgreSQL also four writers at once), and checks
// that the customers and months rollups equal the same sums done from
// scratch over the conversions, that the customers report equals them
// done by hand, and that a database migrated before the rollups existed
// gets them filled.
func TestReportRollupsMatchConversions(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		w := newRollupWorld(t, s)
		r := rand.New(rand.NewSource(11))
		for i := 0; i < 400; i++ {
			if err := w.step(r); err != nil {
				t.Fatal(err)
			}
			if i%100 == 99 {
				checkReportRollups(t, s, w)
			}
		}
		if s.IsPostgres() {
			concurrentWriters(t, 100, w.step)
			checkReportRollups(t, s, w)
		}
		for _, m := range []any{&models.AffiliateCustomer{}, &models.AffiliateMonth{}} {
			if err := s.DB().Migrator().DropTable(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		checkReportRollups(t, s, w)
	})
}

// rollupWorld is the two accounts the random writes go to.
type rollupWorld struct {
	s     *models.Store
	accts []rollupAccount
	next  atomic.Int64
}

type rollupAccount struct {
	id    uint64
	conns []uint64
	affs  []uint64
}

var rollupBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newRollupWorld(t *testing.T, s *models.Store) *rollupWorld {
	ctx := context.Background()
	w := &rollupWorld{s: s}
	for i := 0; i < 2; i++ {
		a, err := s.CreateAccount(ctx, fmt.Sprintf("Rollup shop %d", i), "", "USD")
		if err != nil {
			t.Fatal(err)
		}
		api, err := s.APIConnection(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		shop := models.Connection{AccountID: a.ID, Platform: "shopify", ExternalID: fmt.Sprintf("shop-%d-%d", a.ID, i),
			Status: models.ConnectionActive, InstalledAt: rollupBase}
		mustCreate(t, s, &shop)
		ra := rollupAccount{id: a.ID, conns: []uint64{api.ID, shop.ID}}
		for j := 0; j < 3; j++ {
			aff := models.Affiliate{AccountID: a.ID, Name: fmt.Sprintf("Aff %d", j), Email: fmt.Sprintf("aff%d-%d@example.com", j, a.ID),
				Status: models.AffiliateActive}
			mustCreate(t, s, &aff)
			ra.affs = append(ra.affs, aff.ID)
		}
		w.accts = append(w.accts, ra)
	}
	return w
}

// identity is a random customer: an email in some case, a customer id,
// both, or neither.
func identity(r *rand.Rand) (email, id string) {
	k := r.Intn(10)
	email = fmt.Sprintf("c%d@example.com", k)
	switch r.Intn(4) {
	case 1:
		email = strings.ToUpper(email)
	case 2:
		email = "C" + email[1:]
	}
	switch r.Intn(6) {
	case 0, 1:
		return "", fmt.Sprintf("cus_%d", k)
	case 2:
		return email, fmt.Sprintf("cus_%d", k)
	case 3:
		return "", ""
	}
	return email, ""
}

// placed is a random time, on the hour so that orders tie.
func placed(r *rand.Rand) time.Time {
	return rollupBase.Add(time.Duration(r.Intn(24*240)) * time.Hour)
}

var rollupStatuses = []models.ConversionStatus{models.ConversionPending, models.ConversionApproved, models.ConversionPaid,
	models.ConversionReversed, models.ConversionFlagged, models.ConversionUnattributed}

// step makes one random write to one account's conversions.
func (w *rollupWorld) step(r *rand.Rand) error {
	a := w.accts[r.Intn(len(w.accts))]
	db := w.s.DB()
	var ids []uint64
	if err := db.Model(&models.Conversion{}).Where("account_id = ?", a.id).Order("id").Pluck("id", &ids).Error; err != nil {
		return err
	}
	some := func() []uint64 {
		out := []uint64{}
		for n := 1 + r.Intn(4); n > 0 && len(ids) > 0; n-- {
			out = append(out, ids[r.Intn(len(ids))])
		}
		return out
	}
	set := func(col string, v any) error {
		return db.Model(&models.Conversion{}).Where("id IN ?", some()).Update(col, v).Error
	}
	aff := func() any {
		if r.Intn(5) == 0 {
			return nil
		}
		return a.affs[r.Intn(len(a.affs))]
	}
	switch op := r.Intn(14); {
	case op < 4 || len(ids) < 5:
		return w.insert(r, a, aff)
	case op == 4:
		return db.Exec("UPDATE conversions SET refunded_subtotal = subtotal / ? WHERE id IN ?", 1+r.Intn(3), some()).Error
	case op == 5:
		return set("status", rollupStatuses[r.Intn(len(rollupStatuses))])
	case op == 6:
		return set("affiliate_id", aff())
	case op == 7:
		email, id := identity(r)
		return db.Model(&models.Conversion{}).Where("id IN ?", some()).Updates(map[string]any{"customer_email": email, "customer_id": id}).Error
	case op == 8:
		return set("placed_at", placed(r))
	case op == 9:
		return set("currency", []string{"USD", "EUR"}[r.Intn(2)])
	case op == 10:
		return set("lifetime", r.Intn(2) == 0)
	case op == 11:
		return db.Exec("UPDATE conversions SET status = ? WHERE account_id = ? AND affiliate_id = ? AND status = ?",
			models.ConversionApproved, a.id, a.affs[r.Intn(len(a.affs))], models.ConversionPending).Error
	case op == 12:
		email, _ := identity(r)
		return db.Exec("DELETE FROM conversions WHERE account_id = ? AND LOWER(customer_email) = ?", a.id, strings.ToLower(email)).Error
	default:
		return db.Where("id IN ?", some()).Delete(&models.Conversion{}).Error
	}
}

// insert books one to four orders of a in one statement.
func (w *rollupWorld) insert(r *rand.Rand, a rollupAccount, aff func() any) error {
	var convs []models.Conversion
	for n := 1 + r.Intn(4); n > 0; n-- {
		email, id := identity(r)
		at := placed(r)
		sub := int64(r.Intn(20000))
		c := models.Conversion{AccountID: a.id, ConnectionID: a.conns[r.Intn(2)], ExternalOrderID: fmt.Sprint("o-", w.next.Add(1)),
			Code: "CODE", Currency: []string{"USD", "USD", "USD", "EUR"}[r.Intn(4)], Subtotal: sub, Total: sub,
			RefundedSubtotal: sub * int64(r.Intn(3)) / 4, Status: rollupStatuses[r.Intn(len(rollupStatuses))], Lifetime: r.Intn(3) == 0,
			CustomerEmail: email, CustomerID: id, PlacedAt: at, ApproveAt: at}
		if v, ok := aff().(uint64); ok {
			c.AffiliateID = &v
		}
		convs = append(convs, c)
	}
	return w.s.DB().Create(&convs).Error
}
