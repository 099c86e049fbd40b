// The checklist a new merchant works through, top to bottom.
import { useState } from 'react';
import {
  Badge, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Text, TextField,
} from '@shopify/polaris';
import { api } from '../api.js';
import { useApi, useInterval } from '../hooks.js';
import { navigate } from '../router.jsx';
import { parsePercent, percentText } from '../money.js';
import { ErrorBanner, Progress, useApp } from '../ui.jsx';
import { ConnectStore, ImportCodes, TestOrder } from './GetStartedStores.jsx';

const commissionKey = 'codecredit.commission_confirmed';

/** The Get started page. */
export function GetStarted() {
  const conns = useApi('/connections');
  const affs = useApi('/affiliates?per_page=1');
  const assigned = useApi('/codes?assigned=yes&per_page=1');
  const emails = useApi('/emails?per_page=1');
  const sales = useApi('/conversions?per_page=1');
  const list = conns.data || {};
  const stores = (list.data || []).filter((c) => c.platform !== 'api');
  // Imports asked for here, by connection (the finish they replace, and
  // when): waiting until the worker takes them, for a minute at most.
  const [restarted, setRestarted] = useState({});
  const waiting = stores.filter((c) => {
    const r = restarted[c.id];
    return r && r.prev === (c.import_finished_at || '') && Date.now() - r.at < 60000
      && c.import_state !== 'running' && c.import_state !== 'failed';
  });
  if (Object.keys(restarted).length && waiting.length !== Object.keys(restarted).length) {
    setRestarted(Object.fromEntries(waiting.map((c) => [c.id, restarted[c.id]])));
  }
  // A fresh install queues its import: watch it start, then run.
  const [opened] = useState(() => Date.now());
  const importing = waiting.length > 0 || stores.some((c) => c.import_state === 'running' || (c.status === 'active' && !c.import_state && Date.now() - opened < 120000));
  useInterval(conns.reload, 1000, importing);
  // A failed import retries on its own: look again now and then.
  useInterval(conns.reload, 15000, !importing && stores.some((c) => c.import_state === 'failed' && c.status === 'active'));
  const saleCount = sales.data ? sales.data.total : 0;
  // Waiting for the first sale: look for it now and then.
  useInterval(sales.reload, 5000, stores.length > 0 && !saleCount);
  const [commissionDone, setCommissionDone] = useState(() => window.localStorage.getItem(commissionKey) === '1');

  const emailsApi = !(emails.error && emails.error.status === 404);
  // A commission changed from the built-in 10% held 30 days, here or in
  // Settings, is set too.
  const { settings } = useApp();
  const rule = settings && settings.default_commission;
  const commissionSet = commissionDone || !!(rule && (rule.kind !== 'percent' || rule.basis_points !== 1000 || rule.hold_days !== 30));
  const steps = [
    stores.some((c) => c.status === 'active'),
    stores.some((c) => c.import_state === 'done'),
    commissionSet,
    !!(affs.data && affs.data.total > 0),
    !!(assigned.data && assigned.data.total > 0),
    emailsApi ? !!(emails.data && emails.data.total > 0) : !!(assigned.data && assigned.data.total > 0),
    saleCount > 0,
  ];
  const done = steps.filter(Boolean).length;
  return (
    <Page title="Get started" subtitle="Seven steps from install to your first affiliate sale, about ten minutes in all.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ErrorBanner error={conns.error} onRetry={conns.reload} />
            <Card>
              <BlockStack gap="200">
                <InlineStack align="space-between" gap="200" wrap>
                  <Text as="h2" variant="headingMd">Your setup</Text>
                  <Text as="span" tone="subdued">{done} of {steps.length} done</Text>
                </InlineStack>
                <Progress done={done} total={steps.length} label={`${done} of ${steps.length} setup steps done`} tone="success" />
              </BlockStack>
            </Card>
            <Step n={1} title="Connect your store" done={steps[0]}>
              <ConnectStore stores={stores} options={list.connect} sandbox={list.sandbox} onConnected={conns.reload} />
            </Step>
            <Step n={2} title="Import your discount codes" done={steps[1]}>
              <ImportCodes stores={stores} restarted={restarted}
                onRestart={(c) => { setRestarted((r) => ({ ...r, [c.id]: { prev: c.import_finished_at || '', at: Date.now() } })); conns.reload(); }} />
            </Step>
            <Step n={3} title="Set your commission" done={steps[2]}>
              <Commission onSaved={() => { window.localStorage.setItem(commissionKey, '1'); setCommissionDone(true); }} />
            </Step>
            <Step n={4} title="Add your affiliates" done={steps[3]}>
              <Text as="p">Add the people who promote you, one by one or from a spreadsheet (CSV with name and email).</Text>
              <InlineStack gap="200">
                <Button onClick={() => navigate('/affiliates?new=1')}>Add an affiliate</Button>
                <Button variant="plain" onClick={() => navigate('/affiliates?import=1')}>Import a CSV</Button>
              </InlineStack>
            </Step>
            <Step n={5} title="Generate or assign codes" done={steps[4]}>
              <Text as="p">Give each affiliate a code of their own: generate them from your naming rule, or assign codes you imported.</Text>
              <InlineStack><Button onClick={() => navigate('/codes?generate=1')}>Generate codes</Button></InlineStack>
            </Step>
            <Step n={6} title="Emails sent to your affiliates" done={steps[5]}>
              <Text as="p">
                {emailsApi
                  ? `Each affiliate gets an email with their code and their commission when a code is assigned. ${emails.data ? `${emails.data.total} ${emails.data.total === 1 ? 'email' : 'emails'} so far.` : ''}`
                  : 'Each affiliate gets an email with their code and their commission when a code is assigned.'}
              </Text>
              {emailsApi && <InlineStack><Button onClick={() => navigate('/emails')}>See the emails</Button></InlineStack>}
            </Step>
            <Step n={7} title="Place a test order" done={steps[6]}>
              <TestOrder stores={stores} sandbox={list.sandbox} sales={saleCount} />
            </Step>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Step({ n, title, done, children }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">{n}. {title}</Text>
          {done ? <Badge tone="success">Done</Badge> : <Badge>To do</Badge>}
        </InlineStack>
        {children}
      </BlockStack>
    </Card>
  );
}

function Commission({ onSaved }) {
  const { settings, toast, reloadSettings } = useApp();
  const rule = settings ? settings.default_commission : null;
  const [pct, setPct] = useState(rule ? percentText(rule.basis_points) : '10');
  const [hold, setHold] = useState(rule ? String(rule.hold_days) : '30');
  const [saving, setSaving] = useState(false);
  const bp = parsePercent(pct);
  const save = async () => {
    setSaving(true);
    try {
      await api('/settings', { method: 'PUT', body: { default_commission: { kind: 'percent', basis_points: bp, hold_days: Number(hold) } } });
      toast('Commission saved');
      reloadSettings();
      onSaved();
    } catch (e) {
      toast(e.message, true);
    } finally {
      setSaving(false);
    }
  };
  return (
    <BlockStack gap="300">
      <Text as="p">What affiliates earn on each order paid with their code, and how long it waits for refunds before it can be paid.</Text>
      <FormLayout>
        <FormLayout.Group condensed>
          <TextField label="Commission" suffix="%" value={pct} onChange={setPct} autoComplete="off" error={bp === null ? 'A percent from 0 to 100' : undefined} />
          <TextField label="Hold period" suffix="days" type="number" min={0} value={hold} onChange={setHold} autoComplete="off" />
        </FormLayout.Group>
      </FormLayout>
      <InlineStack><Button onClick={save} loading={saving} disabled={bp === null}>Save commission</Button></InlineStack>
    </BlockStack>
  );
}
