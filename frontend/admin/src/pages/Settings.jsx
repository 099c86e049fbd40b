// Settings: default commission, hold days, lifetime attribution, naming
// rule, email templates.
import { useEffect, useState } from 'react';
import { BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { formatMoney, majorText, parseMoney, parsePercent, percentText } from '../money.js';
import { useDebounced } from '../hooks.js';
import { Loading, useApp } from '../ui.jsx';
import { EmailTemplates } from './EmailTemplates.jsx';
import { EmailBranding } from './EmailBranding.jsx';
import { RepeatRateField } from './RepeatRate.jsx';
import { repeatFields, repeatText } from '../commissionRules.js';
import { formErrors } from '../formErrors.js';
import { lifetimeBody, lifetimeForm } from '../lifetime.js';
import { LifetimeFields } from './LifetimeSettings.jsx';
import { PayPalSettings, PayoutSchedule } from './PayoutSettings.jsx';

/** The code a naming rule gives Ann Lee at 15% off, made by the server's generator itself. */
function useSampleCode(rule) {
  const debounced = useDebounced(rule, 300);
  const [sample, setSample] = useState({ code: '', error: '' });
  useEffect(() => {
    if (!debounced.trim()) { setSample({ code: '', error: '' }); return undefined; }
    let live = true;
    api('/codes/preview', { method: 'POST', body: { template: debounced, discount_type: 'percentage', discount_value: 1500, sample: true } })
      .then((r) => live && setSample({ code: r.data[0].code, error: '' }))
      .catch((e) => live && setSample({ code: '', error: e.message }));
    return () => { live = false; };
  }, [debounced]);
  return sample;
}

/** The Settings page. */
export function Settings() {
  const { settings, toast, reloadSettings } = useApp();
  const [f, setF] = useState(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState(null);
  const sample = useSampleCode(f ? f.naming : '');
  useEffect(() => {
    if (!settings) return;
    const r = settings.default_commission;
    setF({ naming: settings.naming_rule, kind: r.kind, pct: percentText(r.basis_points), flat: majorText(r.flat_amount, settings.currency),
      hold: String(r.hold_days), repeat: repeatText(r, settings.currency), months: r.recurring_months === null ? '' : String(r.recurring_months), minPayout: majorText(settings.min_payout || 0, settings.currency), lifetime: lifetimeForm(settings.lifetime) });
  }, [settings]);
  if (!f) return <Page title="Settings"><Loading /></Page>;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const rule = { kind: f.kind, hold_days: Number(f.hold), recurring_months: f.months === '' ? null : Number(f.months),
    basis_points: f.kind === 'percent' ? parsePercent(f.pct) : 0, flat_amount: f.kind === 'flat' ? parseMoney(f.flat, settings.currency) : 0,
    currency: settings.currency };
  const repeat = repeatFields(f.kind, f.repeat, settings.currency);
  Object.assign(rule, repeat.fields);
  const minPayout = f.minPayout.trim() === '' ? 0 : parseMoney(f.minPayout, settings.currency);
  const lifetime = lifetimeBody(f.lifetime);
  const errs = formErrors(error, ['lifetime.days']);
  const valid = (f.kind === 'percent' ? rule.basis_points !== null : rule.flat_amount !== null) && f.naming.trim() !== '' && minPayout !== null && !repeat.error && !lifetime.error;
  const save = async () => {
    setSaving(true);
    try {
      await api('/settings', { method: 'PUT', body: { naming_rule: f.naming, default_commission: rule, min_payout: minPayout, lifetime: lifetime.body } });
      setError(null);
      toast('Settings saved');
      reloadSettings();
    } catch (e) {
      setError(e);
      toast(e.message, true);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Page title="Settings" primaryAction={{ content: 'Save', onAction: save, loading: saving, disabled: !valid }}>
      <Layout>
        <Layout.AnnotatedSection title="Default commission" description="What every affiliate earns unless you set their own on their page.">
          <Card>
            <FormLayout>
              <Select label="Kind" options={[{ label: 'Percent of the order subtotal', value: 'percent' }, { label: 'Flat amount per order', value: 'flat' }]} value={f.kind} onChange={set('kind')} />
              {f.kind === 'percent'
                ? <TextField label="Commission" suffix="%" value={f.pct} onChange={set('pct')} autoComplete="off" error={rule.basis_points === null ? 'A percent from 0 to 100' : undefined} />
                : <TextField label="Amount per order" suffix={settings.currency} value={f.flat} onChange={set('flat')} autoComplete="off" error={rule.flat_amount === null ? 'An amount like 5.00' : undefined} />}
              <RepeatRateField kind={f.kind} value={f.repeat} onChange={set('repeat')} currency={settings.currency} error={repeat.error} />
              <FormLayout.Group condensed>
                <TextField label="Hold period" suffix="days" type="number" value={f.hold} onChange={set('hold')} autoComplete="off" helpText="Refunds in this time take the commission back before it is payable." />
                <TextField label="Subscription renewals" suffix="months" type="number" value={f.months} onChange={set('months')} autoComplete="off" helpText="0: first payment only; empty: for the subscription's lifetime." />
              </FormLayout.Group>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Lifetime attribution" description="Whether a customer’s later orders keep earning for the affiliate who brought them.">
          <Card>
            <LifetimeFields f={f.lifetime} onChange={(l) => { setF({ ...f, lifetime: l }); if (errs.fields['lifetime.days']) setError(null); }}
              error={lifetime.error || errs.fields['lifetime.days']} />
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Code naming rule" description="How generated codes are named.">
          <Card>
            <BlockStack gap="200">
              <TextField label="Naming rule" value={f.naming} onChange={set('naming')} autoComplete="off"
                error={sample.error || undefined}
                helpText="{FIRST}, {LAST}, {NAME}, {DISCOUNT} and {RANDOM4}. Letters, digits, - and _ are kept as typed (Stripe and Paddle codes take letters and digits only, so - and _ are left out there); other characters are left out. A second code for the same name gets a letter after a number (NOAH10B) or a number after a letter (NOAH2)." />
              <Text as="p">Example for Ann Lee at 15% off: <Text as="span" fontWeight="bold">{sample.code || '—'}</Text></Text>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Payouts" description="Pay everyone payable skips affiliates whose approved balance is below this.">
          <Card>
            <TextField label="Minimum payout" suffix={settings.currency} value={f.minPayout} onChange={set('minPayout')} autoComplete="off"
              error={minPayout === null ? 'An amount like 25.00, or 0 for no minimum' : undefined}
              helpText={minPayout ? `Affiliates are paid once they have ${formatMoney(minPayout, settings.currency)} approved.` : 'No minimum: every positive approved balance is paid.'} />
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Paying through PayPal" description="The PayPal app that pays affiliates who chose PayPal, from the Payouts page or on schedule.">
          <PayPalSettings />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Payout schedule" description="Pay affiliates by themselves each month through PayPal, Stripe Connect or store credit.">
          <PayoutSchedule />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Store currency" description="Commission is counted in this currency.">
          <Card><Text as="p" variant="headingLg">{settings.currency}</Text></Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Branding" description="How your emails to affiliates look and whom they come from.">
          <EmailBranding />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Emails to affiliates" description="What affiliates receive: plain text with merge tags. The preview shows it with a sample affiliate.">
          <EmailTemplates />
        </Layout.AnnotatedSection>
      </Layout>
      <InlineStack align="end"><div style={{ padding: '16px 0' }}><Button variant="primary" onClick={save} loading={saving} disabled={!valid}>Save</Button></div></InlineStack>
    </Page>
  );
}
