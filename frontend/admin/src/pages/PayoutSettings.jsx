// Settings for paying affiliates through a platform: the PayPal REST app
// the PayPal runs pay from, and the monthly payout schedule.
import { useEffect, useState } from 'react';
import { Badge, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { formErrors } from '../formErrors.js';
import { ErrorBanner, Loading, useApp } from '../ui.jsx';
import { methodLabel } from '../payoutRuns.js';

/** Saves body to path with PUT, keeping the API's error for the form. */
function useSave(path, done) {
  const { toast } = useApp();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState(null);
  const save = async (body, message) => {
    setSaving(true);
    try {
      const r = await api(path, { method: 'PUT', body });
      setError(null);
      toast(message);
      done(r);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, setError, save };
}

/** The "PayPal Payouts" card: the REST app's client id, secret and webhook id. */
export function PayPalSettings() {
  const cfg = useApi('/settings/paypal');
  const [f, setF] = useState({ client_id: '', secret: '', webhook_id: '' });
  const s = useSave('/settings/paypal', () => { setF((x) => ({ ...x, secret: '' })); cfg.reload(); });
  useEffect(() => {
    if (cfg.data) setF((x) => ({ ...x, client_id: cfg.data.client_id || '', webhook_id: cfg.data.webhook_id || '' }));
  }, [cfg.data]);
  if (!cfg.data && !cfg.error) return <Card><Loading lines={3} /></Card>;
  const on = cfg.data && cfg.data.configured;
  const errs = formErrors(s.error, ['client_id', 'secret', 'webhook_id']);
  const edit = (k) => (v) => { setF({ ...f, [k]: v }); if (errs.fields[k]) s.setError(null); };
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">PayPal Payouts</Text>
          {on ? <Badge tone="success">Configured</Badge> : <Badge>Not configured</Badge>}
        </InlineStack>
        <Text as="p" tone="subdued">Affiliates who chose PayPal are paid from your PayPal REST app (developer.paypal.com → Apps &amp; Credentials, with Payouts enabled).</Text>
        <ErrorBanner error={cfg.error || errs.general} />
        <FormLayout>
          <TextField label="Client id" value={f.client_id} onChange={edit('client_id')} autoComplete="off" error={errs.fields.client_id} />
          <TextField label="Secret" type="password" value={f.secret} onChange={edit('secret')} autoComplete="off" error={errs.fields.secret}
            placeholder={on ? 'Saved — enter it again to change it' : ''}
            helpText="Stored encrypted and never shown again. Enter it again whenever you save." />
          <TextField label="Webhook id" value={f.webhook_id} onChange={edit('webhook_id')} autoComplete="off" error={errs.fields.webhook_id}
            helpText="Optional: the id of the webhook you added to the app for payout events, so payouts settle as soon as PayPal says." />
        </FormLayout>
        <InlineStack align="end">
          <Button variant="primary" onClick={() => s.save(f, 'PayPal credentials saved')} loading={s.saving}>Save PayPal credentials</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

const scheduled = ['paypal', 'stripe_connect', 'store_credit'];

/** The "Payout schedule" card: off, or a day of the month and the methods paid then. */
export function PayoutSchedule() {
  const cur = useApi('/settings/payout-schedule');
  const [f, setF] = useState(null);
  const s = useSave('/settings/payout-schedule', () => cur.reload());
  useEffect(() => {
    if (!cur.data) return;
    const p = cur.data.payout_schedule;
    setF({ on: !!p, day: p ? String(p.day_of_month) : '1', methods: p ? p.methods : ['paypal'] });
  }, [cur.data]);
  if (!f) return <Card>{cur.error ? <ErrorBanner error={cur.error} onRetry={cur.reload} /> : <Loading lines={3} />}</Card>;
  const errs = formErrors(s.error, ['day_of_month', 'methods']);
  const edit = (k) => (v) => { setF({ ...f, [k]: v }); s.setError(null); };
  const toggle = (m) => (checked) => edit('methods')(checked ? [...f.methods, m] : f.methods.filter((x) => x !== m));
  const body = f.on ? { payout_schedule: { day_of_month: Number(f.day), methods: f.methods } } : { payout_schedule: null };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Payout schedule</Text>
        <ErrorBanner error={errs.general} />
        <Checkbox label="Pay affiliates every month" checked={f.on} onChange={edit('on')}
          helpText="On the day you choose (or the first time the app runs after it), one run per method pays everyone payable, once a month." />
        {f.on && (
          <FormLayout>
            <TextField label="Day of the month" type="number" min={1} max={28} value={f.day} onChange={edit('day')} autoComplete="off"
              error={errs.fields.day_of_month} helpText="1 to 28, so that every month has it. Days are in UTC." />
            <BlockStack gap="100">
              <Text as="p">Methods paid</Text>
              {scheduled.map((m) => <Checkbox key={m} label={methodLabel(m)} checked={f.methods.includes(m)} onChange={toggle(m)} />)}
              {errs.fields.methods && <Text as="p" tone="critical">{errs.fields.methods}</Text>}
            </BlockStack>
          </FormLayout>
        )}
        <InlineStack align="end">
          <Button variant="primary" onClick={() => s.save(body, f.on ? 'Payout schedule saved' : 'Payout schedule turned off')} loading={s.saving}>Save schedule</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
