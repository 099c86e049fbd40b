package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
)

// gobj is a GraphQL object the sandbox can answer: its type name and its
// fields. A field holds a plain value (string, number, bool, nil, []string),
// another *gobj, a []*gobj, or a resolver computed from the field's
// arguments. Connections, edges and pageInfo are wrappers: as in Shopify's
// cost rules they cost nothing themselves, the connection costs 2 plus its
// nodes. Which unions and interfaces a type belongs to is the schema's.
type gobj struct {
	typ     string
	wrapper bool
	conn    bool
	fields  map[string]any
}

// resolver computes a field from its arguments.
type resolver func(args map[string]any) (any, error)

// gqlError is one entry of a response's "errors".
type gqlError struct {
	Message    string         `json:"message"`
	Locations  []gqlLocation  `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type gqlLocation struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// exec walks a validated operation over the sandbox's objects, building
// the response data and its actual cost.
type exec struct {
	doc    *ast.QueryDocument
	schema *ast.Schema
	vars   map[string]any
	errs   []gqlError
	bulk   *bulkDefer // set while writing a bulk query's lines
}

// matches reports whether a fragment's type condition applies to o.
func (x *exec) matches(o *gobj, on string) bool {
	if on == "" || on == o.typ {
		return true
	}
	for _, t := range x.schema.GetPossibleTypes(x.schema.Types[on]) {
		if t.Name == o.typ {
			return true
		}
	}
	return false
}

// object projects sel onto o; cost is Shopify's: 1 per object, wrappers 0.
func (x *exec) object(o *gobj, sel ast.SelectionSet, path []any) (map[string]any, int) {
	out := map[string]any{}
	cost := 1
	if o.wrapper {
		cost = 0
	}
	x.selections(o, sel, path, out, &cost)
	return out, cost
}

func (x *exec) selections(o *gobj, sel ast.SelectionSet, path []any, out map[string]any, cost *int) {
	for _, s := range sel {
		if skipped(s, x.vars) {
			continue
		}
		f, ok := s.(*ast.Field)
		if !ok {
			if x.matches(o, typeCondition(x.doc, s)) {
				x.selections(o, children(x.doc, s), path, out, cost)
			}
			continue
		}
		v, c := x.field(o, f, append(path[:len(path):len(path)], f.Alias))
		if _, later := v.(deferred); later {
			continue
		}
		*cost += c
		if prev, ok := out[f.Alias].(map[string]any); ok {
			if next, ok := v.(map[string]any); ok {
				for k, e := range next {
					prev[k] = e
				}
				continue
			}
		}
		out[f.Alias] = v
	}
}

func (x *exec) field(o *gobj, f *ast.Field, path []any) (any, int) {
	if f.Name == "__typename" {
		return o.typ, 0
	}
	if x.bulk != nil && isConnection(f) {
		x.bulk.found = append(x.bulk.found, nested{obj: o, field: f, parent: x.bulk.parent})
		return deferred{}, 0
	}
	v, ok := o.fields[f.Name]
	if !ok {
		x.errs = append(x.errs, gqlError{
			Message:    fmt.Sprintf("Field '%s' on type '%s' is not answered by the sandbox", f.Name, o.typ),
			Locations:  []gqlLocation{{f.Position.Line, f.Position.Column}},
			Path:       path,
			Extensions: map[string]any{"code": "INTERNAL_SERVER_ERROR"},
		})
		return nil, 0
	}
	if r, ok := v.(resolver); ok {
		var err error
		if v, err = r(argValues(f, x.vars)); err != nil {
			e := gqlError{Message: err.Error(), Locations: []gqlLocation{{f.Position.Line, f.Position.Column}}, Path: path}
			var fe *fieldError
			if errors.As(err, &fe) {
				e.Extensions = fe.ext
			}
			x.errs = append(x.errs, e)
			return nil, 0
		}
	}
	return x.value(v, f, path)
}

func (x *exec) value(v any, f *ast.Field, path []any) (any, int) {
	switch t := v.(type) {
	case *gobj:
		if t == nil || f.SelectionSet == nil {
			return nil, 0
		}
		out, c := x.object(t, f.SelectionSet, path)
		if t.conn {
			c += 2
		}
		return out, c
	case []*gobj:
		list := make([]any, len(t))
		cost := 0
		for i, e := range t {
			var c int
			list[i], c = x.value(e, f, append(path[:len(path):len(path)], i))
			cost += c
		}
		return list, cost
	}
	return v, 0
}

// requestedCost prices a selection before running it, as Shopify does: a
// connection costs 2 plus its page size times the cost of one node, an
// object 1, a scalar 0, a union the most expensive of its fragments.
func (x *exec) requestedCost(sel ast.SelectionSet) int {
	base, byType := 0, map[string]int{}
	for _, s := range sel {
		if f, ok := s.(*ast.Field); ok {
			base += x.fieldCost(f)
		} else if on := typeCondition(x.doc, s); on == "" {
			base += x.requestedCost(children(x.doc, s))
		} else {
			byType[on] += x.requestedCost(children(x.doc, s))
		}
	}
	most := 0
	for _, c := range byType {
		most = max(most, c)
	}
	return base + most
}

func (x *exec) fieldCost(f *ast.Field) int {
	if f.SelectionSet == nil {
		return 0
	}
	if n, ok := pageSize(argValues(f, x.vars)); ok {
		return 2 + n*x.nodeCost(f.SelectionSet)
	}
	switch f.Name {
	case "pageInfo":
		return 0
	case "edges":
		return x.requestedCost(f.SelectionSet)
	}
	return 1 + x.requestedCost(f.SelectionSet)
}

// nodeCost is the cost of one node of a connection, selected through
// edges { node } or nodes.
func (x *exec) nodeCost(sel ast.SelectionSet) int {
	most := 0
	for _, n := range nodeSelections(sel) {
		most = max(most, 1+x.requestedCost(n))
	}
	return most
}

// nodeSelections are what a connection's selection selects of its nodes:
// under nodes, and under edges { node }.
func nodeSelections(sel ast.SelectionSet) []ast.SelectionSet {
	var out []ast.SelectionSet
	for _, s := range sel {
		f, ok := s.(*ast.Field)
		if !ok {
			continue
		}
		switch f.Name {
		case "nodes":
			out = append(out, f.SelectionSet)
		case "edges":
			for _, e := range f.SelectionSet {
				if n, ok := e.(*ast.Field); ok && n.Name == "node" {
					out = append(out, n.SelectionSet)
				}
			}
		}
	}
	return out
}

// pageSize reads first or last from a connection's arguments.
func pageSize(args map[string]any) (int, bool) {
	for _, k := range []string{"first", "last"} {
		if n, ok := intArg(args, k); ok {
			return n, true
		}
	}
	return 0, false
}

// intArg reads an integer argument.
func intArg(args map[string]any, k string) (int, bool) {
	switch v := args[k].(type) {
	case json.Number:
		n, err := strconv.Atoi(string(v))
		return n, err == nil
	case float64:
		return int(v), true
	case int:
		return v, true
	case int64:
		return int(v), true
	}
	return 0, false
}

// strArg reads a string argument ("" when absent or null).
func strArg(args map[string]any, k string) string {
	s, _ := args[k].(string)
	return s
}
