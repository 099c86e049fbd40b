// One discount experiment: its link to share, each variant's visitors,
// orders, conversion rate with its 95% interval and net revenue per
// visitor, the verdict with the test and the stopping rule it follows,
// and Stop (after a confirmation).
import { useState } from 'react';
import {
  Badge, Banner, BlockStack, Button, Card, IndexTable, InlineStack, Modal, Page, Text, TextField, useBreakpoints,
} from '@shopify/polaris';
import { api } from '../api.js';
import { perVisitorText, rateWithInterval, stoppedSentence, verdictTitle } from '../experiments.js';
import { useApi } from '../hooks.js';
import { discountLabel } from '../money.js';
import { ErrorBanner, Loading, StatusBadge, formatDate, useApp } from '../ui.jsx';

/** The page of experiment id. */
export function ExperimentDetail({ id }) {
  const { toast } = useApp();
  const report = useApi(`/experiments/${id}/report`);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const back = { content: 'Experiments', url: '/experiments' };
  if (report.error) return <Page title="Experiment" backAction={back}><ErrorBanner error={report.error} onRetry={report.reload} /></Page>;
  if (!report.data) return <Page title="Experiment" backAction={back}><Loading /></Page>;
  const r = report.data;
  const e = r.experiment;
  const running = e.status === 'running';
  const stop = async () => {
    setBusy(true);
    try {
      await api(`/experiments/${id}/stop`, { method: 'POST' });
      toast(`${e.name} stopped`);
      setConfirm(false);
      report.reload();
    } catch (err) {
      toast(err.message, true);
    } finally {
      setBusy(false);
    }
  };
  const copy = () => navigator.clipboard.writeText(r.url).then(() => toast('Link copied'), () => toast('Copy the link by hand', true));
  const v = verdictTitle(r);
  return (
    <Page title={e.name} backAction={back} titleMetadata={<StatusBadge status={e.status} />}
      subtitle={`${e.affiliate || 'Whole program'} · since ${formatDate(e.started_at)}${e.stopped_at ? ` · stopped ${formatDate(e.stopped_at)}` : ''}`}
      secondaryActions={running ? [{ content: 'Stop experiment', destructive: true, onAction: () => setConfirm(true) }] : []}>
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Link to share</Text>
            <TextField label="Experiment link" labelHidden value={r.url} readOnly autoComplete="off"
              connectedRight={<Button onClick={copy}>Copy</Button>} />
            <Text as="p" tone="subdued">
              {running
                ? 'Each visitor gets one code at random and keeps it when they come back (a cookie on this link only, 90 days). Visits are counted once per visitor in 30 minutes; bots, link previews and prefetches are not counted.'
                : stoppedSentence(e)}
            </Text>
          </BlockStack>
        </Card>
        <Banner tone={v.tone} title={v.title}>
          <BlockStack gap="100">
            <p>{r.reason}</p>
            <p><Text as="span" fontWeight="semibold">Test:</Text> {r.test}.</p>
            <p><Text as="span" fontWeight="semibold">Stopping rule:</Text> {r.stopping_rule}. Minimum sample: {r.min_sample.toLocaleString()} visitors per variant
              (expected conversion {(e.baseline_rate * 100).toFixed(1)}%, lift worth finding {(e.min_lift * 100).toFixed(0)}%).</p>
          </BlockStack>
        </Banner>
        <Variants r={r} />
      </BlockStack>
      {confirm && (
        <Modal open onClose={() => setConfirm(false)} title={`Stop ${e.name}?`}
          primaryAction={{ content: 'Stop experiment', destructive: true, onAction: stop, loading: busy }}
          secondaryActions={[{ content: 'Keep running', onAction: () => setConfirm(false) }]}>
          <Modal.Section>
            <BlockStack gap="200">
              <Text as="p">{r.verdict === 'winner'
                ? `The link will send everyone to ${r.variants[r.winner].code}, the winner.`
                : `No winner is declared, so the link will send everyone to ${r.variants[0].code}, the first variant.`}</Text>
              <Text as="p">Visits stop being counted. The codes stay as they are; the figures stay here.</Text>
            </BlockStack>
          </Modal.Section>
        </Modal>
      )}
    </Page>
  );
}

/** The per-variant table. */
function Variants({ r }) {
  const { smDown } = useBreakpoints();
  const name = (x, i) => (
    <BlockStack gap="050">
      <InlineStack gap="100" blockAlign="center">
        <Text as="span" fontWeight="semibold">{x.code}</Text>
        {i === 0 && <Badge>Control</Badge>}
        {r.verdict === 'winner' && r.winner === i && <Badge tone="success">Winner</Badge>}
      </InlineStack>
      <Text as="span" tone="subdued" variant="bodySm">{discountLabel(x)}</Text>
    </BlockStack>
  );
  return (
    <Card padding="0">
      <IndexTable resourceName={{ singular: 'variant', plural: 'variants' }} itemCount={r.variants.length} selectable={false} condensed={smDown}
        headings={[{ title: 'Variant' }, { title: 'Visitors', alignment: 'end' }, { title: 'Orders', alignment: 'end' },
          { title: 'Conversion rate', alignment: 'end', tooltipContent: 'Orders per visitor, with its 95% Wilson interval' },
          { title: 'Net revenue per visitor', alignment: 'end', tooltipContent: 'Sales after the discount, less commission, per visitor' }]}>
        {r.variants.map((x, i) => {
          const judged = r.verdict !== 'cannot_judge';
          const rate = judged ? rateWithInterval(x) : { rate: '—', interval: 'no test possible' };
          const net = judged ? perVisitorText(x, r.currency) : '—';
          const more = x.more_visitors > 0 ? `${x.more_visitors.toLocaleString()} more needed` : '';
          return (
            <IndexTable.Row id={String(x.code_id)} key={x.code_id} position={i}>
              {smDown ? (
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    {name(x, i)}
                    <Text as="span">{x.visitors} visitors · {x.orders} orders{more ? ` (${more})` : ''}</Text>
                    <Text as="span">{rate.rate} converted ({rate.interval})</Text>
                    <Text as="span">{net} net per visitor</Text>
                  </BlockStack>
                </IndexTable.Cell>
              ) : (
                <>
                  <IndexTable.Cell>{name(x, i)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="050" inlineAlign="end">
                      <Text as="span" numeric>{x.visitors.toLocaleString()}</Text>
                      {more && <Text as="span" tone="subdued" variant="bodySm">{more}</Text>}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{x.orders}</Text></IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="050" inlineAlign="end">
                      <Text as="span" numeric>{rate.rate}</Text>
                      <Text as="span" tone="subdued" variant="bodySm">{rate.interval}</Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{net}</Text></IndexTable.Cell>
                </>
              )}
            </IndexTable.Row>
          );
        })}
      </IndexTable>
    </Card>
  );
}
