// A conversion's lines as they were booked: what each sold for, what it
// earned and the rule that decided it, with what refunds took back. On a
// phone each line is a short block instead of a row of columns.
import { BlockStack, Card, IndexTable, InlineStack, Text, useBreakpoints } from '@shopify/polaris';
import { formatMoney } from '../money.js';

/** "2 × $25.00 · SKU TS-1", or "" for shipping. */
function detail(l, m) {
  if (l.id === 'shipping') return '';
  return [`${l.quantity} × ${m(l.unit_price)}`, l.discount ? `${m(l.discount)} off` : '', l.sku ? `SKU ${l.sku}` : ''].filter(Boolean).join(' · ');
}

/** What a refund took back from a line, or ''. */
function refunded(l, m) {
  if (!l.refunded_net && !l.reversed_commission) return '';
  return `Refunded ${m(l.refunded_net)}, ${m(l.reversed_commission)} commission reversed`;
}

/** The Lines card. */
export function ConversionLines({ lines, currency }) {
  const { smDown } = useBreakpoints();
  const m = (n) => formatMoney(n, currency);
  const title = (l) => l.title || (l.id === 'shipping' ? 'Shipping' : `Line ${l.id}`);
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <div style={{ padding: '16px 16px 8px' }}>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">Lines</Text>
            <Text as="p" tone="subdued">What each line earned when the order was booked, and the rule that decided it then.</Text>
          </BlockStack>
        </div>
        <IndexTable resourceName={{ singular: 'line', plural: 'lines' }} itemCount={lines.length} selectable={false} condensed={smDown}
          headings={[{ title: 'Line' }, { title: 'Qty', alignment: 'end' }, { title: 'Net', alignment: 'end' }, { title: 'Commission', alignment: 'end' }, { title: 'Why' }]}>
          {lines.map((l, i) => {
            const back = refunded(l, m);
            return smDown ? (
              <IndexTable.Row id={l.id} key={l.id} position={i}>
                <div style={{ padding: '12px 16px', width: '100%' }}>
                  <BlockStack gap="100">
                    <InlineStack align="space-between" gap="200" wrap={false}>
                      <Text as="span" fontWeight="semibold" breakWord>{title(l)}</Text>
                      <Text as="span" fontWeight="semibold" numeric>{m(l.commission)}</Text>
                    </InlineStack>
                    <Text as="p" tone="subdued" breakWord>{[detail(l, m), `net ${m(l.net)}`].filter(Boolean).join(' · ')}</Text>
                    <Text as="p" breakWord>{l.why}</Text>
                    {back && <Text as="p" tone="caution">{back}</Text>}
                  </BlockStack>
                </div>
              </IndexTable.Row>
            ) : (
              <IndexTable.Row id={l.id} key={l.id} position={i}>
                <IndexTable.Cell>
                  <BlockStack>
                    <Text as="span" fontWeight="semibold">{title(l)}</Text>
                    {detail(l, m) && <Text as="span" tone="subdued" variant="bodySm">{detail(l, m)}</Text>}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell><Text as="span" alignment="end" numeric>{l.id === 'shipping' ? '' : l.quantity}</Text></IndexTable.Cell>
                <IndexTable.Cell><Text as="span" alignment="end" numeric>{m(l.net)}</Text></IndexTable.Cell>
                <IndexTable.Cell>
                  <BlockStack inlineAlign="end">
                    <Text as="span" alignment="end" numeric>{m(l.commission)}</Text>
                    {l.reversed_commission ? <Text as="span" alignment="end" tone="caution" variant="bodySm" numeric>−{m(l.reversed_commission)} reversed</Text> : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ whiteSpace: 'normal', minWidth: '220px' }}>
                    <BlockStack>
                      <Text as="span" breakWord>{l.why}</Text>
                      {back && <Text as="span" tone="caution" variant="bodySm">{back}</Text>}
                    </BlockStack>
                  </div>
                </IndexTable.Cell>
              </IndexTable.Row>
            );
          })}
        </IndexTable>
      </BlockStack>
    </Card>
  );
}
