// The dashboard's discount comparison: orders, sales, average order and
// commission per discount level and per code over the range, computed by
// the server over every order, with the orders left out named.
import { useState } from 'react';
import { BlockStack, Button, ButtonGroup, Card, DataTable, InlineStack, Tabs, Text } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { excludedNote, reportTable } from '../discountReport.js';
import { ErrorBanner, Loading } from '../ui.jsx';

const TABS = [
  { id: 'levels', content: 'By discount' },
  { id: 'codes', content: 'By code' },
];

/** The discount comparison card for from..to, in the shop's currency first. */
export function DiscountReport({ from, to, currency }) {
  const [cur, setCur] = useState('');
  const [tab, setTab] = useState(0);
  const shown = cur || currency;
  const res = useApi(`/reports/discounts?from=${from}&to=${to}&currency=${shown}`);
  const report = res.data;
  return (
    <section aria-label="Discount comparison">
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="h2" variant="headingMd">Discount comparison</Text>
            {report && report.currencies.length > 1 && (
              <ButtonGroup variant="segmented">
                {report.currencies.map((c) => (
                  <Button key={c} pressed={c === shown} onClick={() => setCur(c)}>{c}</Button>
                ))}
              </ButtonGroup>
            )}
          </InlineStack>
          <ErrorBanner error={res.error} onRetry={res.reload} />
          {!report && !res.error ? <Loading /> : report && <Body report={report} tab={tab} setTab={setTab} />}
        </BlockStack>
      </Card>
    </section>
  );
}

function Body({ report, tab, setTab }) {
  const note = excludedNote(report);
  const rule = 'Counts every order with an affiliate code in the range; refunded and flagged orders are left out, partial refunds taken off.';
  if (report.codes.length === 0) {
    return (
      <BlockStack gap="200">
        <Text as="p" tone="subdued">
          No orders with an affiliate code in {report.currency} in this range. Once customers pay with your affiliates’ codes, this compares what each discount brings.
        </Text>
        {note && <Text as="p" tone="subdued">{note}</Text>}
      </BlockStack>
    );
  }
  const t = reportTable(report, TABS[tab].id);
  return (
    <BlockStack gap="200">
      <Tabs tabs={TABS} selected={tab} onSelect={setTab} fitted />
      <DataTable columnContentTypes={t.types} headings={t.headings} rows={t.rows} />
      <Text as="p" variant="bodySm" tone="subdued">{rule} {note}</Text>
    </BlockStack>
  );
}
