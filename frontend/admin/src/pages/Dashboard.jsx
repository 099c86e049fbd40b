// Sales, commission and orders over a date range, the best affiliates
// and codes in it, and which discount converts best.
import { BlockStack, Box, Card, InlineGrid, Layout, Page, Text } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatMoney, locale } from '../money.js';
import { ErrorBanner, Loading, formatDate, useApp } from '../ui.jsx';
import { Chart } from './Chart.jsx';
import { DateRange, useUrlRange } from './DateRange.jsx';
import { DiscountReport } from './DiscountReport.jsx';
import { RangeTable } from './RangeTables.jsx';

/** The Dashboard page. */
export function Dashboard() {
  const { settings } = useApp();
  const currency = (settings && settings.currency) || 'USD';
  const [range, setRange] = useUrlRange();
  const q = `?from=${range.from}&to=${range.to}`;
  const summary = useApi(`/summary${q}`);
  const totals = summary.data ? summary.data.totals.find((t) => t.currency === currency) || { conversions: 0, sales: 0, commission: 0, flagged: 0, refunded: 0 } : null;
  const left = totals ? totals.flagged + totals.refunded : 0;
  return (
    <Page title="Dashboard" subtitle={`${formatDate(range.from)} – ${formatDate(range.to)}`}>
      <BlockStack gap="400">
        <Box paddingInline={{ xs: '400', sm: '0' }}>
          <DateRange range={range} onChange={setRange} />
        </Box>
        <ErrorBanner error={summary.error} onRetry={summary.reload} />
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
          <Metric label="Affiliate sales" value={totals && formatMoney(totals.sales, currency)} />
          <Metric label="Commission" value={totals && formatMoney(totals.commission, currency)} />
          <Metric label="Orders" value={totals && totals.conversions.toLocaleString(locale())} />
        </InlineGrid>
        {left > 0 && (
          <Box paddingInline={{ xs: '400', sm: '0' }}>
            <Text as="p" tone="subdued">
              Not counted as sales: {[totals.refunded && `${totals.refunded.toLocaleString(locale())} fully refunded or cancelled`,
                totals.flagged && `${totals.flagged.toLocaleString(locale())} flagged (the affiliate’s own purchase)`].filter(Boolean).join(' and ')} {left === 1 ? 'order' : 'orders'}.
            </Text>
          </Box>
        )}
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Sales per day</Text>
              {summary.data ? <Chart days={summary.data.days} from={summary.data.from} to={summary.data.to} currency={currency} metric="sales" color="#91d0ff" label="Sales" /> : <Loading lines={6} />}
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Commission per day</Text>
              {summary.data ? <Chart days={summary.data.days} from={summary.data.from} to={summary.data.to} currency={currency} metric="commission" color="#008060" label="Commission" /> : <Loading lines={6} />}
            </BlockStack>
          </Card>
        </InlineGrid>
        <Layout>
          <Layout.Section variant="oneHalf">
            <RangeTable kind="affiliates" from={range.from} to={range.to} currency={currency} />
          </Layout.Section>
          <Layout.Section variant="oneHalf">
            <RangeTable kind="codes" from={range.from} to={range.to} currency={currency} />
          </Layout.Section>
        </Layout>
        <DiscountReport from={range.from} to={range.to} currency={currency} />
      </BlockStack>
    </Page>
  );
}

/** One figure in a card, named by its label; help says what it covers. */
export function Metric({ label, value, help, size = 'heading2xl' }) {
  return (
    <section aria-label={label}>
      <Card>
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm" tone="subdued">{label}</Text>
          <Text as="p" variant={size}>{value ?? '–'}</Text>
          {help && <Text as="p" variant="bodySm" tone="subdued">{help}</Text>}
        </BlockStack>
      </Card>
    </section>
  );
}
