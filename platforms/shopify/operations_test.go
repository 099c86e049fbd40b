package shopify

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"codecredit/platforms/shopify/sandbox"
)

// Every GraphQL operation the adapter sends is one Shopify would run: each
// validates against the sandbox's copy of Shopify's Admin API schema, and
// every package-level query… or mutation… string of the adapter is among
// those checked.
func TestAdapterOperationsValidate(t *testing.T) {
	ops := map[string]string{
		"queryDiscounts":          queryDiscounts,
		"queryDiscountCodes":      queryDiscountCodes,
		"queryCodesCount":         queryCodesCount,
		"mutationCreateCode":      mutationCreateCode,
		"mutationDeactivateCode":  mutationDeactivateCode,
		"queryWebhooks":           queryWebhooks,
		"mutationSubscribe":       mutationSubscribe,
		"queryShop":               queryShop,
		"queryBulkCodes":          queryBulkCodes,
		"mutationBulkRun":         mutationBulkRun,
		"queryBulkOperation":      queryBulkOperation,
		"queryCurrentBulk":        queryCurrentBulk,
		"queryCollections":        queryCollections,
		"queryProducts":           queryProducts,
		"queryProductCollections": queryProductCollections,
		"queryContract":           queryContract,
		"queryRenewedContract":    queryRenewedContract,
		"queryCustomerByEmail":    queryCustomerByEmail,
		"mutationStoreCredit":     mutationStoreCredit,
		"queryStoreCredits":       queryStoreCredits,
	}
	for _, name := range declaredOperations(t) {
		if _, ok := ops[name]; !ok {
			t.Errorf("%s is sent to Shopify but not checked here; add it to ops", name)
		}
	}
	for name, q := range ops {
		if err := sandbox.CheckQuery(q); err != nil {
			t.Errorf("%s would be refused: %v\n%s", name, err, q)
		}
	}
}

// declaredOperations lists the package-level variables and constants named
// query… or mutation… in the adapter's source.
func declaredOperations(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, p := range files {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || (g.Tok != token.VAR && g.Tok != token.CONST) {
				continue
			}
			for _, s := range g.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if strings.HasPrefix(n.Name, "query") || strings.HasPrefix(n.Name, "mutation") {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("found no operations in the adapter's source")
	}
	return names
}
