package sandbox

import (
	"errors"
	"fmt"
)

// A small GraphQL document reader: enough to find the operation, its root
// fields, their arguments and selections, so the sandbox can answer the
// Admin API queries the app sends and price them the way Shopify does. It
// does not validate against a schema.

// gqlVar is a reference to an operation variable inside an argument value.
type gqlVar string

// gqlEnum is an enum literal such as ORDERS_PAID.
type gqlEnum string

// gqlField is one selected field.
type gqlField struct {
	Alias, Name string
	Args        map[string]any
	Sel         []*gqlSel
	Line, Col   int
}

// key is the field's name in the response.
func (f *gqlField) key() string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// gqlSel is a field or an inline fragment (On is its type condition).
type gqlSel struct {
	Field *gqlField
	On    string
	Sel   []*gqlSel
}

// gqlOp is the operation to run.
type gqlOp struct {
	Kind     string // query or mutation
	Name     string
	Defaults map[string]any
	Sel      []*gqlSel
}

type gqlFragment struct {
	On  string
	Sel []*gqlSel
}

// errSyntax marks a document the reader cannot understand.
var errSyntax = errors.New("syntax error")

const maxDepth = 40

type gqlParser struct {
	src       string
	pos       int
	line, col int
	tok       string // current token; "" at end
	kind      byte   // 'n' name, 'p' punctuator, 's' string, 'i' int, 'f' float
	tline     int
	tcol      int
	spreads   []*gqlSel
	fragments map[string]*gqlFragment
}

// parseGraphQL reads a document and returns the operation named opName (or
// the only one).
func parseGraphQL(src, opName string) (*gqlOp, error) {
	p := &gqlParser{src: src, line: 1, col: 1, fragments: map[string]*gqlFragment{}}
	if err := p.next(); err != nil {
		return nil, err
	}
	var ops []*gqlOp
	for p.kind != 0 {
		if p.kind == 'n' && p.tok == "fragment" {
			if err := p.fragment(); err != nil {
				return nil, err
			}
			continue
		}
		op, err := p.operation()
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	op, err := pickOperation(ops, opName)
	if err != nil {
		return nil, err
	}
	if err := p.expandSpreads(); err != nil {
		return nil, err
	}
	return op, checkSize(op.Sel)
}

func pickOperation(ops []*gqlOp, name string) (*gqlOp, error) {
	if len(ops) == 0 {
		return nil, fmt.Errorf("%w: no operation in document", errSyntax)
	}
	if name == "" {
		if len(ops) > 1 {
			return nil, fmt.Errorf("%w: operationName is required with several operations", errSyntax)
		}
		return ops[0], nil
	}
	for _, op := range ops {
		if op.Name == name {
			return op, nil
		}
	}
	return nil, fmt.Errorf("%w: no operation named %q", errSyntax, name)
}

func (p *gqlParser) errorf(format string, a ...any) error {
	return fmt.Errorf("%w: line %d column %d: %s", errSyntax, p.tline, p.tcol, fmt.Sprintf(format, a...))
}

func (p *gqlParser) operation() (*gqlOp, error) {
	op := &gqlOp{Kind: "query", Defaults: map[string]any{}}
	if p.kind == 'n' && (p.tok == "query" || p.tok == "mutation" || p.tok == "subscription") {
		op.Kind = p.tok
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.kind == 'n' {
			op.Name = p.tok
			if err := p.next(); err != nil {
				return nil, err
			}
		}
		if p.is("(") {
			if err := p.varDefs(op); err != nil {
				return nil, err
			}
		}
		if err := p.directives(); err != nil {
			return nil, err
		}
	}
	sel, err := p.selectionSet(0)
	op.Sel = sel
	return op, err
}

func (p *gqlParser) varDefs(op *gqlOp) error {
	if err := p.next(); err != nil {
		return err
	}
	for !p.is(")") {
		if err := p.expect("$"); err != nil {
			return err
		}
		name, err := p.name()
		if err != nil {
			return err
		}
		if err := p.expect(":"); err != nil {
			return err
		}
		if err := p.typeRef(0); err != nil {
			return err
		}
		if p.is("=") {
			if err := p.next(); err != nil {
				return err
			}
			v, err := p.value(0)
			if err != nil {
				return err
			}
			op.Defaults[name] = v
		}
		if err := p.directives(); err != nil {
			return err
		}
	}
	return p.next()
}

func (p *gqlParser) typeRef(depth int) error {
	if depth > maxDepth {
		return p.errorf("type nested too deep")
	}
	if p.is("[") {
		if err := p.next(); err != nil {
			return err
		}
		if err := p.typeRef(depth + 1); err != nil {
			return err
		}
		if err := p.expect("]"); err != nil {
			return err
		}
	} else if _, err := p.name(); err != nil {
		return err
	}
	if p.is("!") {
		return p.next()
	}
	return nil
}

func (p *gqlParser) fragment() error {
	if err := p.next(); err != nil {
		return err
	}
	name, err := p.name()
	if err != nil {
		return err
	}
	if p.tok != "on" || p.kind != 'n' {
		return p.errorf("expected \"on\"")
	}
	if err := p.next(); err != nil {
		return err
	}
	on, err := p.name()
	if err != nil {
		return err
	}
	if err := p.directives(); err != nil {
		return err
	}
	sel, err := p.selectionSet(0)
	if err != nil {
		return err
	}
	p.fragments[name] = &gqlFragment{On: on, Sel: sel}
	return nil
}

// expandSpreads replaces every named fragment spread by an inline fragment
// with the fragment's selections.
func (p *gqlParser) expandSpreads() error {
	for _, s := range p.spreads {
		f, ok := p.fragments[s.On]
		if !ok {
			return fmt.Errorf("%w: fragment %s is not defined", errSyntax, s.On)
		}
		s.On, s.Sel = f.On, f.Sel
	}
	return nil
}

// checkSize bounds the expanded selection tree, so fragments spread in a
// cycle or fanned out exponentially are refused before anything walks them.
func checkSize(sel []*gqlSel) error {
	budget := 20000
	var visit func(sel []*gqlSel, depth int) error
	visit = func(sel []*gqlSel, depth int) error {
		if depth > maxDepth {
			return fmt.Errorf("%w: selections nested too deep or fragments spread in a cycle", errSyntax)
		}
		for _, s := range sel {
			if budget--; budget < 0 {
				return fmt.Errorf("%w: too many selections", errSyntax)
			}
			if err := visit(s.Sel, depth+1); err != nil {
				return err
			}
			if s.Field != nil {
				if err := visit(s.Field.Sel, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return visit(sel, 0)
}

// is reports whether the current token is the punctuator s.
func (p *gqlParser) is(s string) bool { return p.kind == 'p' && p.tok == s }

func (p *gqlParser) expect(s string) error {
	if !p.is(s) {
		return p.errorf("expected %q, found %q", s, p.tok)
	}
	return p.next()
}

func (p *gqlParser) name() (string, error) {
	if p.kind != 'n' {
		return "", p.errorf("expected a name, found %q", p.tok)
	}
	n := p.tok
	return n, p.next()
}
