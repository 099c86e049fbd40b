package sandbox

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// Requests are read and checked by gqlparser against schema.graphql, the
// part of Shopify's Admin API schema the sandbox serves; refusals carry the
// messages and extensions.code values of Shopify's GraphQL server
// (graphql-ruby's static validation), e.g. {"message": "Field 'nickname'
// doesn't exist on type 'Shop'", "locations": [{"line": 1, "column": 16}],
// "extensions": {"code": "undefinedField", "typeName": "Shop",
// "fieldName": "nickname"}}.

//go:embed schema.graphql
var schemaSource string

var (
	schemaOnce   sync.Once
	adminSchema  *ast.Schema
	schemaErr    error
	requestRules *rules.Rules
)

// Schema returns the sandbox's Admin API schema.
func Schema() (*ast.Schema, error) {
	schemaOnce.Do(func() {
		adminSchema, schemaErr = gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: schemaSource})
		requestRules = rules.NewDefaultRules()
		for _, name := range []string{"FieldsOnCorrectType", "KnownArgumentNames", "ProvidedRequiredArguments"} {
			requestRules.RemoveRule(name)
		}
		requestRules.AddRule("ShopifyFieldsAndArguments", fieldsAndArguments)
		requestRules.AddRule("ShopifyGlobalIDs", globalIDLiterals)
	})
	return adminSchema, schemaErr
}

// ruleCodes are graphql-ruby's extensions.code for gqlparser's rules.
var ruleCodes = map[string]string{
	"FragmentsOnCompositeTypes":    "fragmentOnNonCompositeType",
	"KnownDirectives":              "undefinedDirective",
	"KnownFragmentNames":           "useAndDefineFragment",
	"KnownRootType":                "missingRootType",
	"KnownTypeNames":               "undefinedType",
	"LoneAnonymousOperation":       "anonymousOperation",
	"NoFragmentCycles":             "infiniteLoop",
	"NoUndefinedVariables":         "variableNotDefined",
	"NoUnusedFragments":            "useAndDefineFragment",
	"NoUnusedVariables":            "variableNotUsed",
	"OverlappingFieldsCanBeMerged": "fieldConflict",
	"PossibleFragmentSpreads":      "cannotSpreadFragment",
	"ScalarLeafs":                  "selectionMismatch",
	"UniqueArgumentNames":          "argumentNotUnique",
	"UniqueDirectivesPerLocation":  "directiveCannotBeApplied",
	"UniqueFragmentNames":          "fragmentNotUnique",
	"UniqueInputFieldNames":        "inputFieldNotUnique",
	"UniqueOperationNames":         "uniquelyNamedOperations",
	"UniqueVariableNames":          "variableNotUnique",
	"ValuesOfCorrectType":          "argumentLiteralsIncompatible",
	"VariablesAreInputTypes":       "variableRequiresValidType",
	"VariablesInAllowedPosition":   "variableMismatch",
}

// prepared is a request checked against the schema: the operation to run
// and its variables, coerced to their declared types.
type prepared struct {
	doc  *ast.QueryDocument
	op   *ast.OperationDefinition
	vars map[string]any
}

// prepare parses and validates a request as Shopify does before running
// anything; the errors are the response's "errors" when it is refused.
func prepare(req gqlRequest) (*prepared, []gqlError) {
	doc, errs := readDocument(req.Query)
	if errs != nil {
		return nil, errs
	}
	op, refusal := pickOperation(doc, req.OperationName)
	if op == nil {
		return nil, []gqlError{{Message: refusal, Extensions: map[string]any{"code": "PARSE_ERROR"}}}
	}
	vars, bad := coerceVariables(adminSchema, op, req.Variables)
	if bad != nil {
		return nil, []gqlError{*bad}
	}
	if refusal := checkSize(doc, op.SelectionSet); refusal != "" {
		return nil, []gqlError{{Message: refusal, Extensions: map[string]any{"code": "PARSE_ERROR"}}}
	}
	return &prepared{doc: doc, op: op, vars: vars}, nil
}

// readDocument parses query and validates it against the schema.
func readDocument(query string) (*ast.QueryDocument, []gqlError) {
	schema, err := Schema()
	if err != nil {
		return nil, []gqlError{{Message: "schema: " + err.Error(), Extensions: map[string]any{"code": "INTERNAL_SERVER_ERROR"}}}
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return nil, []gqlError{parseError(err)}
	}
	if errs := validator.ValidateWithRules(schema, doc, requestRules); len(errs) > 0 {
		out := make([]gqlError, len(errs))
		for i, e := range errs {
			out[i] = validationError(e)
		}
		return nil, out
	}
	return doc, nil
}

// CheckQuery returns Shopify's reasons for refusing query (a document read
// and validated against the schema, its variables aside), or nil when the
// sandbox, like Shopify, would run it.
func CheckQuery(query string) error {
	_, errs := readDocument(query)
	var out []error
	for _, e := range errs {
		out = append(out, fmt.Errorf("%s (%v at %v)", e.Message, e.Extensions["code"], e.Locations))
	}
	return errors.Join(out...)
}

func parseError(err error) gqlError {
	out := gqlError{Message: err.Error(), Extensions: map[string]any{"code": "PARSE_ERROR"}}
	var ge *gqlerror.Error
	if errors.As(err, &ge) {
		out.Message = "syntax error: " + ge.Message
		out.Locations = locations(ge.Locations)
	}
	return out
}

func validationError(e *gqlerror.Error) gqlError {
	out := gqlError{Message: e.Message, Locations: locations(e.Locations), Extensions: e.Extensions}
	if out.Extensions == nil {
		code := ruleCodes[e.Rule]
		if code == "" {
			code = "validationError"
		}
		out.Extensions = map[string]any{"code": code}
	}
	return out
}

func locations(ls []gqlerror.Location) []gqlLocation {
	out := make([]gqlLocation, len(ls))
	for i, l := range ls {
		out[i] = gqlLocation{Line: l.Line, Column: l.Column}
	}
	return out
}

// pickOperation is the operation named name, or the only one; nil and why
// when there is none to run.
func pickOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, string) {
	switch {
	case len(doc.Operations) == 0:
		return nil, "No operation in the document"
	case name == "" && len(doc.Operations) > 1:
		return nil, "An operation name is required"
	case name == "":
		return doc.Operations[0], ""
	}
	if op := doc.Operations.ForName(name); op != nil {
		return op, ""
	}
	return nil, fmt.Sprintf("No operation named %q", name)
}

const (
	maxDepth      = 40
	maxSelections = 20000
)

// checkSize bounds the selection tree with fragments expanded, so a
// fragment fanned out exponentially is refused before anything walks it;
// it says why, or "".
func checkSize(doc *ast.QueryDocument, sel ast.SelectionSet) string {
	budget := maxSelections
	var visit func(sel ast.SelectionSet, depth int) string
	visit = func(sel ast.SelectionSet, depth int) string {
		if depth > maxDepth {
			return "Query has selections nested too deep"
		}
		for _, s := range sel {
			if budget--; budget < 0 {
				return "Query has too many selections"
			}
			if why := visit(children(doc, s), depth+1); why != "" {
				return why
			}
		}
		return ""
	}
	return visit(sel, 0)
}

// children is the selection set under a field, inline fragment or spread.
func children(doc *ast.QueryDocument, s ast.Selection) ast.SelectionSet {
	switch t := s.(type) {
	case *ast.Field:
		return t.SelectionSet
	case *ast.InlineFragment:
		return t.SelectionSet
	case *ast.FragmentSpread:
		if f := doc.Fragments.ForName(t.Name); f != nil {
			return f.SelectionSet
		}
	}
	return nil
}

// typeCondition is the type a fragment applies to ("" for an inline
// fragment without one).
func typeCondition(doc *ast.QueryDocument, s ast.Selection) string {
	switch t := s.(type) {
	case *ast.InlineFragment:
		return t.TypeCondition
	case *ast.FragmentSpread:
		if f := doc.Fragments.ForName(t.Name); f != nil {
			return f.TypeCondition
		}
	}
	return ""
}
