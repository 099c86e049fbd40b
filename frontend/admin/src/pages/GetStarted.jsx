// The checklist a new merchant works through, top to bottom.
import { useState } from 'react';
import {
  Badge, BlockStack, Box, Button, Card, FormLayout, InlineStack, Layout, Page, ProgressBar, Text, TextField,
} from '@shopify/polaris';
import { api, embedded, shop } from '../api.js';
import { useApi, useInterval } from '../hooks.js';
import { navigate } from '../router.jsx';
import { parsePercent, percentText } from '../money.js';
import { ErrorBanner, useApp } from '../ui.jsx';

const commissionKey = 'codecredit.commission_confirmed';

/** The Get started page. */
export function GetStarted() {
  const conns = useApi('/connections');
  const affs = useApi('/affiliates?per_page=1');
  const assigned = useApi('/codes?assigned=yes&per_page=1');
  const emails = useApi('/emails?per_page=1');
  const stores = ((conns.data && conns.data.data) || []).filter((c) => c.platform !== 'api');
  // A fresh install queues its import: watch it start, then run.
  const [opened] = useState(() => Date.now());
  const importing = stores.some((c) => c.import_state === 'running' || (c.status === 'active' && !c.import_state && Date.now() - opened < 120000));
  useInterval(conns.reload, 1500, importing);
  // A failed import retries on its own: look again now and then.
  useInterval(conns.reload, 15000, !importing && stores.some((c) => c.import_state === 'failed' && c.status === 'active'));
  const [commissionDone, setCommissionDone] = useState(() => window.localStorage.getItem(commissionKey) === '1');

  const emailsApi = !(emails.error && emails.error.status === 404);
  const steps = [
    stores.some((c) => c.status === 'active'),
    stores.some((c) => c.import_state === 'done'),
    commissionDone,
    !!(affs.data && affs.data.total > 0),
    !!(assigned.data && assigned.data.total > 0),
    emailsApi ? !!(emails.data && emails.data.total > 0) : !!(assigned.data && assigned.data.total > 0),
  ];
  const done = steps.filter(Boolean).length;
  return (
    <Page title="Get started" subtitle="Six steps from install to your first affiliate sale, about ten minutes in all.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ErrorBanner error={conns.error} onRetry={conns.reload} />
            <Card>
              <BlockStack gap="200">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">Your setup</Text>
                  <Text as="span" tone="subdued">{done} of {steps.length} done</Text>
                </InlineStack>
                <ProgressBar progress={(done / steps.length) * 100} tone="success" size="small" />
              </BlockStack>
            </Card>
            <Step n={1} title="Connect your store" done={steps[0]}>
              <ConnectStore stores={stores} />
            </Step>
            <Step n={2} title="Import your discount codes" done={steps[1]}>
              <ImportCodes stores={stores} onStarted={conns.reload} />
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
                  ? `Each affiliate gets an email with their code and their commission when a code is assigned. ${emails.data ? `${emails.data.total} email(s) so far.` : ''}`
                  : 'Each affiliate gets an email with their code and their commission when a code is assigned.'}
              </Text>
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

function ConnectStore({ stores }) {
  const [domain, setDomain] = useState('');
  const active = stores.filter((c) => c.status === 'active');
  if (active.length) {
    return <Text as="p">Connected: {active.map((c) => `${c.external_id} (${c.platform})`).join(', ')}.</Text>;
  }
  if (embedded) return <Text as="p">Connecting {shop}… reload the page if this does not change.</Text>;
  const shopDomain = domain.includes('.') ? domain.trim() : `${domain.trim()}.myshopify.com`;
  return (
    <BlockStack gap="300">
      <Text as="p">Connect the store your customers pay in, so Codecredit sees orders and your discount codes.</Text>
      <FormLayout>
        <FormLayout.Group>
          <TextField label="Shopify store" placeholder="your-store" suffix=".myshopify.com" value={domain} onChange={setDomain} autoComplete="off" />
        </FormLayout.Group>
      </FormLayout>
      <InlineStack gap="200">
        <Button variant="primary" disabled={!domain.trim()} url={`/auth/shopify?shop=${encodeURIComponent(shopDomain)}`}>Connect Shopify</Button>
        <Button url="/auth/stripe">Connect Stripe</Button>
      </InlineStack>
      <Text as="p" tone="subdued">Your own checkout? Send paid orders to POST /api/v1/orders with an API key.</Text>
    </BlockStack>
  );
}

function ImportCodes({ stores, onStarted }) {
  const { toast } = useApp();
  if (!stores.length) return <Text as="p" tone="subdued">Connect a store first: its existing discount codes come in here.</Text>;
  const restart = async (id) => {
    try {
      await api(`/connections/${id}/import`, { method: 'POST' });
      toast('Import started');
      onStarted();
    } catch (e) {
      toast(e.message, true);
    }
  };
  return (
    <BlockStack gap="300">
      {stores.map((c) => {
        const pct = c.import_total > 0 ? Math.min(100, (c.import_done / c.import_total) * 100) : c.import_state === 'done' ? 100 : 0;
        return (
          <BlockStack gap="100" key={c.id}>
            <InlineStack align="space-between">
              <Text as="span">{c.external_id}</Text>
              <Text as="span" tone="subdued">
                {c.import_state === 'running' && `Importing… ${c.import_done} of ${c.import_total || '?'} codes`}
                {c.import_state === 'done' && `${c.import_done} codes imported`}
                {c.import_state === 'failed' && c.status === 'active' && `Import failed (it is retried on its own for a while): ${c.last_error || 'unknown error'}`}
                {c.import_state === 'failed' && c.status !== 'active' && `Import stopped: ${c.last_error || 'connect the store again'}`}
                {!c.import_state && 'Not imported yet'}
              </Text>
            </InlineStack>
            <ProgressBar progress={pct} tone={c.import_state === 'failed' ? 'critical' : 'highlight'} ariaLabelledBy={undefined} />
            <Box>
              <Button variant="plain" disabled={c.import_state === 'running' || c.status !== 'active'} onClick={() => restart(c.id)}>
                {c.import_state ? 'Import again' : 'Import codes'}
              </Button>
            </Box>
          </BlockStack>
        );
      })}
    </BlockStack>
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
