package shopify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"codecredit/platforms"
)

// bulkBatch is how many codes each save call gets.
const bulkBatch = 1000

// maxBulkLine bounds one JSONL line: a discount with its terms, or a code.
const maxBulkLine = 1 << 20

// bulkCode is a code's line: a node of a discount's codes connection.
type bulkCode struct {
	ID       string `json:"id"`
	Code     string `json:"code"`
	ParentID string `json:"__parentId"`
}

// streamBulk reads the operation's file from url line by line, never
// whole: a discount's line gives the terms its codes share, each code's
// line (after its discount's, as Shopify writes them) a code. Lines up to
// cp.Lines were stored by an earlier attempt: their codes are skipped and
// only their discounts read again. Codes go to save in batches with the
// checkpoint after each.
func (a *Adapter) streamBulk(ctx context.Context, url string, cp bulkCheckpoint,
	save func([]platforms.DiscountCode, string, int) error) error {
	if url == "" {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("shopify: bulk operation %s file: %w", cp.Op, err)
	}
	dl := *a.client
	dl.Timeout = 0 // the body is read as fast as the codes are stored; ctx bounds it
	resp, err := dl.Do(req)
	if err != nil {
		return fmt.Errorf("shopify: bulk operation %s file: %w", cp.Op, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound:
		return &BulkError{ID: cp.Op, Status: fmt.Sprintf("EXPIRED (file answered HTTP %d)", resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("shopify: bulk operation %s file: HTTP %d", cp.Op, resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), maxBulkLine)
	r := bulkReader{terms: map[string]platforms.DiscountCode{}, cp: cp, save: save}
	for line := 1; sc.Scan(); line++ {
		if err := r.line(sc.Bytes(), line); err != nil {
			return fmt.Errorf("shopify: bulk operation %s line %d: %w", cp.Op, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("shopify: bulk operation %s file after line %d: %w", cp.Op, r.cp.Lines, err)
	}
	return r.flush(r.seen)
}

// bulkReader turns lines into batches of codes.
type bulkReader struct {
	terms map[string]platforms.DiscountCode // by discount id
	batch []platforms.DiscountCode
	cp    bulkCheckpoint
	seen  int
	save  func([]platforms.DiscountCode, string, int) error
}

var parentKey = []byte(`"__parentId"`)

func (r *bulkReader) line(b []byte, n int) error {
	r.seen = n
	if !bytes.Contains(b, parentKey) {
		var node codeDiscountNode
		if err := json.Unmarshal(b, &node); err != nil {
			return err
		}
		t, err := node.terms()
		r.terms[node.ID] = t
		return err
	}
	if n <= r.cp.Lines {
		return nil // stored before
	}
	var c bulkCode
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	t, ok := r.terms[c.ParentID]
	if !ok {
		return fmt.Errorf("code %s before its discount %s", c.ID, c.ParentID)
	}
	t.PlatformCodeID, t.Code = c.ID, c.Code
	r.batch = append(r.batch, t)
	if len(r.batch) >= bulkBatch {
		return r.flush(n)
	}
	return nil
}

// flush saves the batch with the checkpoint after line n.
func (r *bulkReader) flush(n int) error {
	if len(r.batch) == 0 && n <= r.cp.Lines {
		return nil
	}
	r.cp.Lines = max(r.cp.Lines, n)
	err := r.save(r.batch, r.cp.encode(), r.cp.Total)
	r.batch = make([]platforms.DiscountCode, 0, bulkBatch)
	return err
}
