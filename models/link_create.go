// Making codes' tracked links when the codes are made: a set of codes gets
// its links in a few statements, whatever the number of codes.

package models

import (
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// linkChunk is how many links one statement inserts or looks up.
const linkChunk = 1000

// maxSuffix bounds the "-N" tried after a code's default slug.
const maxSuffix = 1000

// createLinks gives those of the listed codes that have no link their
// links under the first free default slug (the code in lower case, then
// "-2", "-3"…, unique across accounts). Codes need ID, AccountID and
// Code. The first try inserts the default slugs (made unique within the
// list) as one set, skipping any taken slug and any code that has a link:
// for new codes with new names that is the only statement. The codes left
// over are tried again with their links and the taken slugs looked up,
// each by plain index lookups (an anti-join is planned badly while an
// import fills the tables).
func createLinks(tx *gorm.DB, codes []Code) error {
	for attempt := 0; len(codes) > 0; attempt++ {
		if attempt == 5 {
			return conflictf("no free link name for code %s", codes[0].Code)
		}
		if attempt > 0 {
			var err error
			if codes, err = withoutLinks(tx, codes); err != nil || len(codes) == 0 {
				return err
			}
		}
		rows, err := slugRows(tx, codes, attempt > 0)
		if err != nil {
			return err
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, linkChunk)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == int64(len(rows)) {
			return nil
		}
	}
	return nil
}

// codeLinksOf returns the links of the account's codes by code id, making
// any missing one (a code made before codes came with their links).
func codeLinksOf(tx *gorm.DB, accountID uint64, codes []Code) (map[uint64]Link, error) {
	ids := make([]uint64, len(codes))
	for i, c := range codes {
		ids[i] = c.ID
	}
	var have []Link
	err := tx.Where("account_id = ? AND code_id IN ?", accountID, ids).Find(&have).Error
	if err == nil && len(have) < len(codes) {
		if err = createLinks(tx, codes); err == nil {
			have = have[:0]
			err = tx.Where("account_id = ? AND code_id IN ?", accountID, ids).Find(&have).Error
		}
	}
	if err != nil {
		return nil, err
	}
	out := make(map[uint64]Link, len(have))
	for _, l := range have {
		out[l.CodeID] = l
	}
	return out, nil
}

// withoutLinks keeps the codes that have no link yet.
func withoutLinks(tx *gorm.DB, codes []Code) ([]Code, error) {
	have := map[uint64]bool{}
	for chunk := range slices.Chunk(codes, linkChunk) {
		ids := make([]uint64, len(chunk))
		for i, c := range chunk {
			ids[i] = c.ID
		}
		var got []uint64
		if err := tx.Model(&Link{}).Where("code_id IN ?", ids).Pluck("code_id", &got).Error; err != nil {
			return nil, err
		}
		for _, id := range got {
			have[id] = true
		}
	}
	return slices.DeleteFunc(slices.Clone(codes), func(c Code) bool { return have[c.ID] }), nil
}

// slugRows picks each code's slug: its default slug when free, else the
// first free "-N". With lookup, candidates are looked up in the links in
// rounds, each one query per chunk: the default slugs first, then for the
// codes whose slug was taken a widening window of suffixes; without, only
// the list's own slugs count as taken. Rows come sorted by slug, so
// concurrent inserts take the slugs' index locks in one order.
func slugRows(tx *gorm.DB, codes []Code, lookup bool) ([]Link, error) {
	type want struct {
		code Code
		base string
		n    int // the next suffix to try; 1 is the bare default
	}
	pending := make([]want, len(codes))
	for i, c := range codes {
		pending[i] = want{code: c, base: DefaultSlug(c.Code), n: 1}
	}
	used, checked := map[string]bool{}, map[string]bool{}
	rows := make([]Link, 0, len(codes))
	for window := 1; len(pending) > 0; window *= 8 {
		var cands []string
		for _, w := range pending {
			if w.n >= maxSuffix {
				return nil, conflictf("no free link name for code %s", w.code.Code)
			}
			for n := w.n; n < min(w.n+window, maxSuffix); n++ {
				if s := suffixed(w.base, n); !checked[s] {
					checked[s] = true
					cands = append(cands, s)
				}
			}
		}
		if err := markTaken(tx, cands, used, lookup); err != nil {
			return nil, err
		}
		next := pending[:0]
		for _, w := range pending {
			end := min(w.n+window, maxSuffix)
			for ; w.n < end && used[suffixed(w.base, w.n)]; w.n++ {
			}
			if w.n == end {
				next = append(next, w)
				continue
			}
			s := suffixed(w.base, w.n)
			used[s] = true
			rows = append(rows, Link{AccountID: w.code.AccountID, CodeID: w.code.ID, Slug: s})
		}
		pending = next
	}
	slices.SortFunc(rows, func(a, b Link) int { return strings.Compare(a.Slug, b.Slug) })
	return rows, nil
}

// suffixed is the n-th slug for base: base itself, then base-2, base-3…
func suffixed(base string, n int) string {
	if n == 1 {
		return base
	}
	return base + "-" + strconv.Itoa(n)
}

// markTaken marks in used the slugs of slugs that an experiment has (an
// experiment's link shares the address space) and, with links, that some
// link has.
func markTaken(tx *gorm.DB, slugs []string, used map[string]bool, links bool) error {
	for chunk := range slices.Chunk(slugs, linkChunk) {
		var got, exps []string
		if links {
			if err := tx.Model(&Link{}).Where("slug IN ?", chunk).Pluck("slug", &got).Error; err != nil {
				return err
			}
		}
		if err := tx.Model(&Experiment{}).Where("slug IN ?", chunk).Pluck("slug", &exps).Error; err != nil {
			return err
		}
		for _, s := range append(got, exps...) {
			used[s] = true
		}
	}
	return nil
}

// backfillLinks gives every code without a link its link, a chunk of
// codes at a time; run again it finds nothing to do.
func backfillLinks(tx *gorm.DB) error {
	var after uint64
	for {
		var codes []Code
		err := tx.Select("id", "account_id", "code").Where("id > ?", after).
			Where("NOT EXISTS (SELECT 1 FROM links WHERE links.code_id = codes.id)").
			Order("id").Limit(linkChunk).Find(&codes).Error
		if err != nil || len(codes) == 0 {
			return err
		}
		if err := createLinks(tx, codes); err != nil {
			return err
		}
		after = codes[len(codes)-1].ID
	}
}
