// Sales, commission and conversions over time, the best affiliates, and
// which discount converts best.
import { BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { discountRows, topAffiliates } from '../stats.js';
import { Empty, ErrorBanner, Loading, useApp } from '../ui.jsx';
import { navigate } from '../router.jsx';
import { Chart } from './Chart.jsx';

/** The Dashboard page. */
export function Dashboard() {
  const { settings } = useApp();
  const currency = (settings && settings.currency) || 'USD';
  const summary = useApi('/summary');
  const balances = useApi('/balances');
  const discounts = useApi('/summary/discounts');
  const totals = summary.data ? summary.data.totals.find((t) => t.currency === currency) || { conversions: 0, sales: 0, commission: 0 } : null;
  return (
    <Page title="Dashboard" subtitle="The last 30 days">
      <BlockStack gap="400">
        <ErrorBanner error={summary.error} onRetry={summary.reload} />
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
          <Metric label="Affiliate sales" value={totals && formatMoney(totals.sales, currency)} />
          <Metric label="Commission" value={totals && formatMoney(totals.commission, currency)} />
          <Metric label="Conversions" value={totals && String(totals.conversions)} />
        </InlineGrid>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Sales and commission per day</Text>
            {summary.data ? <Chart days={summary.data.days} from={summary.data.from} to={summary.data.to} currency={currency} /> : <Loading lines={6} />}
          </BlockStack>
        </Card>
        <Layout>
          <Layout.Section variant="oneHalf">
            <TopAffiliates balances={balances.data} currency={currency} />
          </Layout.Section>
          <Layout.Section variant="oneHalf">
            <DiscountComparison discounts={discounts.data} />
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

function Metric({ label, value }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">{label}</Text>
        <Text as="p" variant="heading2xl">{value ?? '–'}</Text>
      </BlockStack>
    </Card>
  );
}

function TopAffiliates({ balances, currency }) {
  if (!balances) return <Loading />;
  const rows = topAffiliates(balances.data, currency);
  if (!rows.length) {
    return (
      <Empty heading="No commission yet" action={{ content: 'Add affiliates', onAction: () => navigate('/affiliates') }}>
        Your best affiliates show up here once orders come in with their codes.
      </Empty>
    );
  }
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">Top affiliates</Text>
        <DataTable
          columnContentTypes={['text', 'numeric']}
          headings={['Affiliate', 'Commission earned']}
          rows={rows.map((r) => [r.name || `#${r.affiliate_id}`, formatMoney(r.earned, currency)])}
        />
      </BlockStack>
    </Card>
  );
}

function DiscountComparison({ discounts }) {
  if (!discounts) return <Loading />;
  const rows = discountRows(discounts.data);
  if (!rows.length) {
    return (
      <Empty heading="No orders with codes yet" action={{ content: 'Generate codes', onAction: () => navigate('/codes?generate=1') }}>
        Once customers pay with your affiliates' codes, this compares orders and revenue per discount level.
      </Empty>
    );
  }
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">Discount comparison</Text>
        <DataTable
          columnContentTypes={['text', 'numeric', 'numeric', 'numeric']}
          headings={['Discount', 'Orders', 'Revenue', 'Average order']}
          rows={rows.map((r) => [r.label, r.orders, formatMoney(r.revenue, r.currency), formatMoney(r.average, r.currency)])}
        />
      </BlockStack>
    </Card>
  );
}
