package sandbox

import (
	"encoding/json"
)

// selectionSet reads "{ ... }".
func (p *gqlParser) selectionSet(depth int) ([]*gqlSel, error) {
	if depth > maxDepth {
		return nil, p.errorf("selections nested too deep")
	}
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var out []*gqlSel
	for !p.is("}") {
		if p.kind == 0 {
			return nil, p.errorf("unterminated selection set")
		}
		s, err := p.selection(depth)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, p.errorf("empty selection set")
	}
	return out, p.next()
}

func (p *gqlParser) selection(depth int) (*gqlSel, error) {
	if p.is("...") {
		return p.fragmentSel(depth)
	}
	f := &gqlField{Line: p.tline, Col: p.tcol}
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	f.Name = name
	if p.is(":") {
		if err := p.next(); err != nil {
			return nil, err
		}
		f.Alias = name
		if f.Name, err = p.name(); err != nil {
			return nil, err
		}
	}
	if p.is("(") {
		if f.Args, err = p.arguments(depth); err != nil {
			return nil, err
		}
	}
	if err := p.directives(); err != nil {
		return nil, err
	}
	if p.is("{") {
		if f.Sel, err = p.selectionSet(depth + 1); err != nil {
			return nil, err
		}
	}
	return &gqlSel{Field: f}, nil
}

func (p *gqlParser) fragmentSel(depth int) (*gqlSel, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	s := &gqlSel{}
	if p.kind == 'n' && p.tok != "on" {
		// A named spread; filled in once every fragment is read.
		s.On = p.tok
		p.spreads = append(p.spreads, s)
		if err := p.next(); err != nil {
			return nil, err
		}
		return s, p.directives()
	}
	if p.kind == 'n' && p.tok == "on" {
		if err := p.next(); err != nil {
			return nil, err
		}
		on, err := p.name()
		if err != nil {
			return nil, err
		}
		s.On = on
	}
	if err := p.directives(); err != nil {
		return nil, err
	}
	sel, err := p.selectionSet(depth + 1)
	s.Sel = sel
	return s, err
}

// directives skips @name(args) annotations; the sandbox ignores them.
func (p *gqlParser) directives() error {
	for p.is("@") {
		if err := p.next(); err != nil {
			return err
		}
		if _, err := p.name(); err != nil {
			return err
		}
		if p.is("(") {
			if _, err := p.arguments(0); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *gqlParser) arguments(depth int) (map[string]any, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	args := map[string]any{}
	for !p.is(")") {
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if args[name], err = p.value(depth); err != nil {
			return nil, err
		}
	}
	return args, p.next()
}

// value reads a literal or a variable reference. Numbers stay json.Number
// so decimals are never rounded through floats.
func (p *gqlParser) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("value nested too deep")
	}
	tok, kind := p.tok, p.kind
	switch {
	case p.is("$"):
		if err := p.next(); err != nil {
			return nil, err
		}
		name, err := p.name()
		return gqlVar(name), err
	case p.is("["):
		return p.listValue(depth)
	case p.is("{"):
		return p.objectValue(depth)
	case kind == 'i' || kind == 'f':
		return json.Number(tok), p.next()
	case kind == 's':
		return tok, p.next()
	case kind == 'n':
		var v any = gqlEnum(tok)
		switch tok {
		case "true":
			v = true
		case "false":
			v = false
		case "null":
			v = nil
		}
		return v, p.next()
	}
	return nil, p.errorf("expected a value, found %q", tok)
}

func (p *gqlParser) listValue(depth int) (any, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	list := []any{}
	for !p.is("]") {
		if p.kind == 0 {
			return nil, p.errorf("unterminated list")
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, p.next()
}

func (p *gqlParser) objectValue(depth int) (any, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	obj := map[string]any{}
	for !p.is("}") {
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if obj[name], err = p.value(depth + 1); err != nil {
			return nil, err
		}
	}
	return obj, p.next()
}

// resolveValue replaces variable references by their values; enums become
// plain strings.
func resolveValue(v any, vars map[string]any) any {
	switch t := v.(type) {
	case gqlVar:
		return vars[string(t)]
	case gqlEnum:
		return string(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = resolveValue(e, vars)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = resolveValue(e, vars)
		}
		return out
	}
	return v
}

// resolveArgs resolves every argument of a field.
func resolveArgs(args map[string]any, vars map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		out[k] = resolveValue(v, vars)
	}
	return out
}
