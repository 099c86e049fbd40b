package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const bulkCodesQuery = `{ codeDiscountNodes { edges { node { id codeDiscount { __typename
  ... on DiscountCodeBasic { title codes { edges { node { id code } } } } } } } } }`

const runBulk = `mutation Run($query: String!) { bulkOperationRunQuery(query: $query) {
  bulkOperation { id status } userErrors { field code message } } }`

const pollBulk = `query Poll($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount url fileSize } }`

// waitBulk polls the operation until it leaves CREATED and RUNNING.
func waitBulk(t *testing.T, e *env, tok, id string) map[string]any {
	t.Helper()
	for range 500 {
		op, _ := dig(e.gql(t, tok, pollBulk, map[string]any{"id": id}).Data, "bulkOperation").(map[string]any)
		if s := op["status"]; s != "CREATED" && s != "RUNNING" {
			return op
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("bulk operation %s still running", id)
	return nil
}

// A bulk query runs in the background, CREATED then RUNNING then
// COMPLETED, and its file has one line per node: each discount, then its
// codes as lines of their own naming it in __parentId. While one runs,
// another is refused with Shopify's userError.
func TestBulkQueryWritesJSONLWithParentIDs(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	codes := make([]string, 300)
	for i := range codes {
		codes[i] = fmt.Sprintf("WAVE-%03d", i)
	}
	d, err := e.sb.CreateDiscount(testShop, DiscountSpec{Title: "Wave", Kind: KindPercentage, Value: 1000, Codes: codes})
	if err != nil {
		t.Fatal(err)
	}
	release, err := e.sb.HoldBulkOperations(testShop)
	if err != nil {
		t.Fatal(err)
	}
	run := e.gql(t, tok, runBulk, map[string]any{"query": bulkCodesQuery})
	id, _ := dig(run.Data, "bulkOperationRunQuery", "bulkOperation", "id").(string)
	if st := dig(run.Data, "bulkOperationRunQuery", "bulkOperation", "status"); st != "CREATED" || id == "" {
		t.Fatalf("run: %s", run.Raw)
	}
	again := e.gql(t, tok, runBulk, map[string]any{"query": bulkCodesQuery})
	ue := dig(again.Data, "bulkOperationRunQuery", "userErrors", 0)
	want := "A bulk query operation for this app and shop is already in progress: " + id + "."
	if dig(ue, "code") != "OPERATION_IN_PROGRESS" || dig(ue, "message") != want {
		t.Fatalf("second run while one is CREATED: %s", again.Raw)
	}
	release()
	op := waitBulk(t, e, tok, id)
	if op["status"] != "COMPLETED" || op["objectCount"] != "301" || op["rootObjectCount"] != "1" || op["errorCode"] != nil {
		t.Fatalf("finished operation: %v", op)
	}
	resp, err := e.client.Get(op["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if fmt.Sprint(len(body)) != op["fileSize"] {
		t.Fatalf("file of %d bytes, fileSize %v", len(body), op["fileSize"])
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	var lines []map[string]any
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	node := gid("DiscountCodeNode", d.ID)
	if len(lines) != 301 || lines[0]["id"] != node || dig(lines[0], "codeDiscount", "title") != "Wave" ||
		dig(lines[0], "codeDiscount", "codes") != nil {
		t.Fatalf("first line %v of %d", lines[0], len(lines))
	}
	if lines[1]["__parentId"] != node || lines[1]["code"] != "WAVE-000" || lines[300]["code"] != "WAVE-299" {
		t.Fatalf("code lines %v … %v", lines[1], lines[300])
	}
}

// A query that is not a bulk query is refused on "query"; a failed
// operation says why and serves what it wrote; an expired one no longer
// serves its file.
func TestBulkQueryRefusedFailedExpired(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	if _, err := e.sb.CreateDiscount(testShop, DiscountSpec{Title: "Pair", Kind: KindPercentage, Value: 500,
		Codes: []string{"PAIR-1", "PAIR-2", "PAIR-3", "PAIR-4"}}); err != nil {
		t.Fatal(err)
	}
	bad := e.gql(t, tok, runBulk, map[string]any{"query": `{ shop { name } }`})
	ue := dig(bad.Data, "bulkOperationRunQuery", "userErrors", 0)
	if dig(ue, "code") != "INVALID" || !strings.HasPrefix(fmt.Sprint(dig(ue, "message")), "Invalid bulk query: ") {
		t.Fatalf("query without a connection: %s", bad.Raw)
	}
	if err := e.sb.FailNextBulkOperation(testShop, "TIMEOUT"); err != nil {
		t.Fatal(err)
	}
	run := e.gql(t, tok, runBulk, map[string]any{"query": bulkCodesQuery})
	op := waitBulk(t, e, tok, dig(run.Data, "bulkOperationRunQuery", "bulkOperation", "id").(string))
	if op["status"] != "FAILED" || op["errorCode"] != "TIMEOUT" || op["url"] != nil {
		t.Fatalf("failed operation: %v", op)
	}
	run = e.gql(t, tok, runBulk, map[string]any{"query": bulkCodesQuery})
	id := dig(run.Data, "bulkOperationRunQuery", "bulkOperation", "id").(string)
	op = waitBulk(t, e, tok, id)
	if err := e.sb.ExpireBulkOperations(testShop); err != nil {
		t.Fatal(err)
	}
	resp, err := e.client.Get(op["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	expired, _ := dig(e.gql(t, tok, pollBulk, map[string]any{"id": id}).Data, "bulkOperation").(map[string]any)
	if resp.StatusCode != http.StatusForbidden || expired["status"] != "EXPIRED" || expired["url"] != nil {
		t.Fatalf("expired operation: file %d, %v", resp.StatusCode, expired)
	}
}
