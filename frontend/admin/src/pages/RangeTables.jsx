// The dashboard's per-affiliate and per-code tables over the range: the
// ten best by sales, with a link to all of them.
import { BlockStack, Button, Card, DataTable, InlineStack, Text } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { navigate } from '../router.jsx';
import { ErrorBanner, Loading } from '../ui.jsx';

/** Top 10 of a range table: kind is "affiliates" or "codes". */
export function RangeTable({ kind, from, to, currency }) {
  const res = useApi(`/summary/${kind}?from=${from}&to=${to}&currency=${currency}&limit=10`);
  const title = kind === 'affiliates' ? 'Top affiliates' : 'Top codes';
  const what = kind === 'affiliates' ? 'affiliates' : 'codes';
  const rows = res.data ? res.data.data : [];
  const name = (r) => r.name || (kind === 'codes' ? 'Removed code' : 'Removed affiliate');
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">{title}</Text>
          <Button variant="plain" onClick={() => navigate(`/${kind}`)}>
            {res.data && res.data.total > rows.length ? `View all ${res.data.total}` : `View all ${what}`}
          </Button>
        </InlineStack>
        <ErrorBanner error={res.error} onRetry={res.reload} />
        {!res.data && !res.error ? <Loading /> : rows.length === 0 ? (
          <Text as="p" tone="subdued">No orders with {kind === 'affiliates' ? 'an affiliate' : 'a code'} in this range.</Text>
        ) : (
          <DataTable
            columnContentTypes={['text', 'numeric', 'numeric', 'numeric']}
            headings={[kind === 'affiliates' ? 'Affiliate' : 'Code', 'Orders', 'Sales', 'Commission']}
            rows={rows.map((r) => [name(r), r.orders, formatMoney(r.sales, r.currency), formatMoney(r.commission, r.currency)])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
