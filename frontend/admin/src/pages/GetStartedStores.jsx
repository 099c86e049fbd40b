// Get started's store steps: connecting stores, importing their codes,
// and placing a test order.
import { useState } from 'react';
import {
  Badge, Banner, BlockStack, Box, Button, FormLayout, InlineStack, List, Text, TextField,
} from '@shopify/polaris';
import { api, embedded, shop } from '../api.js';
import { Progress, useApp } from '../ui.jsx';
import { importDuration, importProgress } from '../imports.js';

const platformNames = { shopify: 'Shopify', stripe: 'Stripe', paddle: 'Paddle', woocommerce: 'WooCommerce' };

/** Step 1: the stores connected, by name, and buttons to connect more. */
export function ConnectStore({ stores, options, sandbox, onConnected }) {
  const active = stores.filter((c) => c.status === 'active');
  return (
    <BlockStack gap="300">
      {active.length > 0 ? (
        <InlineStack gap="200" wrap>
          <Text as="span">Connected:</Text>
          {active.map((c) => (
            <InlineStack key={c.id} gap="100" blockAlign="center">
              <Text as="span" fontWeight="semibold">{c.name}</Text>
              <Badge>{platformNames[c.platform] || c.platform}</Badge>
            </InlineStack>
          ))}
        </InlineStack>
      ) : (
        <Text as="p">Connect the store your customers pay in, so Codecredit sees orders and your discount codes.</Text>
      )}
      {embedded && !active.length && <Text as="p">Connecting {shop}… reload the page if this does not change.</Text>}
      {!embedded && <ConnectButtons active={active} options={options || {}} sandbox={sandbox} onConnected={onConnected} />}
      {!embedded && <Text as="p" tone="subdued">Your own checkout? Send paid orders to POST /api/v1/orders with an API key.</Text>}
    </BlockStack>
  );
}

function ConnectButtons({ active, options, sandbox, onConnected }) {
  const { toast } = useApp();
  const [form, setForm] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState('');
  const has = (p) => active.some((c) => c.platform === p);
  const connectKey = async (platform, key) => {
    setBusy(platform);
    try {
      const conn = await api(`/connections/${platform}`, { method: 'POST', body: { api_key: key } });
      toast(`${conn.name || platformNames[platform]} connected: importing its codes`);
      setForm('');
      setValue('');
      onConnected();
    } catch (e) {
      toast(e.message, true);
    } finally {
      setBusy('');
    }
  };
  const woo = (store) => { window.location.assign(`/auth/woocommerce?store=${encodeURIComponent(store)}`); };
  const click = {
    shopify: () => setForm('shopify'),
    stripe: () => (sandbox && sandbox.stripe_api_key ? connectKey('stripe', sandbox.stripe_api_key)
      : options.stripe_oauth ? window.location.assign('/auth/stripe') : setForm('stripe')),
    paddle: () => (sandbox && sandbox.paddle_api_key ? connectKey('paddle', sandbox.paddle_api_key) : setForm('paddle')),
    woocommerce: () => (sandbox && sandbox.woocommerce_store ? woo(sandbox.woocommerce_store) : setForm('woocommerce')),
  };
  const shown = ['shopify', 'stripe', 'paddle', 'woocommerce'].filter((p) => options[p] && !has(p));
  if (!shown.length) return null;
  const submit = () => {
    if (form === 'shopify') {
      const d = value.trim();
      window.location.assign(`/auth/shopify?shop=${encodeURIComponent(d.includes('.') ? d : `${d}.myshopify.com`)}`);
    } else if (form === 'woocommerce') woo(value.trim());
    else connectKey(form, value.trim());
  };
  const labels = {
    shopify: ['Shopify store', 'your-store', '.myshopify.com'],
    stripe: ['Stripe secret or restricted key', 'rk_live_…', ''],
    paddle: ['Paddle API key', 'pdl_live_apikey_…', ''],
    woocommerce: ['WooCommerce store URL', 'https://your-store.com', ''],
  };
  return (
    <BlockStack gap="300">
      {sandbox && <Text as="p" tone="subdued">Demo mode: each button connects a local sandbox store with existing discount codes.</Text>}
      <InlineStack gap="200" wrap>
        {shown.map((p) => (
          <Button key={p} onClick={click[p]} loading={busy === p} pressed={form === p}>{`Connect ${platformNames[p]}`}</Button>
        ))}
      </InlineStack>
      {form && (
        <FormLayout>
          <TextField label={labels[form][0]} placeholder={labels[form][1]} suffix={labels[form][2] || undefined}
            value={value} onChange={setValue} autoComplete="off" />
          <InlineStack gap="200">
            <Button variant="primary" onClick={submit} disabled={!value.trim()} loading={busy === form}>{`Connect ${platformNames[form]}`}</Button>
            <Button variant="plain" onClick={() => setForm('')}>Cancel</Button>
          </InlineStack>
        </FormLayout>
      )}
    </BlockStack>
  );
}

/** Step 2: each store's import, its progress and result, and Import again. */
export function ImportCodes({ stores, restarted, onRestart }) {
  const { toast } = useApp();
  if (!stores.length) return <Text as="p" tone="subdued">Connect a store first: its existing discount codes come in here.</Text>;
  const restart = async (c) => {
    try {
      await api(`/connections/${c.id}/import`, { method: 'POST' });
      toast(`Import of ${c.name} started`);
      onRestart(c);
    } catch (e) {
      toast(e.message, true);
    }
  };
  return (
    <BlockStack gap="400">
      {stores.map((c) => {
        const waiting = restarted[c.id] !== undefined;
        return (
          <BlockStack gap="100" key={c.id}>
            <InlineStack align="space-between" gap="200" wrap>
              <Text as="span" fontWeight="semibold">{c.name}</Text>
              <Text as="span" tone="subdued">{importStatus(c, waiting)}</Text>
            </InlineStack>
            <Progress {...importProgress(c, waiting)} tone={c.import_state === 'failed' ? 'critical' : 'highlight'} />
            <Box>
              <Button variant="plain" disabled={waiting || c.import_state === 'running' || c.status !== 'active'} onClick={() => restart(c)}>
                {c.import_state ? 'Import again' : 'Import codes'}
              </Button>
            </Box>
          </BlockStack>
        );
      })}
    </BlockStack>
  );
}

function importStatus(c, waiting) {
  if (waiting) return 'Import started: waiting for the first page…';
  switch (c.import_state) {
    case 'running': return `Importing… ${c.import_done} of ${c.import_total > 0 ? c.import_total : '?'} codes`;
    case 'done': return `${c.import_done} codes imported ${importDuration(c)}`.trim();
    case 'failed': return c.status === 'active'
      ? `Import failed (it is retried on its own for a while): ${c.last_error || 'unknown error'}`
      : `Import stopped: ${c.last_error || 'connect the store again'}`;
    default: return c.status === 'active' ? 'Import starting…' : 'Not imported yet';
  }
}

/** Step 7: how to place a test order, on the sandbox or a real store. */
export function TestOrder({ stores, sandbox, sales }) {
  const platforms = new Set(stores.filter((c) => c.status === 'active').map((c) => c.platform));
  return (
    <BlockStack gap="300">
      {sales > 0 && <Banner tone="success">{sales === 1 ? 'A sale with an affiliate code has been tracked.' : `${sales} sales with affiliate codes have been tracked.`}</Banner>}
      {sandbox && sandbox.shopify_controls ? (
        <>
          <Text as="p">The demo store has a control page: place an order there with one of your affiliates' codes, and it shows up under Conversions within seconds.</Text>
          <InlineStack><Button url={sandbox.shopify_controls} target="_blank" external>Open the sandbox store</Button></InlineStack>
        </>
      ) : (
        <>
          <Text as="p">Check out once with an affiliate's code, as a customer would:</Text>
          <List>
            {(platforms.has('shopify') || !platforms.size) && (
              <List.Item>Shopify: in Settings → Payments, turn on the Bogus Gateway (test mode), then check out with the code and card number 1.</List.Item>
            )}
            {platforms.has('stripe') && <List.Item>Stripe: in test mode, pay with the code and card 4242 4242 4242 4242.</List.Item>}
            {platforms.has('paddle') && <List.Item>Paddle: in your sandbox account, check out with the code and a test card.</List.Item>}
            {platforms.has('woocommerce') && <List.Item>WooCommerce: enable Cash on delivery or a test gateway, order with the code and mark it paid.</List.Item>}
          </List>
          <Text as="p" tone="subdued">The order shows up under Conversions within seconds of the payment.</Text>
        </>
      )}
    </BlockStack>
  );
}
