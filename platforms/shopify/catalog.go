package shopify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"codecredit/platforms"
)

// Page sizes, chosen so that a page's requested cost stays under the
// 1,000 points a single query may ask for on every plan (a connection
// costs 2 + first × its node's cost): 25 discounts × (about 5 + 20 codes)
// ≈ 700 points, and a page of one discount's further codes 250 + a few.
// Throughput does not depend on them: the bucket is charged the actual
// cost, about 1 point a code plus 5 a discount, however the pages are cut.
const (
	discountsPerPage = 25
	codesPerDiscount = 20
	codesPerPage     = 250
)

var (
	queryDiscounts = `query CodeDiscounts($first: Int!, $after: String, $codesFirst: Int!) {
  codeDiscountNodes(first: $first, after: $after, sortKey: ID) {
    edges { cursor node { ` + discountSelection("first: $codesFirst") + ` } }
    pageInfo { hasNextPage endCursor }
  }
}`
	queryDiscountCodes = `query DiscountCodes($id: ID!, $codesFirst: Int!, $codesAfter: String) {
  codeDiscountNode(id: $id) { ` + discountSelection("first: $codesFirst, after: $codesAfter") + ` }
}`
	queryCodesCount = `query CodesCount { discountCodesCount(limit: null) { count } }`
)

// importCursor is where an import stands, at both levels: After is the
// discount-list cursor to continue from; Discount, when set, is a discount
// whose codes are being drained from Codes, then the Pending ones of the
// same list page, after which the list resumes at After (or ends, when
// Last). Encoded as base64url JSON.
type importCursor struct {
	After    string      `json:"a,omitempty"`
	Discount string      `json:"d,omitempty"`
	Codes    string      `json:"c,omitempty"`
	Pending  []drainFrom `json:"p,omitempty"`
	Last     bool        `json:"l,omitempty"`
}

// drainFrom is a discount with codes left to read after Codes.
type drainFrom struct {
	Discount string `json:"d"`
	Codes    string `json:"c"`
}

func (c importCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (importCursor, error) {
	var c importCursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, fmt.Errorf("shopify: import cursor %q: %w", s, err)
	}
	return c, nil
}

// ImportCodes fetches the page of codes after cursor. A page lists up to
// 25 discounts with their first 20 codes each; the discounts of that page
// with more codes are drained on the following pages (250 codes at a
// time) before the list goes on, so every code is fetched once and the
// cursor always resumes exactly where the last page ended. The first page
// carries the shop's total number of codes, when counting them works: the
// count only feeds the progress bar, so its failure (other than a throttle,
// waited out like any other) leaves Total unknown and the import goes on.
func (a *Adapter) ImportCodes(ctx context.Context, c *platforms.Conn, cursor string) (platforms.CodePage, error) {
	cur, err := decodeCursor(cursor)
	if err != nil {
		return platforms.CodePage{}, err
	}
	page := platforms.CodePage{Total: -1}
	if cursor == "" {
		var rl *platforms.RateLimitError
		if page.Total, err = a.countCodes(ctx, c); errors.As(err, &rl) {
			return platforms.CodePage{}, err
		} else if err != nil {
			page.Total = -1
		}
	}
	if cur.Discount != "" {
		err = a.drainPage(ctx, c, cur, &page)
	} else {
		err = a.listPage(ctx, c, cur, &page)
	}
	if err != nil {
		return platforms.CodePage{}, err
	}
	return page, nil
}

func (a *Adapter) countCodes(ctx context.Context, c *platforms.Conn) (int, error) {
	var data struct {
		Count struct {
			Count int `json:"count"`
		} `json:"discountCodesCount"`
	}
	if err := a.graphql(ctx, c, queryCodesCount, nil, &data); err != nil {
		return 0, err
	}
	return data.Count.Count, nil
}

// listPage reads discounts after cur.After with their first codes, and
// queues those that have more for draining.
func (a *Adapter) listPage(ctx context.Context, c *platforms.Conn, cur importCursor, page *platforms.CodePage) error {
	var data struct {
		Nodes struct {
			Edges []struct {
				Node codeDiscountNode `json:"node"`
			} `json:"edges"`
			PageInfo pageInfo `json:"pageInfo"`
		} `json:"codeDiscountNodes"`
	}
	vars := map[string]any{"first": discountsPerPage, "after": nullable(cur.After), "codesFirst": codesPerDiscount}
	if err := a.graphql(ctx, c, queryDiscounts, vars, &data); err != nil {
		return err
	}
	info := data.Nodes.PageInfo
	next := importCursor{After: info.EndCursor, Last: !info.HasNextPage || len(data.Nodes.Edges) == 0 || info.EndCursor == ""}
	for _, e := range data.Nodes.Edges {
		codes, err := e.Node.codes()
		if err != nil {
			return err
		}
		page.Codes = append(page.Codes, codes...)
		if d := e.Node.CodeDiscount; d != nil && d.Codes.PageInfo.HasNextPage && d.Codes.PageInfo.EndCursor != "" {
			next.Pending = append(next.Pending, drainFrom{Discount: e.Node.ID, Codes: d.Codes.PageInfo.EndCursor})
		}
	}
	page.Next = next.following()
	return nil
}

// drainPage reads the next codes of the discount the cursor is inside.
func (a *Adapter) drainPage(ctx context.Context, c *platforms.Conn, cur importCursor, page *platforms.CodePage) error {
	node, err := a.discountCodesPage(ctx, c, cur.Discount, cur.Codes)
	if err != nil {
		return err
	}
	if node != nil {
		if page.Codes, err = node.codes(); err != nil {
			return err
		}
		if d := node.CodeDiscount; d != nil && d.Codes.PageInfo.HasNextPage && d.Codes.PageInfo.EndCursor != "" {
			cur.Codes = d.Codes.PageInfo.EndCursor
			page.Next = cur.encode()
			return nil
		}
	}
	cur.Discount, cur.Codes = "", ""
	page.Next = cur.following()
	return nil
}

// following is the cursor once the current discount (if any) is drained:
// the next pending discount, else the list after After, else "" (done).
func (c importCursor) following() string {
	if len(c.Pending) > 0 {
		c.Discount, c.Codes, c.Pending = c.Pending[0].Discount, c.Pending[0].Codes, c.Pending[1:]
		return c.encode()
	}
	if c.Last {
		return ""
	}
	return importCursor{After: c.After}.encode()
}

// discountCodesPage reads one page of a discount's codes; nil when the
// discount no longer exists (or is not a code discount).
func (a *Adapter) discountCodesPage(ctx context.Context, c *platforms.Conn, discountID, after string) (*codeDiscountNode, error) {
	var data struct {
		Node *codeDiscountNode `json:"codeDiscountNode"`
	}
	vars := map[string]any{"id": discountID, "codesFirst": codesPerPage, "codesAfter": nullable(after)}
	if err := a.graphql(ctx, c, queryDiscountCodes, vars, &data); err != nil {
		return nil, err
	}
	return data.Node, nil
}

// DiscountCodes reads every code of one discount (for a discounts/create or
// discounts/update delivery, whose payload names the discount only). A
// discount that no longer exists has no codes.
func (a *Adapter) DiscountCodes(ctx context.Context, c *platforms.Conn, discountID string) ([]platforms.DiscountCode, error) {
	var out []platforms.DiscountCode
	after := ""
	for {
		node, err := a.discountCodesPage(ctx, c, discountID, after)
		if err != nil || node == nil {
			return out, err
		}
		codes, err := node.codes()
		if err != nil {
			return nil, err
		}
		out = append(out, codes...)
		d := node.CodeDiscount
		if d == nil || !d.Codes.PageInfo.HasNextPage || d.Codes.PageInfo.EndCursor == "" {
			return out, nil
		}
		after = d.Codes.PageInfo.EndCursor
	}
}

// nullable is nil for "" so GraphQL gets null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
