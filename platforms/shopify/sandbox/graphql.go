package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strings"
)

// The GraphQL Admin API endpoint, priced and throttled as Shopify documents
// at https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits:
// the requested cost must be available in the shop's bucket or the answer
// is 200 with a THROTTLED error and no data; after running, the difference
// between requested and actual cost is given back. Every answer reports
// extensions.cost.

// maxQueryCost is Shopify's limit on the cost of a single query.
const maxQueryCost = 1000

// gqlRequest is a GraphQL call.
type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

type gqlResponse struct {
	Data       map[string]any `json:"data,omitempty"`
	Errors     []gqlError     `json:"errors,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// fieldError is a resolver's refusal, with Shopify's error extensions.
// An invalid one (a missing required argument) refuses the whole request,
// as Shopify's validation does.
type fieldError struct {
	msg     string
	ext     map[string]any
	invalid bool
}

// missingArgs is Shopify's validation error for required arguments.
func missingArgs(field string, names ...string) error {
	return &fieldError{msg: fmt.Sprintf("Field '%s' is missing required arguments: %s", field, strings.Join(names, ", ")),
		ext: map[string]any{"code": "missingRequiredArguments", "className": "Field", "name": field,
			"arguments": strings.Join(names, ", ")}, invalid: true}
}

func (e *fieldError) Error() string { return e.msg }

func (s *Sandbox) graphql(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Shopify-API-Version", APIVersion)
	req, err := readGraphQL(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": err.Error()})
		return
	}
	s.mu.Lock()
	status, resp := s.runGraphQL(r, req)
	s.mu.Unlock()
	s.flush(false)
	writeJSON(w, status, resp)
}

func readGraphQL(r *http.Request) (gqlRequest, error) {
	var req gqlRequest
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return req, err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/graphql" {
		req.Query = string(body)
		return req, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return req, fmt.Errorf("body is not a GraphQL request: %v", err)
	}
	return req, nil
}

func (s *Sandbox) runGraphQL(r *http.Request, req gqlRequest) (int, any) {
	sh := s.shopFor(r)
	if sh == nil {
		return http.StatusNotFound, map[string]any{"errors": "Not Found"}
	}
	scope, ok := s.validToken(sh, r.Header.Get("X-Shopify-Access-Token"))
	if !ok {
		return http.StatusUnauthorized, map[string]any{"errors": invalidToken}
	}
	op, err := parseGraphQL(req.Query, req.OperationName)
	if err != nil {
		return http.StatusOK, gqlResponse{Errors: []gqlError{{Message: err.Error(),
			Extensions: map[string]any{"code": "PARSE_ERROR"}}}}
	}
	vars := map[string]any{}
	for k, v := range op.Defaults {
		vars[k] = resolveValue(v, nil)
	}
	for k, v := range req.Variables {
		vars[k] = v
	}
	return http.StatusOK, s.execute(sh, scope, op, vars)
}

func (s *Sandbox) execute(sh *Shop, scope string, op *gqlOp, vars map[string]any) gqlResponse {
	requested := requestedCost(op.Sel, vars)
	root := s.queryRoot(sh, scope)
	if op.Kind == "mutation" {
		requested = 10 * countFields(op.Sel)
		root = s.mutationRoot(sh, scope)
	}
	b, capacity := &sh.gqlBucket, s.opts.GraphQLBucket
	b.refill(s.now(), capacity, s.opts.GraphQLRestoreRate)
	if limit := min(maxQueryCost, int(capacity)); requested > limit {
		return gqlResponse{Errors: []gqlError{{Message: fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (%d).\n\n"+
			"See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"+
			"cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\n", requested, limit),
			Extensions: map[string]any{"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": limit}}},
			Extensions: s.costExtension(sh, requested, nil)}
	}
	if float64(requested) > b.available {
		sh.gqlUsage.Throttled++
		return gqlResponse{Errors: []gqlError{{Message: "Throttled",
			Extensions: map[string]any{"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}},
			Extensions: s.costExtension(sh, requested, nil)}
	}
	b.available -= float64(requested)
	x := &exec{vars: vars}
	data, actual := x.object(root, op.Sel, nil)
	if op.Kind == "mutation" {
		actual = requested
	}
	if x.invalid {
		b.available += float64(requested)
		return gqlResponse{Errors: x.errs}
	}
	actual = min(actual, requested)
	b.available += float64(requested - actual)
	sh.gqlUsage.charge(s.now(), requested, actual)
	return gqlResponse{Data: data, Errors: x.errs, Extensions: s.costExtension(sh, requested, &actual)}
}

func (s *Sandbox) costExtension(sh *Shop, requested int, actual *int) map[string]any {
	return map[string]any{"cost": map[string]any{
		"requestedQueryCost": requested,
		"actualQueryCost":    actual,
		"throttleStatus": map[string]any{
			"maximumAvailable":   s.opts.GraphQLBucket,
			"currentlyAvailable": math.Floor(sh.gqlBucket.available),
			"restoreRate":        s.opts.GraphQLRestoreRate,
		},
	}}
}

func countFields(sel []*gqlSel) int {
	n := 0
	for _, s := range sel {
		if s.Field != nil {
			n++
		} else {
			n += countFields(s.Sel)
		}
	}
	return n
}

// needScope refuses a field when the token lacks scope (write_x implies
// read_x), with Shopify's ACCESS_DENIED error.
func needScope(granted, field, scope string) error {
	for _, g := range splitScopes(granted) {
		if g == scope || (len(scope) > 5 && scope[:5] == "read_" && g == "write_"+scope[5:]) {
			return nil
		}
	}
	return &fieldError{msg: fmt.Sprintf("Access denied for %s field. Required access: `%s` access scope.", field, scope),
		ext: map[string]any{"code": "ACCESS_DENIED", "documentation": "https://shopify.dev/api/usage/access-scopes",
			"requiredAccess": fmt.Sprintf("`%s` access scope.", scope)}}
}

func splitScopes(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
