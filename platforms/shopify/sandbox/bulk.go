package sandbox

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Bulk query operations, as documented at
// https://shopify.dev/docs/api/usage/bulk-operations/queries:
// bulkOperationRunQuery takes a query over a connection, answers at once
// with the operation CREATED, and runs it in the background (RUNNING, with
// a running objectCount) until it is COMPLETED with a url to a JSONL file,
// or FAILED with an errorCode and a partialDataUrl. Each line of the file
// is one node; a node of a nested connection is its own line, after its
// parent's and not grouped under it (groupObjects false, the default),
// carrying the parent's id in __parentId. One bulk query per app and shop
// runs at a time; asking for another is a userError OPERATION_IN_PROGRESS.
// Bulk operations are not charged against the GraphQL bucket beyond the
// mutation itself. The file is served from the sandbox, standing in for
// Shopify's signed storage URL, until the operation expires.

// Bulk operation statuses (BulkOperationStatus).
const (
	BulkCreated   = "CREATED"
	BulkRunning   = "RUNNING"
	BulkCompleted = "COMPLETED"
	BulkFailed    = "FAILED"
	BulkExpired   = "EXPIRED"
	BulkCanceled  = "CANCELED"
)

// bulkOp is one bulk query operation of a shop; read and written with mu
// held.
type bulkOp struct {
	ID          int64
	query       string
	status      string
	errorCode   string
	objects     int
	roots       int
	createdAt   time.Time
	completedAt *time.Time
	token       string // the unguessable part of the file's URL
	file        []byte // the JSONL; for a failed operation, the partial data
}

// bulkState is the sandbox's bulk operations across shops.
type bulkState struct {
	wg      sync.WaitGroup
	byToken map[string]*bulkOp
	hold    map[*Shop]chan struct{}
	fail    map[*Shop]string // errorCode the shop's next operation fails with
	base    string           // the sandbox's own URL, once Start has it
}

func (op *bulkOp) running() bool { return op.status == BulkCreated || op.status == BulkRunning }

// bulkObject is the BulkOperation as it stands.
func (s *Sandbox) bulkObject(sh *Shop, op *bulkOp) *gobj {
	f := map[string]any{
		"id": gid("BulkOperation", op.ID), "status": op.status, "type": "QUERY", "query": op.query,
		"objectCount": strconv.Itoa(op.objects), "rootObjectCount": strconv.Itoa(op.roots),
		"createdAt": op.createdAt.UTC().Format(time.RFC3339), "completedAt": nil,
		"errorCode": nil, "fileSize": nil, "url": nil, "partialDataUrl": nil,
	}
	if op.completedAt != nil {
		f["completedAt"] = op.completedAt.UTC().Format(time.RFC3339)
	}
	switch op.status {
	case BulkCompleted:
		f["url"], f["fileSize"] = s.bulkURL(sh, op), strconv.Itoa(len(op.file))
	case BulkFailed:
		f["errorCode"] = op.errorCode
		if len(op.file) > 0 {
			f["partialDataUrl"] = s.bulkURL(sh, op)
		}
	}
	return &gobj{typ: "BulkOperation", fields: f}
}

// bulkURL is where the operation's file is downloaded: the sandbox's own
// address, or the shop's domain (which a client rebased onto the sandbox
// reaches) when the sandbox was not started by Start.
func (s *Sandbox) bulkURL(sh *Shop, op *bulkOp) string {
	base := s.bulk.base
	if base == "" {
		base = "https://" + sh.Domain
	}
	return fmt.Sprintf("%s/bulk-operations/%s/bulk-%d.jsonl", base, op.token, op.ID)
}

// bulkFile serves an operation's JSONL; an expired one is refused as a
// storage service refuses a lapsed signed URL.
func (s *Sandbox) bulkFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	op := s.bulk.byToken[r.PathValue("token")]
	var file []byte
	status := ""
	if op != nil {
		file, status = op.file, op.status
	}
	s.mu.Unlock()
	switch {
	case op == nil || (status != BulkCompleted && status != BulkFailed && status != BulkExpired):
		http.NotFound(w, r)
	case status == BulkExpired:
		http.Error(w, "Request has expired", http.StatusForbidden)
	default:
		w.Header().Set("Content-Type", "application/jsonl")
		http.ServeContent(w, r, r.PathValue("file"), time.Time{}, bytes.NewReader(file))
	}
}

// findBulk is the shop's operation with the given global id, or nil.
func findBulk(sh *Shop, id string) *bulkOp {
	for _, op := range sh.bulkOps {
		if gid("BulkOperation", op.ID) == id {
			return op
		}
	}
	return nil
}

// currentBulk is the shop's latest bulk query, or nil.
func currentBulk(sh *Shop) *bulkOp {
	if n := len(sh.bulkOps); n > 0 {
		return sh.bulkOps[n-1]
	}
	return nil
}

// HoldBulkOperations keeps the shop's bulk operations CREATED, not yet
// running, until the returned function is called.
func (s *Sandbox) HoldBulkOperations(shop string) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return nil, err
	}
	ch := make(chan struct{})
	s.bulk.hold[sh] = ch
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.bulk.hold, sh)
			s.mu.Unlock()
			close(ch)
		})
	}, nil
}

// FailNextBulkOperation makes the shop's next bulk operation end FAILED
// with errorCode (ACCESS_DENIED, INTERNAL_SERVER_ERROR or TIMEOUT), having
// written half its file, which partialDataUrl then serves.
func (s *Sandbox) FailNextBulkOperation(shop, errorCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err == nil {
		s.bulk.fail[sh] = errorCode
	}
	return err
}

// ExpireBulkOperations ends the shop's finished bulk operations as seven
// days would: status EXPIRED, no url, the file no longer served.
func (s *Sandbox) ExpireBulkOperations(shop string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return err
	}
	for _, op := range sh.bulkOps {
		if op.status == BulkCompleted || op.status == BulkFailed {
			op.status = BulkExpired
		}
	}
	return nil
}

// BulkOperationsRun is how many bulk operations the shop has started.
func (s *Sandbox) BulkOperationsRun(shop string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return 0, err
	}
	return len(sh.bulkOps), nil
}
