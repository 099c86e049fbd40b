package sandbox

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/core"
)

// with sets an error's extensions: a code, then name/value pairs.
func with(code string, kv ...string) core.ErrorOption {
	return func(err *gqlerror.Error) {
		err.Extensions = map[string]any{"code": code}
		for i := 0; i+1 < len(kv); i += 2 {
			err.Extensions[kv[i]] = kv[i+1]
		}
	}
}

// fieldsAndArguments refuses unknown fields, unknown arguments and missing
// required arguments with Shopify's wording.
func fieldsAndArguments(observers *core.Events, addError core.AddErrFunc) {
	observers.OnField(func(_ *core.Walker, f *ast.Field) {
		if f.ObjectDefinition == nil || !f.ObjectDefinition.IsCompositeType() {
			return // selections on a scalar are ScalarLeafs' to refuse
		}
		if f.Definition == nil {
			addError(core.Message("Field '%s' doesn't exist on type '%s'", f.Name, f.ObjectDefinition.Name), core.At(f.Position),
				with("undefinedField", "typeName", f.ObjectDefinition.Name, "fieldName", f.Name))
			return
		}
		arguments(addError, "Field", f.Name, f.Position, f.Definition.Arguments, f.Arguments)
	})
	observers.OnDirective(func(_ *core.Walker, d *ast.Directive) {
		if d.Definition != nil {
			arguments(addError, "Directive", d.Name, d.Position, d.Definition.Arguments, d.Arguments)
		}
	})
}

func arguments(addError core.AddErrFunc, class, name string, pos *ast.Position, defs ast.ArgumentDefinitionList, args ast.ArgumentList) {
	for _, a := range args {
		if defs.ForName(a.Name) == nil {
			addError(core.Message("%s '%s' doesn't accept argument '%s'", class, name, a.Name), core.At(a.Position),
				with("argumentNotAccepted", "name", name, "typeName", class, "argumentName", a.Name))
		}
	}
	var missing []string
	for _, d := range defs {
		if d.Type.NonNull && d.DefaultValue == nil && args.ForName(d.Name) == nil {
			missing = append(missing, d.Name)
		}
	}
	if len(missing) > 0 {
		list := strings.Join(missing, ", ")
		addError(core.Message("%s '%s' is missing required arguments: %s", class, name, list), core.At(pos),
			with("missingRequiredArguments", "className", class, "name", name, "arguments", list))
	}
}

// globalID is the shape of an Admin API ID: gid://shopify/Type/123.
var globalID = regexp.MustCompile(`^gid://shopify/[A-Za-z][A-Za-z0-9]*/[^/\s]+$`)

// globalIDLiterals refuses an ID literal that is not a global ID, as
// Shopify's ID coercion does.
func globalIDLiterals(observers *core.Events, addError core.AddErrFunc) {
	observers.OnValue(func(_ *core.Walker, v *ast.Value) {
		if v.ExpectedType == nil || v.ExpectedType.NamedType != "ID" {
			return
		}
		if (v.Kind == ast.StringValue || v.Kind == ast.IntValue) && !globalID.MatchString(v.Raw) {
			addError(core.Message("Invalid global id '%s'", v.Raw), core.At(v.Position),
				with("argumentLiteralsIncompatible", "typeName", "CoercionError"))
		}
	})
}

// coerceVariables checks the request's variables against the operation's
// declarations, refusing a bad one as Shopify does: "Variable $first of
// type Int! was provided invalid value", with the problems found.
func coerceVariables(schema *ast.Schema, op *ast.OperationDefinition, given map[string]any) (map[string]any, *gqlError) {
	vars, err := validator.VariableValues(schema, op, given)
	if err != nil {
		var ge *gqlerror.Error
		if errors.As(err, &ge) && len(ge.Path) >= 2 {
			name := fmt.Sprint(ge.Path[1])
			return nil, invalidVariable(op, name, given[name], ge.Path[2:], explanation(ge.Message))
		}
		return nil, &gqlError{Message: err.Error(), Extensions: map[string]any{"code": "INVALID_VARIABLE"}}
	}
	for _, d := range op.VariableDefinitions {
		if d.Type.Name() != "ID" {
			continue
		}
		for _, id := range idValues(vars[d.Variable]) {
			if !globalID.MatchString(id) {
				return nil, invalidVariable(op, d.Variable, given[d.Variable], nil, fmt.Sprintf("Invalid global id '%s'", id))
			}
		}
	}
	return vars, nil
}

func idValues(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, idValues(e)...)
		}
		return out
	case []string:
		return t
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}

func invalidVariable(op *ast.OperationDefinition, name string, value any, path ast.Path, why string) *gqlError {
	typ, pos := "", (*ast.Position)(nil)
	if d := op.VariableDefinitions.ForName(name); d != nil {
		typ, pos = d.Type.String(), d.Position
	}
	msg := fmt.Sprintf("Variable $%s of type %s was provided invalid value", name, typ)
	problemPath := []any{}
	if len(path) > 0 {
		parts := make([]string, len(path))
		for i, p := range path {
			parts[i] = fmt.Sprint(p)
			problemPath = append(problemPath, p)
		}
		msg += fmt.Sprintf(" for %s (%s)", strings.Join(parts, "."), why)
	}
	e := &gqlError{Message: msg, Extensions: map[string]any{"code": "INVALID_VARIABLE", "value": value,
		"problems": []any{map[string]any{"path": problemPath, "explanation": why}}}}
	if pos != nil {
		e.Locations = []gqlLocation{{Line: pos.Line, Column: pos.Column}}
	}
	return e
}

// explanation words gqlparser's variable problems as Shopify does.
func explanation(msg string) string {
	switch {
	case msg == "cannot be null" || msg == "must be defined":
		return "Expected value to not be null"
	case msg == "unknown field":
		return "Field is not defined on the input type"
	case strings.HasPrefix(msg, "cannot use ") && strings.Contains(msg, " as "):
		return "Could not coerce value to " + msg[strings.LastIndex(msg, " as ")+4:]
	}
	return msg
}
