package shopify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"codecredit/platforms"
)

// A large store's codes are read with one bulk query operation
// (https://shopify.dev/docs/api/usage/bulk-operations/queries) instead of
// pages: bulkOperationRunQuery starts it, bulkOperation(id:) is polled
// until it is COMPLETED, and its JSONL file is streamed line by line.
// Shopify builds the file outside the GraphQL cost limit, so the import
// spends a handful of points whatever the store's size, where pages cost
// about a point a code (17 minutes for 100,000 codes at the Standard plan's
// 100 points a second).

// DefaultBulkThreshold is the number of codes from which an import runs as
// a bulk operation. Below it the pages are cheap: 5,000 codes cost about
// 5,000 points, which the Standard plan's bucket (2,000 points, restoring
// 100 a second) serves in about 30 seconds, while a bulk operation waits
// for Shopify to schedule and write it, which is often that long for any
// size. Above it the pages' time grows with the codes, the bulk
// operation's hardly at all.
const DefaultBulkThreshold = 5000

// Bulk statuses (BulkOperationStatus) the import acts on.
const (
	bulkCreated   = "CREATED"
	bulkRunning   = "RUNNING"
	bulkCanceling = "CANCELING"
	bulkCompleted = "COMPLETED"
)

// Poll intervals: the first poll soon, then half as long again each time
// up to the longest, each poll costing one point (an hour-long operation
// polled every 5 s costs 720 points, seven seconds of the slowest plan's
// restore).
const (
	bulkPollFirst = 100 * time.Millisecond
	bulkPollMax   = 5 * time.Second
)

var (
	queryBulkCodes = `{
  codeDiscountNodes {
    edges { node { ` + discountFields(`codes { edges { node { id code } } }`) + ` } }
  }
}`
	mutationBulkRun = `mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field code message }
  }
}`
	queryBulkOperation = `query BulkOperation($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url }
}`
	queryCurrentBulk = `query CurrentBulkOperation { currentBulkOperation(type: QUERY) { id status query } }`
)

// bulkPrefix marks an import cursor that is a bulk checkpoint, never a
// page cursor (base64url, which has no colon).
const bulkPrefix = "bulk:"

// bulkCheckpoint is where a bulk import stands: the operation, how many
// lines of its file are stored, and the shop's count of codes.
type bulkCheckpoint struct {
	Op    string `json:"op"`
	Lines int    `json:"n,omitempty"`
	Total int    `json:"t"`
}

func (c bulkCheckpoint) encode() string {
	b, _ := json.Marshal(c)
	return bulkPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func decodeCheckpoint(s string) (bulkCheckpoint, error) {
	var c bulkCheckpoint
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, bulkPrefix))
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Op == "" {
		return c, fmt.Errorf("shopify: bulk checkpoint %q: %v", s, err)
	}
	return c, nil
}

// BulkError is a bulk operation that ended without a file to read: FAILED
// (ErrorCode says why: ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT),
// CANCELED, EXPIRED (its file is gone, seven days after it ended), or
// unknown to the shop. The import then has to start over with a new one.
type BulkError struct {
	ID, Status, ErrorCode string
}

func (e *BulkError) Error() string {
	msg := fmt.Sprintf("shopify: bulk operation %s ended %s", e.ID, e.Status)
	if e.ErrorCode != "" {
		msg += " (" + e.ErrorCode + ")"
	}
	return msg + "; the import starts again with a new one"
}

// StartOver reports that the import must start again from the beginning.
func (e *BulkError) StartOver() bool { return true }

// ImportCodesInBulk imports a large store's codes through a bulk operation.
// With cursor "" it counts the shop's codes and, below the threshold,
// returns false for the import to page instead; a page cursor also returns
// false. Otherwise it starts the operation (or, with a bulk checkpoint
// from an earlier attempt, reattaches to it), saves the checkpoint at once,
// waits for the file and streams it, calling save with each batch of codes
// and the checkpoint after it, total being the shop's count. It returns
// true when it handled the import, with the error that stopped it if any:
// a *BulkError when the operation has to be started again.
func (a *Adapter) ImportCodesInBulk(ctx context.Context, c *platforms.Conn, cursor string,
	save func(codes []platforms.DiscountCode, checkpoint string, total int) error) (bool, error) {
	var cp bulkCheckpoint
	switch {
	case cursor != "" && !strings.HasPrefix(cursor, bulkPrefix):
		return false, nil
	case cursor != "":
		var err error
		if cp, err = decodeCheckpoint(cursor); err != nil {
			return true, &BulkError{ID: "(unreadable checkpoint)", Status: "UNKNOWN"}
		}
	default:
		total, err := a.patient(ctx, func() (int, error) { return a.countCodes(ctx, c) })
		if err != nil || a.cfg.BulkThreshold < 0 || total < a.cfg.BulkThreshold {
			return false, ctx.Err() // a failed count: the pages, which count again
		}
		id, err := a.startBulk(ctx, c)
		if err != nil {
			return true, err
		}
		cp = bulkCheckpoint{Op: id, Total: total}
		if err := save(nil, cp.encode(), total); err != nil {
			return true, err
		}
	}
	url, err := a.awaitBulk(ctx, c, cp.Op)
	if err != nil {
		return true, err
	}
	return true, a.streamBulk(ctx, url, cp, save)
}

// patient runs call until the shop's throttle lets it through.
func (a *Adapter) patient(ctx context.Context, call func() (int, error)) (int, error) {
	for {
		n, err := call()
		var rl *platforms.RateLimitError
		if !errors.As(err, &rl) {
			return n, err
		}
		if err := platforms.Sleep(ctx, rl.RetryAfter); err != nil {
			return 0, err
		}
	}
}

type bulkOperation struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	ErrorCode   string `json:"errorCode"`
	ObjectCount string `json:"objectCount"`
	URL         string `json:"url"`
	Query       string `json:"query"`
}

// startBulk starts the codes' bulk query and returns its id. When one is
// already running for the app (an earlier attempt started it and stopped
// before saving its id), that one is used if it is the same query.
func (a *Adapter) startBulk(ctx context.Context, c *platforms.Conn) (string, error) {
	var data struct {
		Run struct {
			Op         *bulkOperation `json:"bulkOperation"`
			UserErrors []userError    `json:"userErrors"`
		} `json:"bulkOperationRunQuery"`
	}
	_, err := a.patient(ctx, func() (int, error) {
		return 0, a.graphql(ctx, c, mutationBulkRun, map[string]any{"query": queryBulkCodes}, &data)
	})
	switch errs := data.Run.UserErrors; {
	case err != nil:
		return "", err
	case len(errs) > 0 && errs[0].Code == "OPERATION_IN_PROGRESS":
		var cur struct {
			Op *bulkOperation `json:"currentBulkOperation"`
		}
		if _, err := a.patient(ctx, func() (int, error) { return 0, a.graphql(ctx, c, queryCurrentBulk, nil, &cur) }); err != nil {
			return "", err
		}
		if cur.Op != nil && cur.Op.Query == queryBulkCodes {
			return cur.Op.ID, nil
		}
		return "", fmt.Errorf("shopify: %s: %s", c.ExternalID, errs[0].Message) // another bulk query: retried later
	case len(errs) > 0:
		return "", rejected(errs)
	case data.Run.Op == nil:
		return "", fmt.Errorf("shopify: %s: bulkOperationRunQuery returned no operation", c.ExternalID)
	}
	return data.Run.Op.ID, nil
}

// awaitBulk polls the operation until it has finished and returns its
// file's URL ("" when the query found nothing, as Shopify then gives none).
func (a *Adapter) awaitBulk(ctx context.Context, c *platforms.Conn, id string) (string, error) {
	for wait := bulkPollFirst; ; wait = min(wait*3/2, bulkPollMax) {
		var data struct {
			Op *bulkOperation `json:"bulkOperation"`
		}
		_, err := a.patient(ctx, func() (int, error) {
			return 0, a.graphql(ctx, c, queryBulkOperation, map[string]any{"id": id}, &data)
		})
		switch {
		case err != nil:
			return "", err
		case data.Op == nil:
			return "", &BulkError{ID: id, Status: "NOT_FOUND"}
		case data.Op.Status == bulkCompleted:
			return data.Op.URL, nil
		case data.Op.Status != bulkCreated && data.Op.Status != bulkRunning && data.Op.Status != bulkCanceling:
			return "", &BulkError{ID: id, Status: data.Op.Status, ErrorCode: data.Op.ErrorCode}
		}
		if err := platforms.Sleep(ctx, wait); err != nil {
			return "", err
		}
	}
}
