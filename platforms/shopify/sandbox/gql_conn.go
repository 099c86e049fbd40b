package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
)

// Relay connections as the Admin API pages them: at most 250 per page,
// opaque cursors (base64 JSON of the last id, as Shopify's are), edges
// with cursors, nodes, and pageInfo.

const maxPage = 250

// cursorFor is the opaque cursor of the item with id.
func cursorFor(id int64) string {
	b, _ := json.Marshal(map[string]any{"last_id": id, "last_value": fmt.Sprint(id)})
	return base64.StdEncoding.EncodeToString(b)
}

func cursorID(c string) (int64, error) {
	b, err := base64.StdEncoding.DecodeString(c)
	var v struct {
		LastID int64 `json:"last_id"`
	}
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	if err != nil || v.LastID == 0 {
		return 0, &fieldError{msg: "Invalid cursor for current pagination sort."}
	}
	return v.LastID, nil
}

// window picks the page of ids (in display order) that the arguments ask
// for.
func window(ids []int64, args map[string]any) (lo, hi int, err error) {
	first, hasFirst := intArg(args, "first")
	last, hasLast := intArg(args, "last")
	switch {
	case !hasFirst && !hasLast:
		return 0, 0, &fieldError{msg: "you must provide one of first or last"}
	case (hasFirst && (first < 0 || first > maxPage)) || (hasLast && (last < 0 || last > maxPage)):
		return 0, 0, &fieldError{msg: fmt.Sprintf("The first and last arguments must be between 0 and %d", maxPage)}
	}
	lo, hi = 0, len(ids)
	if c := strArg(args, "after"); c != "" {
		id, err := cursorID(c)
		if err != nil {
			return 0, 0, err
		}
		lo = position(ids, id) + 1
	}
	if c := strArg(args, "before"); c != "" {
		id, err := cursorID(c)
		if err != nil {
			return 0, 0, err
		}
		hi = min(hi, position(ids, id))
	}
	lo = min(lo, hi)
	if hasFirst {
		hi = min(hi, lo+first)
	}
	if hasLast {
		lo = max(lo, hi-last)
	}
	return lo, hi, nil
}

// position is the index of id in ids, or of where it was when it has been
// deleted since the cursor was handed out (ids ascend, or descend when
// reversed).
func position(ids []int64, id int64) int {
	if i := slices.Index(ids, id); i >= 0 {
		return i
	}
	asc := len(ids) < 2 || ids[0] < ids[len(ids)-1]
	for i, e := range ids {
		if (asc && e > id) || (!asc && e < id) {
			return i - 1
		}
	}
	return len(ids) - 1
}

// connection builds the page of a list of typ objects; node makes the
// object at index i of ids.
func connection(typ string, ids []int64, args map[string]any, node func(i int) *gobj) (*gobj, error) {
	if b, _ := args["reverse"].(bool); b {
		ids = slices.Clone(ids)
		slices.Reverse(ids)
		inner := node
		n := len(ids)
		node = func(i int) *gobj { return inner(n - 1 - i) }
	}
	lo, hi, err := window(ids, args)
	if err != nil {
		return nil, err
	}
	edges, nodes := []*gobj{}, []*gobj{}
	for i := lo; i < hi; i++ {
		n := node(i)
		nodes = append(nodes, n)
		edges = append(edges, &gobj{typ: typ + "Edge", wrapper: true,
			fields: map[string]any{"cursor": cursorFor(ids[i]), "node": n}})
	}
	info := map[string]any{"hasNextPage": hi < len(ids), "hasPreviousPage": lo > 0,
		"startCursor": nil, "endCursor": nil}
	if hi > lo {
		info["startCursor"], info["endCursor"] = cursorFor(ids[lo]), cursorFor(ids[hi-1])
	}
	return &gobj{typ: typ + "Connection", wrapper: true, conn: true, fields: map[string]any{
		"edges": edges, "nodes": nodes,
		"pageInfo": &gobj{typ: "PageInfo", wrapper: true, fields: info},
	}}, nil
}

// count is a Count object: exact up to limit (default 10,000), then
// AT_LEAST limit.
func count(n int, args map[string]any) *gobj {
	limit, ok := intArg(args, "limit")
	if _, given := args["limit"]; given && args["limit"] == nil {
		limit, ok = n, true
	}
	if !ok {
		limit = 10000
	}
	precision := "EXACT"
	if n > limit {
		n, precision = limit, "AT_LEAST"
	}
	return &gobj{typ: "Count", fields: map[string]any{"count": n, "precision": precision}}
}
