package sandbox

import "net/http"

// controlPage is a small page to play merchant and customer by hand.
func (s *Sandbox) controlPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(controlHTML))
}

const controlHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shopify sandbox</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}
fieldset{margin:0 0 1rem;border:1px solid #ccc}
input{margin:.2rem}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}
</style></head><body>
<h1>Shopify sandbox</h1>
<p>Plays the merchant and the customers of the sandbox shops. Webhooks go to the app's subscriptions.</p>
<fieldset><legend>Shop</legend>
<label>Shop <input id="shop" value="demo-store.myshopify.com" size="32"></label>
<button onclick="call('POST','/_sandbox/shops',{domain:v('shop'),currency:v('currency'),codes:+v('codes')})">Add shop</button>
<label>Currency <input id="currency" value="USD" size="4"></label>
<label>Seed codes <input id="codes" value="50" size="5"></label>
<button onclick="call('GET','/_sandbox/shops/'+v('shop')+'/discounts')">List discounts</button>
<button onclick="call('POST','/_sandbox/shops/'+v('shop')+'/uninstall')">Uninstall app</button>
</fieldset>
<fieldset><legend>Customer pays</legend>
<label>Code <input id="code" value=""></label>
<label>Price <input id="price" value="50.00" size="8"></label>
<label>Qty <input id="qty" value="1" size="3"></label>
<label>Email <input id="email" value="customer@example.com"></label>
<button onclick="order()">Place order</button>
</fieldset>
<fieldset><legend>Merchant refunds</legend>
<label>Order id <input id="order" size="14"></label>
<label>Line <input id="line" value="0" size="3"></label>
<label>Qty <input id="rqty" value="1" size="3"></label>
<button onclick="call('POST','/_sandbox/shops/'+v('shop')+'/orders/'+v('order')+'/refunds',{lines:[{index:+v('line'),quantity:+v('rqty')}]})">Refund</button>
<button onclick="call('POST','/_sandbox/shops/'+v('shop')+'/orders/'+v('order')+'/cancel')">Cancel order</button>
</fieldset>
<fieldset><legend>Cardholder disputes (Shopify Payments)</legend>
<label>Type <select id="dtype"><option>chargeback</option><option>inquiry</option></select></label>
<button onclick="call('POST','/_sandbox/shops/'+v('shop')+'/orders/'+v('order')+'/disputes',{type:v('dtype')})">Open dispute on the order</button>
<label>Dispute id <input id="dispute" size="14"></label>
<label>Status <select id="dstatus"><option>under_review</option><option>won</option><option>lost</option><option>accepted</option><option>charge_refunded</option></select></label>
<button onclick="call('POST','/_sandbox/shops/'+v('shop')+'/disputes/'+v('dispute'),{status:v('dstatus')})">Update dispute</button>
</fieldset>
<fieldset><legend>Privacy</legend>
<button onclick="call('POST','/_sandbox/shops/'+v('shop')+'/customers/data_request',{email:v('email')})">Customer data request</button>
<button onclick="call('POST','/_sandbox/shops/'+v('shop')+'/customers/redact',{email:v('email')})">Redact customer</button>
<button onclick="call('POST','/_sandbox/shops/'+v('shop')+'/redact')">Redact shop</button>
</fieldset>
<button onclick="call('GET','/_sandbox/deliveries')">Webhook deliveries</button>
<pre id="out"></pre>
<script>
function v(id){return document.getElementById(id).value.trim()}
async function call(method,url,body){
  const r=await fetch(url,{method,headers:{'Content-Type':'application/json'},body:body?JSON.stringify(body):undefined});
  const j=await r.json();
  if(j.order_id){document.getElementById('order').value=j.order_id}
  if(j.dispute_id){document.getElementById('dispute').value=j.dispute_id}
  document.getElementById('out').textContent=r.status+' '+JSON.stringify(j,null,2);
}
function order(){
  const codes=v('code')?[v('code')]:[];
  call('POST','/_sandbox/shops/'+v('shop')+'/orders',{codes,email:v('email'),lines:[{title:'Sandbox T-shirt',price:v('price'),quantity:+v('qty')}]});
}
</script></body></html>
`
