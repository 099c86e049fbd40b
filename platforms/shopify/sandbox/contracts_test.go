package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// The control API runs a contract's life: created after its first order,
// renewed by an order from "subscription_contract", changed, paused and
// cancelled, each change one delivery in the documented shape.
func TestContractLifeOverControlAPI(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, func(o *Options) {
		o.AppURL = rc.srv.URL
		o.AppTopics = append([]string{"orders/paid"}, contractTopics...)
	})
	shop := "/shops/" + testShop + "/contracts"
	status, out := e.control(t, "POST", shop, ContractSpec{Email: "dana@example.com", Interval: "week", IntervalCount: 2,
		Lines: []ContractLine{{Title: "Beans", Price: "18.00", Quantity: 2, Discount: "3.60"}}})
	cid, _ := out["contract_id"].(float64)
	if status != 201 || cid == 0 {
		t.Fatalf("create: %d %v", status, out)
	}
	id := strconv.FormatInt(int64(cid), 10)
	steps := []struct{ method, path, body string }{
		{"POST", "/" + id + "/renew", `{}`},
		{"PUT", "/" + id, `{"lines":[{"title":"Beans","price":"18.00","quantity":3}],"interval":"MONTH","interval_count":1}`},
		{"POST", "/" + id + "/status", `{"status":"PAUSED"}`},
		{"POST", "/" + id + "/status", `{"status":"CANCELLED"}`},
	}
	for _, s := range steps {
		if status, out := e.control(t, s.method, shop+s.path, json.RawMessage(s.body)); status >= 300 {
			t.Fatalf("%s %s: %d %v", s.method, s.path, status, out)
		}
	}
	if status, _ := e.control(t, "POST", shop+"/"+id+"/status", map[string]string{"status": "ACTIVE"}); status < 400 {
		t.Fatal("a cancelled contract was activated again")
	}
	e.sb.Wait()
	want := "orders/paid subscription_contracts/create orders/paid subscription_contracts/update subscription_contracts/pause subscription_contracts/cancel"
	if got := strings.Join(rc.topics(), " "); got != want {
		t.Fatalf("app received %q\nwant %q", got, want)
	}
	var created, cancelled ContractPayload
	all := rc.all()
	_ = json.Unmarshal(all[1].Body, &created)
	_ = json.Unmarshal(all[5].Body, &cancelled)
	if created.AdminGraphqlAPIID != "gid://shopify/SubscriptionContract/"+id || created.Status != "active" ||
		created.BillingPolicy.Interval != "week" || created.BillingPolicy.IntervalCount != 2 || created.RevisionID != "1" ||
		created.CurrencyCode != "USD" || created.OriginOrderID == 0 || created.CustomerID == 0 {
		t.Fatalf("create payload %s", all[1].Body)
	}
	if cancelled.Status != "cancelled" || cancelled.BillingPolicy.Interval != "month" || cancelled.RevisionID != "4" {
		t.Fatalf("cancel payload %s", all[5].Body)
	}
	if !strings.Contains(string(all[2].Body), `"source_name":"subscription_contract"`) {
		t.Fatalf("renewal order %s", all[2].Body)
	}
}

// subscriptionContract answers with the lines and their prices, and only
// to a token granted ContractScope.
func TestContractQuery(t *testing.T) {
	e := newEnv(t, nil)
	id, err := e.sb.CreateContract(testShop, ContractSpec{Lines: []ContractLine{
		{Title: "Beans", Price: "18.00", Quantity: 2, Discount: "3.60"}, {Title: "Filters", Price: "9.99", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	q := `query($id: ID!) { subscriptionContract(id: $id) { status currencyCode billingPolicy { interval intervalCount }
	  lines(first: 1) { nodes { quantity currentPrice { amount } lineDiscountedPrice { amount } } pageInfo { hasNextPage } } } }`
	vars := map[string]any{"id": "gid://shopify/SubscriptionContract/" + strconv.FormatInt(id, 10)}
	denied := e.gql(t, e.token(t), q, vars)
	if len(denied.Errors) != 1 || denied.Errors[0].Extensions["code"] != "ACCESS_DENIED" {
		t.Fatalf("without the scope: %s", denied.Raw)
	}
	tok := e.grantCode(t, "read_orders,"+ContractScope, false).AccessToken
	r := e.gql(t, tok, q, vars)
	c := dig(r.Data, "subscriptionContract")
	if len(r.Errors) > 0 || dig(c, "status") != "ACTIVE" || dig(c, "billingPolicy", "interval") != "MONTH" ||
		dig(c, "lines", "nodes", 0, "currentPrice", "amount") != "18.00" ||
		dig(c, "lines", "nodes", 0, "lineDiscountedPrice", "amount") != "32.40" ||
		dig(c, "lines", "pageInfo", "hasNextPage") != true {
		t.Fatalf("contract: %s", r.Raw)
	}
}
