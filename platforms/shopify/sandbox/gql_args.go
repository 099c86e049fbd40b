package sandbox

import (
	"encoding/json"

	"github.com/vektah/gqlparser/v2/ast"
)

// argValues are a field's arguments with variables filled in and the
// schema's defaults for those not given. Numbers stay json.Number so
// decimals are never rounded through floats; enums are plain strings.
func argValues(f *ast.Field, vars map[string]any) map[string]any {
	out := map[string]any{}
	if f.Definition != nil {
		for _, d := range f.Definition.Arguments {
			if d.DefaultValue != nil {
				out[d.Name] = literal(d.DefaultValue, nil)
			}
		}
	}
	for _, a := range f.Arguments {
		if a.Value.Kind == ast.Variable {
			if v, ok := vars[a.Value.Raw]; ok {
				out[a.Name] = v
			}
			continue
		}
		out[a.Name] = literal(a.Value, vars)
	}
	return out
}

// literal is the Go value of a GraphQL value.
func literal(v *ast.Value, vars map[string]any) any {
	switch v.Kind {
	case ast.Variable:
		return vars[v.Raw]
	case ast.IntValue, ast.FloatValue:
		return json.Number(v.Raw)
	case ast.BooleanValue:
		return v.Raw == "true"
	case ast.NullValue:
		return nil
	case ast.ListValue:
		list := make([]any, len(v.Children))
		for i, c := range v.Children {
			list[i] = literal(c.Value, vars)
		}
		return list
	case ast.ObjectValue:
		obj := make(map[string]any, len(v.Children))
		for _, c := range v.Children {
			obj[c.Name] = literal(c.Value, vars)
		}
		return obj
	}
	return v.Raw // strings, block strings and enums
}

// skipped reports a selection left out by @skip(if: true) or
// @include(if: false).
func skipped(s ast.Selection, vars map[string]any) bool {
	var dirs ast.DirectiveList
	switch t := s.(type) {
	case *ast.Field:
		dirs = t.Directives
	case *ast.InlineFragment:
		dirs = t.Directives
	case *ast.FragmentSpread:
		dirs = t.Directives
	}
	for _, d := range dirs {
		a := d.Arguments.ForName("if")
		if a == nil {
			continue
		}
		cond, _ := literal(a.Value, vars).(bool)
		if (d.Name == "skip" && cond) || (d.Name == "include" && !cond) {
			return true
		}
	}
	return false
}
