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

	"github.com/vektah/gqlparser/v2/ast"
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
type fieldError struct {
	msg string
	ext map[string]any
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
	abort := s.takeAbort() // faults.go
	s.mu.Unlock()
	s.flush(false)
	if abort {
		panic(http.ErrAbortHandler)
	}
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
	p, errs := prepare(req)
	if errs != nil {
		return http.StatusOK, gqlResponse{Errors: errs}
	}
	return http.StatusOK, s.execute(sh, scope, p)
}

func (s *Sandbox) execute(sh *Shop, scope string, p *prepared) gqlResponse {
	x := &exec{doc: p.doc, schema: adminSchema, vars: p.vars}
	requested := x.requestedCost(p.op.SelectionSet)
	root := s.queryRoot(sh, scope)
	mutation := p.op.Operation == ast.Mutation
	if mutation {
		requested = 10 * x.countFields(p.op.SelectionSet)
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
	data, actual := x.object(root, p.op.SelectionSet, nil)
	if mutation {
		actual = requested
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

// countFields counts a mutation's root fields.
func (x *exec) countFields(sel ast.SelectionSet) int {
	n := 0
	for _, s := range sel {
		if _, ok := s.(*ast.Field); ok {
			n++
		} else {
			n += x.countFields(children(x.doc, s))
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
