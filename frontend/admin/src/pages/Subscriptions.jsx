// The subscriptions report: recurring revenue now and by affiliate, its
// monthly movements, the retention of each month's new subscriptions and
// what the customers each affiliate brought have paid, over a month range.
import { useState } from 'react';
import { BlockStack, Box, Button, Card, InlineGrid, InlineStack, Select, Text, Page } from '@shopify/polaris';
import { download } from '../api.js';
import { useApi } from '../hooks.js';
import { formatMoney, locale } from '../money.js';
import { monthLabel, movementMonths, movementTotals } from '../reports.js';
import { navigate } from '../router.jsx';
import { ErrorBanner, Loading, useApp } from '../ui.jsx';
import { CohortHeatMap, HeatLegend } from './CohortHeatMap.jsx';
import { Metric } from './Dashboard.jsx';
import { CustomersTable, MRRTable } from './ReportTables.jsx';
import { MonthRange, useUrlMonths } from './MonthRange.jsx';
import { MovementsChart } from './MovementsChart.jsx';

/** Platforms whose subscriptions the report reads. */
const SUBSCRIPTION_PLATFORMS = ['stripe', 'paddle'];

/** A card with a heading, an optional CSV button and its body. */
export function ReportCard({ title, csv, children, subtitle }) {
  const { toast } = useApp();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      await download(csv.path, csv.file);
    } catch (e) {
      toast(e.message, true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label={title}>
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200" wrap>
            <BlockStack gap="050">
              <Text as="h2" variant="headingMd">{title}</Text>
              {subtitle && <Text as="p" variant="bodySm" tone="subdued">{subtitle}</Text>}
            </BlockStack>
            {csv && <Button onClick={save} loading={busy} accessibilityLabel={`Download ${title} as CSV`}>Download CSV</Button>}
          </InlineStack>
          {children}
        </BlockStack>
      </Card>
    </section>
  );
}

/** What makes the report fill in, said where there is nothing to show yet. */
function NoSubscriptions({ connected }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">No subscription revenue from affiliates yet</Text>
        {connected ? (
          <Text as="p">Your subscription platform is connected. This report fills in with the first subscription payment made with an affiliate’s code: from then on that subscription’s renewals, upgrades and cancellations count for the affiliate who brought it.</Text>
        ) : (
          <Text as="p">Connect a subscription platform (Stripe or Paddle) in Get started. This report then fills in with the first subscription payment made with an affiliate’s code: from then on that subscription’s renewals, upgrades and cancellations count for the affiliate who brought it.</Text>
        )}
        {!connected && <InlineStack><Button onClick={() => navigate('/')}>Connect a platform</Button></InlineStack>}
      </BlockStack>
    </Card>
  );
}

/** The Subscriptions page. */
export function Subscriptions() {
  const { settings } = useApp();
  const loc = locale();
  const [range, setRange] = useUrlMonths();
  const [affiliate, setAffiliate] = useState('');
  const q = `from=${range.from}&to=${range.to}`;
  const aq = affiliate ? `&affiliate_id=${affiliate}` : '';
  const recurring = useApi(`/reports/recurring?${q}`);
  const retention = useApi(`/reports/retention?${q}${aq}`);
  const customers = useApi(`/reports/customers?${q}`);
  const conns = useApi('/connections');
  const rep = recurring.data;
  const currency = (rep && rep.currency) || (settings && settings.currency) || 'USD';
  const rows = rep ? rep.affiliates || [] : [];
  const chosen = affiliate ? rows.find((r) => String(r.affiliate_id) === affiliate) : null;
  const shown = chosen || (rep && rep.total);
  const who = chosen ? chosen.name || 'Removed affiliate' : 'all affiliates';
  const months = rep ? movementMonths(shown ? shown.months : [], rep.from || range.from, rep.to || range.to) : [];
  const totals = movementTotals(months);
  const connected = !!(conns.data && conns.data.data.some((c) => SUBSCRIPTION_PLATFORMS.includes(c.platform)));
  const anything = rep && (rep.total.mrr !== 0 || rep.total.active_subscriptions > 0 || rows.length > 0 || (rep.other_currencies || []).length > 0);
  const span = `${monthLabel(range.from, loc)} – ${monthLabel(range.to, loc)}`;
  const file = (name) => `${name}-${range.from}-to-${range.to}.csv`;
  const options = [{ label: 'All affiliates', value: '' }, ...rows.map((r) => ({ label: r.name || `Removed affiliate #${r.affiliate_id}`, value: String(r.affiliate_id) }))];

  return (
    <Page title="Subscriptions" subtitle={`Recurring revenue and retention by affiliate · ${span}`}>
      <BlockStack gap="400">
        <Box paddingInline={{ xs: '400', sm: '0' }}>
          <MonthRange range={range} onChange={setRange}>
            {rows.length > 0 && (
              <div style={{ minWidth: 200 }}>
                <Select label="Affiliate" options={options} value={affiliate} onChange={setAffiliate} />
              </div>
            )}
          </MonthRange>
        </Box>
        <ErrorBanner error={recurring.error} onRetry={recurring.reload} />
        {(!rep || anything) && (
          <InlineGrid columns={{ xs: 2, md: 4 }} gap={{ xs: '200', sm: '400' }}>
            <Metric size="headingXl" label="MRR now" value={shown && formatMoney(shown.mrr, currency)} help={chosen ? `Brought by ${who}` : 'Subscriptions affiliates brought'} />
            <Metric size="headingXl" label="Active subscriptions" value={shown && shown.active_subscriptions.toLocaleString(loc)} />
            <Metric size="headingXl" label="Active customers" value={shown && shown.active_customers.toLocaleString(loc)} />
            <Metric size="headingXl" label="Net MRR change" value={rep && `${totals.net > 0 ? '+' : ''}${formatMoney(totals.net, currency)}`} help={span} />
          </InlineGrid>
        )}
        {rep && (rep.other_currencies || []).length > 0 && (
          <Box paddingInline={{ xs: '400', sm: '0' }}>
            <Text as="p" tone="subdued">
              Not counted above (another currency, never converted): {rep.other_currencies.map((o) => `${formatMoney(o.mrr, o.currency)} MRR from ${o.active_subscriptions.toLocaleString(loc)} ${o.active_subscriptions === 1 ? 'subscription' : 'subscriptions'}`).join('; ')}.
            </Text>
          </Box>
        )}
        {rep && !anything && <NoSubscriptions connected={connected} />}
        {rep && anything && (
          <ReportCard title={`MRR movements · ${who}`} subtitle="Per month: new, expansion and reactivation add recurring revenue; contraction and churn take it away."
            csv={{ path: `/reports/recurring.csv?${q}`, file: file('recurring-revenue') }}>
            <MovementsChart months={months} currency={currency} who={who} />
          </ReportCard>
        )}
        {!rep && !recurring.error && <Loading lines={8} />}
        {rep && anything && (
          <ReportCard title="MRR by affiliate" subtitle="Recurring revenue paying now per affiliate who brought it, with its active subscriptions and their customers.">
            <MRRTable rows={rows} currency={currency} onPick={(id) => setAffiliate(String(id))} />
          </ReportCard>
        )}
        <Retention res={retention} who={who} csv={{ path: `/reports/retention.csv?${q}${aq}`, file: file('retention') }} connected={connected} />
        <CustomersReport res={customers} csv={{ path: `/reports/customers.csv?${q}`, file: file('customers') }} currency={currency} />
      </BlockStack>
    </Page>
  );
}

function Retention({ res, who, csv }) {
  const cohorts = res.data ? res.data.cohorts || [] : [];
  return (
    <ReportCard title={`Retention by cohort · ${who}`} subtitle="Share of each month’s new subscriptions still paying, month by month."
      csv={cohorts.length ? csv : null}>
      <ErrorBanner error={res.error} onRetry={res.reload} />
      {!res.data && !res.error ? <Loading lines={6} /> : cohorts.length === 0 ? (
        <Text as="p" tone="subdued">No cohorts in these months. A cohort is the subscriptions whose first payment, made with an affiliate’s code, falls in a month; each one appears here once that payment is attributed.</Text>
      ) : (
        <>
          <HeatLegend />
          <CohortHeatMap cohorts={cohorts} />
        </>
      )}
    </ReportCard>
  );
}

function CustomersReport({ res, csv, currency }) {
  const rows = res.data ? res.data.affiliates || [] : [];
  return (
    <ReportCard title="Customers by affiliate" subtitle="Customers first brought in these months, and what they have paid to date."
      csv={rows.length ? csv : null}>
      <ErrorBanner error={res.error} onRetry={res.reload} />
      {!res.data && !res.error ? <Loading lines={6} /> : rows.length === 0 ? (
        <Text as="p" tone="subdued">No customers acquired by an affiliate in these months. A customer counts for the affiliate whose code was on their first order.</Text>
      ) : (
        <CustomersTable rows={rows} total={res.data.total} currency={(res.data && res.data.currency) || currency} />
      )}
    </ReportCard>
  );
}
