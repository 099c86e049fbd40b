package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// bulkOperationRunQuery starts a bulk query
// (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/bulkOperationRunQuery).
// A query Shopify would refuse to run, or one without a connection at its
// root, is a userError INVALID on "query"; a bulk query while another runs
// is OPERATION_IN_PROGRESS, naming the one running.
func (s *Sandbox) bulkOperationRunQuery(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		payload := map[string]any{"bulkOperation": nil, "userErrors": []*gobj{}}
		query := strArg(a, "query")
		if cur := currentBulk(sh); cur != nil && cur.running() {
			payload["userErrors"] = []*gobj{bulkUserError(nil, "OPERATION_IN_PROGRESS",
				fmt.Sprintf("A bulk query operation for this app and shop is already in progress: %s.", gid("BulkOperation", cur.ID)))}
			return &gobj{typ: "BulkOperationRunQueryPayload", fields: payload}, nil
		}
		p, errs := prepare(gqlRequest{Query: query})
		why := ""
		if errs != nil {
			why = errs[0].Message
		} else if p.op.Operation != ast.Query || !rootConnections(p.op.SelectionSet) {
			why = "Bulk queries must contain at least one connection."
		}
		if why != "" {
			payload["userErrors"] = []*gobj{bulkUserError([]string{"query"}, "INVALID", "Invalid bulk query: "+why)}
			return &gobj{typ: "BulkOperationRunQueryPayload", fields: payload}, nil
		}
		op := &bulkOp{ID: s.id(), query: query, status: BulkCreated, createdAt: s.now(), token: randomHex(16)}
		sh.bulkOps = append(sh.bulkOps, op)
		s.bulk.byToken[op.token] = op
		s.bulk.wg.Add(1)
		go s.runBulk(sh, op, p, scope, s.bulk.hold[sh], s.bulk.fail[sh])
		delete(s.bulk.fail, sh)
		payload["bulkOperation"] = s.bulkObject(sh, op)
		return &gobj{typ: "BulkOperationRunQueryPayload", fields: payload}, nil
	}
}

func bulkUserError(field []string, code, msg string) *gobj {
	return &gobj{typ: "BulkOperationUserError", fields: map[string]any{"field": field, "code": code, "message": msg}}
}

// rootConnections reports whether every root field is a connection.
func rootConnections(sel ast.SelectionSet) bool {
	n := 0
	for _, s := range sel {
		f, ok := s.(*ast.Field)
		if !ok || !isConnection(f) {
			return false
		}
		n++
	}
	return n > 0
}

func isConnection(f *ast.Field) bool {
	return f.Definition != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection")
}

// bulkQueries are the bulk operation fields of QueryRoot.
func (s *Sandbox) bulkQueries(sh *Shop, fields map[string]any) {
	fields["bulkOperation"] = resolver(func(a map[string]any) (any, error) {
		if op := findBulk(sh, strArg(a, "id")); op != nil {
			return s.bulkObject(sh, op), nil
		}
		return nil, nil
	})
	fields["currentBulkOperation"] = resolver(func(a map[string]any) (any, error) {
		if op := currentBulk(sh); op != nil && strArg(a, "type") != "MUTATION" {
			return s.bulkObject(sh, op), nil
		}
		return nil, nil
	})
}

// runBulk runs op in the background: held CREATED while hold is open,
// then RUNNING page by page (the lock taken per page, so the shop keeps
// answering), then COMPLETED, or FAILED with failWith or with the error
// the query ran into.
func (s *Sandbox) runBulk(sh *Shop, op *bulkOp, p *prepared, scope string, hold chan struct{}, failWith string) {
	defer s.bulk.wg.Done()
	if hold != nil {
		select {
		case <-hold:
		case <-s.ctx.Done():
			return
		}
	}
	s.mu.Lock()
	op.status = BulkRunning
	root := s.queryRoot(sh, scope)
	s.mu.Unlock()
	w := &bulkWalk{s: s, op: op, doc: p.doc, vars: p.vars}
	err := w.connections(root, p.op.SelectionSet, "")
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	op.completedAt, op.file = &now, w.out.Bytes()
	switch {
	case err != nil:
		op.status, op.errorCode = BulkFailed, "INTERNAL_SERVER_ERROR"
		var fe *fieldError
		if errors.As(err, &fe) && fe.ext["code"] == "ACCESS_DENIED" {
			op.errorCode = "ACCESS_DENIED"
		}
	case failWith != "":
		op.status, op.errorCode = BulkFailed, failWith
		half := bytes.LastIndexByte(op.file[:len(op.file)/2], '\n')
		op.file = op.file[:half+1]
	default:
		op.status = BulkCompleted
	}
}

// bulkWalk writes a bulk query's JSONL.
type bulkWalk struct {
	s    *Sandbox
	op   *bulkOp
	doc  *ast.QueryDocument
	vars map[string]any
	out  bytes.Buffer
}

// nested is a connection met inside a node, read after the node's page.
type nested struct {
	obj    *gobj
	field  *ast.Field
	parent string
}

// connections reads every root connection field of sel on obj.
func (w *bulkWalk) connections(obj *gobj, sel ast.SelectionSet, parent string) error {
	for _, s := range sel {
		if f, ok := s.(*ast.Field); ok {
			if err := w.connection(obj, f, parent); err != nil {
				return err
			}
		}
	}
	return nil
}

// connection pages through obj's connection field f, 250 nodes at a time:
// each page's nodes become lines, then the connections nested in them.
func (w *bulkWalk) connection(obj *gobj, f *ast.Field, parent string) error {
	r, ok := obj.fields[f.Name].(resolver)
	if !ok {
		return fmt.Errorf("field %s of %s is not a connection the sandbox pages", f.Name, obj.typ)
	}
	nodeSel := nodeSelection(f.SelectionSet)
	for after := ""; ; {
		lines, inner, next, err := w.page(r, f, nodeSel, parent, after)
		if err != nil {
			return err
		}
		w.s.mu.Lock()
		w.out.Write(lines)
		w.op.objects += bytes.Count(lines, []byte("\n"))
		if parent == "" {
			w.op.roots += bytes.Count(lines, []byte("\n"))
		}
		w.s.mu.Unlock()
		for _, n := range inner {
			if err := w.connection(n.obj, n.field, n.parent); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		after = next
	}
}

// page reads one page of a connection under the lock: its nodes' lines,
// the connections nested in them, and the cursor after it ("" at the end).
func (w *bulkWalk) page(r resolver, f *ast.Field, nodeSel ast.SelectionSet, parent, after string) ([]byte, []nested, string, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	args := argValues(f, w.vars)
	args["first"], args["after"] = maxPage, nil
	if after != "" {
		args["after"] = after
	}
	v, err := r(args)
	if err != nil {
		return nil, nil, "", err
	}
	conn := v.(*gobj)
	var lines bytes.Buffer
	x := &exec{doc: w.doc, schema: adminSchema, vars: w.vars, bulk: &bulkDefer{}}
	for _, n := range conn.fields["nodes"].([]*gobj) {
		id, _ := n.fields["id"].(string)
		x.bulk.parent = id
		line, _ := x.object(n, nodeSel, nil)
		if parent != "" {
			line["__parentId"] = parent
		}
		b, err := json.Marshal(line)
		if err != nil {
			return nil, nil, "", err
		}
		lines.Write(append(b, '\n'))
	}
	if len(x.errs) > 0 {
		return nil, nil, "", errors.New(x.errs[0].Message)
	}
	next := ""
	if info := conn.fields["pageInfo"].(*gobj).fields; info["hasNextPage"] == true {
		next, _ = info["endCursor"].(string)
	}
	return lines.Bytes(), x.bulk.found, next, nil
}

// nodeSelection is what a connection selects of each node, through
// edges { node { ... } } and nodes { ... } together.
func nodeSelection(sel ast.SelectionSet) ast.SelectionSet {
	var out ast.SelectionSet
	for _, n := range nodeSelections(sel) {
		out = append(out, n...)
	}
	return out
}

// bulkDefer collects, while a node is projected for a bulk query, the
// connections inside it, which become lines of their own.
type bulkDefer struct {
	parent string // the id of the node being projected
	found  []nested
}

// deferred marks a connection left out of its node's line.
type deferred struct{}
