package emailtmpl

import (
	"fmt"
	"slices"
	"text/template/parse"
)

// A merchant's template runs in our process, so it is held to what an
// email needs, and nothing that could run for long or allocate without
// bound: no {{define}}, {{template}} or {{block}}; no {{range}} inside
// another (the data has no nested lists), each over a field of the data
// (not a number, a variable or a function's result); and only the
// functions in allowedFuncs (no printf, whose widths allocate before any
// output limit applies).
const maxRangeDepth = 1

var allowedFuncs = []string{"and", "or", "not", "len", "index", "eq", "ne", "lt", "le", "gt", "ge", "html", "urlquery"}

// checkTree applies the limits to a parsed template.
func checkTree(name string, tree *parse.Tree, templates int) error {
	if templates > 1 {
		return fmt.Errorf("{{define}} and {{block}} are not allowed")
	}
	if tree == nil || tree.Root == nil {
		return nil
	}
	return checkNode(name, tree.Root, 0)
}

func checkNode(name string, n parse.Node, ranges int) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := checkNode(name, c, ranges); err != nil {
				return err
			}
		}
	case *parse.TemplateNode:
		return fmt.Errorf("{{template}} is not allowed")
	case *parse.ActionNode:
		return checkPipe(name, n.Pipe, ranges)
	case *parse.IfNode:
		return checkBranch(name, &n.BranchNode, ranges)
	case *parse.WithNode:
		return checkBranch(name, &n.BranchNode, ranges)
	case *parse.RangeNode:
		if ranges+1 > maxRangeDepth {
			return fmt.Errorf("a {{range}} inside another is not allowed")
		}
		if !rangesOverData(n.Pipe) {
			return fmt.Errorf("{{range}} must go over a list of the email's data, such as .Codes")
		}
		return checkBranch(name, &n.BranchNode, ranges+1)
	}
	return nil
}

func checkBranch(name string, b *parse.BranchNode, ranges int) error {
	if err := checkPipe(name, b.Pipe, ranges); err != nil {
		return err
	}
	if err := checkNode(name, b.List, ranges); err != nil {
		return err
	}
	if b.ElseList != nil {
		return checkNode(name, b.ElseList, ranges)
	}
	return nil
}

// checkPipe allows only the listed functions in a pipeline.
func checkPipe(name string, p *parse.PipeNode, ranges int) error {
	if p == nil {
		return nil
	}
	for _, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			switch a := arg.(type) {
			case *parse.IdentifierNode:
				if !slices.Contains(allowedFuncs, a.Ident) {
					return fmt.Errorf("the function %q is not allowed", a.Ident)
				}
			case *parse.PipeNode:
				if err := checkPipe(name, a, ranges); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// rangesOverData reports whether a range's pipeline is a single field of
// the data: .Codes or $.Lines.
func rangesOverData(p *parse.PipeNode) bool {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		return true
	case *parse.VariableNode:
		return len(a.Ident) > 1 && a.Ident[0] == "$"
	}
	return false
}
