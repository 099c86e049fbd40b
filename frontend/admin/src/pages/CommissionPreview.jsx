// The Commission page's live preview: an order typed by the merchant, and
// what it would earn under the rules as they are now, line by line.
import { useEffect, useState } from 'react';
import {
  Banner, BlockStack, Box, Button, Card, Checkbox, Divider, IndexTable, InlineGrid, InlineStack, Select, Text, TextField, useBreakpoints,
} from '@shopify/polaris';
import { DeleteIcon } from '@shopify/polaris-icons';
import { api } from '../api.js';
import { newLine, previewBody } from '../commissionRules.js';
import { useDebounced } from '../hooks.js';
import { formatMoney } from '../money.js';
import { useApp } from '../ui.jsx';
import { storeLabel } from './CodeFilters.jsx';

/** One editable line of the order. */
function LineFields({ line, n, onChange, onRemove, currency }) {
  const set = (k) => (v) => onChange({ ...line, [k]: v });
  const field = (k, label, props = {}) => (
    <TextField label={label} value={line[k]} onChange={set(k)} autoComplete="off" {...props} />
  );
  return (
    <div role="group" aria-label={`Line ${n}`}>
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">Line {n}</Text>
        {onRemove && <Button variant="plain" tone="critical" icon={DeleteIcon} onClick={onRemove} accessibilityLabel={`Remove line ${n}`} />}
      </InlineStack>
      <InlineGrid columns={{ xs: 2, md: 2 }} gap="200">
        {field('title', 'Title')}
        {field('product', 'Product id')}
      </InlineGrid>
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="200">
        {field('quantity', 'Quantity', { type: 'number', min: 0 })}
        {field('price', 'Unit price', { suffix: currency, inputMode: 'decimal' })}
        {field('discount', 'Discount', { suffix: currency, inputMode: 'decimal' })}
        {field('tax', 'Tax', { suffix: currency, inputMode: 'decimal' })}
      </InlineGrid>
    </BlockStack>
    </div>
  );
}

/** What the order earns, per line. */
function Result({ res }) {
  const { smDown } = useBreakpoints();
  const m = (n) => formatMoney(n, res.currency);
  return (
    <BlockStack gap="300">
      <Text as="p" variant="headingLg" id="preview-total">An order of these lines would earn {m(res.commission)}</Text>
      <Text as="p" tone="subdued">{res.why}</Text>
      {res.note && <Banner tone="warning"><p>{res.note}</p></Banner>}
      {res.lines.length > 0 && (
        <IndexTable resourceName={{ singular: 'line', plural: 'lines' }} itemCount={res.lines.length} selectable={false} condensed={smDown}
          headings={[{ title: 'Line' }, { title: 'Base', alignment: 'end' }, { title: 'Commission', alignment: 'end' }, { title: 'Why' }]}>
          {res.lines.map((l, i) => (smDown ? (
            <IndexTable.Row id={l.id} key={l.id} position={i}>
              <div style={{ padding: '12px 16px', width: '100%' }}>
                <BlockStack gap="100">
                  <InlineStack align="space-between" gap="200" wrap={false}>
                    <Text as="span" fontWeight="semibold" breakWord>{l.title || l.id}</Text>
                    <Text as="span" fontWeight="semibold" numeric>{m(l.commission)}</Text>
                  </InlineStack>
                  <Text as="p" tone="subdued">On {m(l.base)} · {l.why}</Text>
                </BlockStack>
              </div>
            </IndexTable.Row>
          ) : (
            <IndexTable.Row id={l.id} key={l.id} position={i}>
              <IndexTable.Cell><Text as="span" fontWeight="semibold">{l.title || l.id}</Text></IndexTable.Cell>
              <IndexTable.Cell><Text as="span" alignment="end" numeric>{m(l.base)}</Text></IndexTable.Cell>
              <IndexTable.Cell><Text as="span" alignment="end" numeric>{m(l.commission)}</Text></IndexTable.Cell>
              <IndexTable.Cell>{l.why}</IndexTable.Cell>
            </IndexTable.Row>
          )))}
        </IndexTable>
      )}
    </BlockStack>
  );
}

/** The preview card; version changes whenever the rules do; stores is null until they are known. */
export function CommissionPreview({ affiliates, codes, stores: known, version }) {
  const stores = known || [];
  const { settings } = useApp();
  const currency = settings.currency;
  const [f, setF] = useState(() => ({
    affiliate: '', code: '', connection: '', shipping: '5.00', taxesIncluded: false, repeat: false, next: 3,
    lines: [newLine(1, 'T-shirt', '', '2', '25.00'), newLine(2, 'Cap', '', '1', '12.00')],
  }));
  const connection = f.connection || (stores.length ? String(stores[0].id) : '0');
  const built = previewBody({ ...f, connection }, currency);
  // Settings carry the base: a change there is a new preview too.
  const key = JSON.stringify({ body: (known && built.body) || null, base: settings.commission_base, def: settings.default_commission, version });
  const debounced = useDebounced(key, 300);
  const [state, setState] = useState({ res: null, error: null });
  useEffect(() => {
    const { body } = JSON.parse(debounced);
    if (!body) return undefined;
    let live = true;
    api('/commission-rules/preview', { method: 'POST', body })
      .then((res) => live && setState({ res, error: null }))
      .catch((error) => live && setState((s) => ({ ...s, error })));
    return () => { live = false; };
  }, [debounced]);
  const set = (k) => (v) => setF((old) => ({ ...old, [k]: v }));
  const setLine = (i) => (l) => setF((old) => ({ ...old, lines: old.lines.map((x, j) => (j === i ? l : x)) }));
  const pickCode = (v) => setF((old) => {
    const c = codes.find((x) => String(x.id) === v);
    return { ...old, code: v, affiliate: c && c.affiliate_id ? String(c.affiliate_id) : old.affiliate };
  });
  const stale = debounced !== key;
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">Try an order</Text>
          <Text as="p" tone="subdued">Type an order as it would come in: the preview shows what it would earn under your rules as they are now. Nothing is saved.</Text>
        </BlockStack>
        <InlineGrid columns={{ xs: 1, sm: stores.length > 1 ? 3 : 2 }} gap="200">
          <Select label="Affiliate" value={f.affiliate} onChange={set('affiliate')}
            options={[{ label: 'Any affiliate (your default)', value: '' }, ...affiliates.map((a) => ({ label: a.name, value: String(a.id) }))]} />
          <Select label="Paid with code" value={f.code} onChange={pickCode}
            options={[{ label: 'No code', value: '' }, ...codes.map((c) => ({ label: c.code, value: String(c.id) }))]} />
          {stores.length > 1 && (
            <Select label="Store" value={connection} onChange={set('connection')} options={stores.map((c) => ({ label: storeLabel(c), value: String(c.id) }))} />
          )}
        </InlineGrid>
        <Checkbox label="Repeat customer" checked={f.repeat} onChange={set('repeat')}
          helpText="The customer ordered before: the rate your default or the affiliate’s own rule sets for repeat customers applies, when it sets one." />
        <Divider />
        {f.lines.map((l, i) => (
          <LineFields key={l.key} line={l} n={i + 1} currency={currency} onChange={setLine(i)}
            onRemove={f.lines.length > 1 ? () => setF((old) => ({ ...old, lines: old.lines.filter((_, j) => j !== i) })) : null} />
        ))}
        <InlineStack>
          <Button onClick={() => setF((old) => ({ ...old, next: old.next + 1, lines: [...old.lines, newLine(old.next)] }))}>Add line</Button>
        </InlineStack>
        <InlineGrid columns={{ xs: 1, sm: 2 }} gap="200">
          <TextField label="Shipping" value={f.shipping} onChange={set('shipping')} suffix={currency} autoComplete="off" inputMode="decimal" />
          <Box paddingBlockStart={{ xs: '0', sm: '600' }}>
            <Checkbox label="Prices include tax" checked={f.taxesIncluded} onChange={set('taxesIncluded')}
              helpText="As in stores that show prices with tax: each line’s tax comes off its price." />
          </Box>
        </InlineGrid>
        <Divider />
        {built.error && <Banner tone="warning"><p>{built.error}</p></Banner>}
        {!built.error && state.error && <Banner tone="critical"><p>{state.error.message}</p></Banner>}
        <div role="region" aria-label="What this order would earn" aria-busy={stale} style={{ opacity: stale && state.res ? 0.6 : 1 }}>
          {built.error ? null : state.res ? <Result res={state.res} /> : <Text as="p" tone="subdued">Working it out…</Text>}
        </div>
      </BlockStack>
    </Card>
  );
}
