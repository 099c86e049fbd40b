package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// gobj is a GraphQL object the sandbox can answer: its type name and its
// fields. A field holds a plain value (string, number, bool, nil, []string),
// another *gobj, a []*gobj, or a resolver computed from the field's
// arguments. Connections, edges and pageInfo are wrappers: as in Shopify's
// cost rules they cost nothing themselves, the connection costs 2 plus its
// nodes.
type gobj struct {
	typ     string
	is      []string // unions and interfaces the type belongs to
	wrapper bool
	conn    bool
	fields  map[string]any
}

// resolver computes a field from its resolved arguments.
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

// exec walks a selection over the sandbox's objects, building the response
// data and its actual cost.
type exec struct {
	vars    map[string]any
	errs    []gqlError
	invalid bool // a field does not exist: the whole request is refused
}

// matches reports whether an inline fragment's type condition applies.
func (o *gobj) matches(on string) bool {
	if on == "" || on == o.typ {
		return true
	}
	for _, t := range o.is {
		if t == on {
			return true
		}
	}
	return false
}

// object projects sel onto o; cost is Shopify's: 1 per object, wrappers 0.
func (x *exec) object(o *gobj, sel []*gqlSel, path []any) (map[string]any, int) {
	out := map[string]any{}
	cost := 1
	if o.wrapper {
		cost = 0
	}
	x.selections(o, sel, path, out, &cost)
	return out, cost
}

func (x *exec) selections(o *gobj, sel []*gqlSel, path []any, out map[string]any, cost *int) {
	for _, s := range sel {
		if s.Field == nil {
			if o.matches(s.On) {
				x.selections(o, s.Sel, path, out, cost)
			}
			continue
		}
		f := s.Field
		v, c := x.field(o, f, append(path[:len(path):len(path)], f.key()))
		*cost += c
		if prev, ok := out[f.key()].(map[string]any); ok {
			if next, ok := v.(map[string]any); ok {
				for k, e := range next {
					prev[k] = e
				}
				continue
			}
		}
		out[f.key()] = v
	}
}

func (x *exec) field(o *gobj, f *gqlField, path []any) (any, int) {
	if f.Name == "__typename" {
		return o.typ, 0
	}
	v, ok := o.fields[f.Name]
	if !ok {
		x.invalid = true
		x.errs = append(x.errs, gqlError{
			Message:   fmt.Sprintf("Field '%s' doesn't exist on type '%s'", f.Name, o.typ),
			Locations: []gqlLocation{{f.Line, f.Col}},
			Path:      path,
			Extensions: map[string]any{"code": "undefinedField", "typeName": o.typ,
				"fieldName": f.Name},
		})
		return nil, 0
	}
	if r, ok := v.(resolver); ok {
		var err error
		if v, err = r(resolveArgs(f.Args, x.vars)); err != nil {
			e := gqlError{Message: err.Error(), Locations: []gqlLocation{{f.Line, f.Col}}, Path: path}
			var fe *fieldError
			if errors.As(err, &fe) {
				e.Extensions = fe.ext
				x.invalid = x.invalid || fe.invalid
			}
			x.errs = append(x.errs, e)
			return nil, 0
		}
	}
	return x.value(v, f, path)
}

func (x *exec) value(v any, f *gqlField, path []any) (any, int) {
	switch t := v.(type) {
	case *gobj:
		if t == nil {
			return nil, 0
		}
		if f.Sel == nil {
			return nil, 0
		}
		out, c := x.object(t, f.Sel, path)
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
func requestedCost(sel []*gqlSel, vars map[string]any) int {
	base, byType := 0, map[string]int{}
	for _, s := range sel {
		switch {
		case s.Field != nil:
			base += fieldCost(s.Field, vars)
		case s.On == "":
			base += requestedCost(s.Sel, vars)
		default:
			byType[s.On] += requestedCost(s.Sel, vars)
		}
	}
	most := 0
	for _, c := range byType {
		most = max(most, c)
	}
	return base + most
}

func fieldCost(f *gqlField, vars map[string]any) int {
	if f.Sel == nil {
		return 0
	}
	if n, ok := pageSize(resolveArgs(f.Args, vars)); ok {
		return 2 + n*nodeCost(f.Sel, vars)
	}
	switch f.Name {
	case "pageInfo":
		return 0
	case "edges":
		return requestedCost(f.Sel, vars)
	}
	return 1 + requestedCost(f.Sel, vars)
}

// nodeCost is the cost of one node of a connection, selected through
// edges { node } or nodes.
func nodeCost(sel []*gqlSel, vars map[string]any) int {
	most := 0
	for _, s := range sel {
		if s.Field == nil {
			continue
		}
		switch s.Field.Name {
		case "nodes":
			most = max(most, 1+requestedCost(s.Field.Sel, vars))
		case "edges":
			for _, e := range s.Field.Sel {
				if e.Field != nil && e.Field.Name == "node" {
					most = max(most, 1+requestedCost(e.Field.Sel, vars))
				}
			}
		}
	}
	return most
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
	}
	return 0, false
}

// strArg reads a string argument ("" when absent or null).
func strArg(args map[string]any, k string) string {
	s, _ := args[k].(string)
	return s
}
