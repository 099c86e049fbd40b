// One affiliate: details, their own commission, codes and earnings.
import { useEffect, useState } from 'react';
import {
  Badge, BlockStack, Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Select, Text, TextField,
} from '@shopify/polaris';
import { api } from '../api.js';
import { formErrors } from '../formErrors.js';
import { useApi } from '../hooks.js';
import { discountLabel, formatMoney, parseMoney, parsePercent, percentText } from '../money.js';
import { navigate } from '../router.jsx';
import { ErrorBanner, Loading, StatusBadge, formatDate, useApp } from '../ui.jsx';
import { AffiliateEmails, COMMISSION_CHANGED } from './AffiliateEmails.jsx';
import { AffiliateLifetime } from './AffiliateLifetime.jsx';
import { AffiliatePayoutDetails } from './AffiliatePayoutDetails.jsx';
import { RepeatRateField } from './RepeatRate.jsx';
import { repeatFields, repeatText } from '../commissionRules.js';

/** The page of one affiliate. */
export function AffiliateDetail({ id }) {
  const aff = useApi(`/affiliates/${id}`);
  const codes = useApi(`/codes?affiliate_id=${id}&per_page=100`);
  const balances = useApi(`/balances?affiliate_id=${id}`);
  const convs = useApi(`/conversions?affiliate_id=${id}&per_page=20`);
  if (aff.error) {
    return (
      <Page title="Affiliate" backAction={{ content: 'Affiliates', url: '/affiliates' }}>
        <ErrorBanner error={aff.error} onRetry={aff.reload} />
      </Page>
    );
  }
  const a = aff.data;
  return (
    <Page title={a ? a.name : 'Affiliate'} subtitle={a ? a.email : ''} titleMetadata={a && <StatusBadge status={a.status} />}
      backAction={{ content: 'Affiliates', url: '/affiliates' }}
      primaryAction={{ content: 'Give a code', onAction: () => navigate(`/codes?generate=1&affiliate=${id}`) }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Earnings</Text>
                {balances.data ? (
                  balances.data.data.length ? (
                    <DataTable columnContentTypes={['text', 'numeric', 'text', 'numeric', 'numeric']} headings={['Currency', 'Pending', 'Next payable on', 'Approved', 'Paid']}
                      rows={balances.data.data.map((b) => [b.currency, formatMoney(b.pending, b.currency), b.next_payable_at ? formatDate(b.next_payable_at) : '—', formatMoney(b.approved, b.currency), formatMoney(b.paid, b.currency)])} />
                  ) : <Text as="p" tone="subdued">No commission yet. It appears when an order is paid with one of their codes.</Text>
                ) : <Loading lines={2} />}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Codes</Text>
                {codes.data ? (
                  codes.data.data.length ? (
                    <DataTable columnContentTypes={['text', 'text', 'text']} headings={['Code', 'Discount', 'Status']}
                      rows={codes.data.data.map((c) => [c.code, discountLabel(c), c.active ? 'Active' : 'Inactive'])} />
                  ) : <Text as="p" tone="subdued">No code yet: use “Give a code” to generate one, or assign one on the Codes page.</Text>
                ) : <Loading lines={2} />}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Recent conversions</Text>
                {convs.data ? (
                  convs.data.data.length ? (
                    <DataTable columnContentTypes={['text', 'text', 'numeric', 'numeric', 'text']} headings={['Order', 'Date', 'Subtotal', 'Commission', 'Status']}
                      rows={convs.data.data.map((c) => [c.kind === 'adjustment' ? `Adjustment: ${c.note}` : c.order_number || c.order_id, formatDate(c.placed_at), formatMoney(c.subtotal, c.currency), formatMoney(c.commission - c.reversed_commission, c.currency), <PayableStatus key={c.id} conversion={c} />])} />
                  ) : <Text as="p" tone="subdued">No orders with their codes yet.</Text>
                ) : <Loading lines={2} />}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            {a && <EditAffiliate a={a} onSaved={aff.reload} />}
            {a && <AffiliatePayoutDetails affiliate={a} onSaved={aff.reload} />}
            {a && <CommissionOverride id={id} />}
            {a && <AffiliateLifetime a={a} onSaved={aff.reload} />}
            {a && <AffiliateEmails affiliate={a} />}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function EditAffiliate({ a, onSaved }) {
  const { toast } = useApp();
  const [f, setF] = useState({ name: a.name, email: a.email, status: a.status, notes: a.notes || '' });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState(null);
  const errs = formErrors(error, ['name', 'email', 'status', 'notes']);
  const set = (k) => (v) => {
    setF({ ...f, [k]: v });
    if (errs.fields[k]) setError(null);
  };
  const save = async () => {
    setSaving(true);
    try {
      await api(`/affiliates/${a.id}`, { method: 'PATCH', body: f });
      setError(null);
      toast('Affiliate saved');
      onSaved();
    } catch (e) {
      if (formErrors(e, ['name', 'email', 'status', 'notes']).general) toast(e.message, true);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Details</Text>
        <FormLayout>
          <TextField label="Name" value={f.name} onChange={set('name')} autoComplete="off" error={errs.fields.name} />
          <TextField label="Email" type="email" value={f.email} onChange={set('email')} autoComplete="off" error={errs.fields.email} />
          <Select label="Status" options={[{ label: 'Active', value: 'active' }, { label: 'Disabled: earns nothing more', value: 'disabled' }]} value={f.status} onChange={set('status')} error={errs.fields.status} />
          <TextField label="Notes" value={f.notes} onChange={set('notes')} multiline={2} autoComplete="off" error={errs.fields.notes} />
        </FormLayout>
        <InlineStack align="end"><Button variant="primary" onClick={save} loading={saving}>Save</Button></InlineStack>
      </BlockStack>
    </Card>
  );
}

function CommissionOverride({ id }) {
  const { toast } = useApp();
  const rule = useApi(`/affiliates/${id}/commission`);
  const [f, setF] = useState(null);
  useEffect(() => {
    if (rule.data) {
      const r = rule.data.rule;
      setF({ kind: r.kind, pct: percentText(r.basis_points), flat: formatMoney(r.flat_amount, r.currency).replace(/[^0-9.]/g, ''), currency: r.currency, hold: String(r.hold_days), repeat: repeatText(r, r.currency) });
    }
  }, [rule.data]);
  if (!f) return <Loading lines={3} />;
  const own = rule.data.source === 'affiliate';
  const body = { kind: f.kind, hold_days: Number(f.hold), basis_points: f.kind === 'percent' ? parsePercent(f.pct) : 0, flat_amount: f.kind === 'flat' ? parseMoney(f.flat, f.currency) : 0 };
  const repeat = repeatFields(f.kind, f.repeat, f.currency);
  Object.assign(body, repeat.fields);
  const valid = (f.kind === 'percent' ? body.basis_points !== null : body.flat_amount !== null) && !repeat.error;
  const call = async (method) => {
    try {
      await api(`/affiliates/${id}/commission`, { method, body: method === 'PUT' ? body : undefined });
      toast(method === 'PUT' ? 'Commission saved' : 'Back to the default commission');
      rule.reload();
      window.dispatchEvent(new Event(COMMISSION_CHANGED));
    } catch (e) {
      toast(e.message, true);
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Commission</Text>
        <Text as="p" tone="subdued">{own ? 'This affiliate has their own commission.' : 'This affiliate earns your default commission. Change it here for them alone.'}</Text>
        <FormLayout>
          <Select label="Kind" options={[{ label: 'Percent of the order', value: 'percent' }, { label: 'Flat amount per order', value: 'flat' }]} value={f.kind} onChange={(v) => setF({ ...f, kind: v })} />
          {f.kind === 'percent'
            ? <TextField label="Commission" suffix="%" value={f.pct} onChange={(v) => setF({ ...f, pct: v })} autoComplete="off" />
            : <TextField label="Amount" suffix={f.currency} value={f.flat} onChange={(v) => setF({ ...f, flat: v })} autoComplete="off" />}
          <RepeatRateField kind={f.kind} value={f.repeat} onChange={(v) => setF({ ...f, repeat: v })} currency={f.currency} error={repeat.error} />
          <TextField label="Hold period" suffix="days" type="number" value={f.hold} onChange={(v) => setF({ ...f, hold: v })} autoComplete="off" />
        </FormLayout>
        <InlineStack align="end" gap="200">
          {own && <Button onClick={() => call('DELETE')}>Use the default</Button>}
          <Button variant="primary" disabled={!valid} onClick={() => call('PUT')}>Save commission</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

/** A conversion's status, whether it is a repeat order, and when its commission becomes payable while on hold. */
function PayableStatus({ conversion: c }) {
  const repeat = c.lifetime && <Badge tone="info">Repeat order</Badge>;
  if (c.status !== 'pending' || c.commission <= 0) return <InlineStack gap="100"><StatusBadge status={c.status} />{repeat}</InlineStack>;
  return <InlineStack gap="100"><StatusBadge status={c.status} />{repeat}<Text as="span" tone="subdued">payable on {formatDate(c.approve_at)}</Text></InlineStack>;
}
