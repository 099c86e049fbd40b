// The Commission page's tiers: higher rates for affiliates who sell more in
// a month, a quarter or their lifetime, with the optional bonus on
// crossing a tier; saved together with the Save tiers button.
import { useEffect, useState } from 'react';
import {
  Banner, BlockStack, Box, Button, Card, Checkbox, Divider, InlineGrid, InlineStack, Select, Text, TextField,
} from '@shopify/polaris';
import { DeleteIcon } from '@shopify/polaris-icons';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { METRICS, PERIODS, bonusExample, newTier, tierBody, tierErrorAt, tierForm } from '../tiers.js';
import { ErrorBanner, Loading, useApp } from '../ui.jsx';

/** One editable tier. */
function TierFields({ tier, n, metric, currency, errors, onChange, onRemove }) {
  const set = (k) => (v) => onChange({ ...tier, [k]: v });
  const label = tier.name.trim() || `Tier ${n}`;
  return (
    <div role="group" aria-label={`Tier ${n}`}>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingSm">{label}</Text>
          <Button variant="plain" tone="critical" icon={DeleteIcon} onClick={onRemove} accessibilityLabel={`Remove tier ${label}`} />
        </InlineStack>
        <InlineGrid columns={{ xs: 1, sm: 2 }} gap="200">
          <TextField label="Name" value={tier.name} onChange={set('name')} autoComplete="off" placeholder="Silver" error={errors.name} />
          <TextField label={metric === 'sales' ? 'From sales of' : 'From orders'} value={tier.threshold} onChange={set('threshold')} autoComplete="off"
            inputMode={metric === 'sales' ? 'decimal' : 'numeric'} suffix={metric === 'sales' ? currency : 'orders'} error={errors.threshold} />
        </InlineGrid>
        <InlineGrid columns={{ xs: 1, sm: 2 }} gap="200">
          <Select label="Pays" value={tier.kind} onChange={set('kind')}
            options={[{ label: 'Percent of each order', value: 'percent' }, { label: 'Amount per order', value: 'flat' }]} />
          <TextField label={tier.kind === 'percent' ? 'Commission' : 'Amount per order'} value={tier.rate} onChange={set('rate')} autoComplete="off"
            inputMode="decimal" suffix={tier.kind === 'percent' ? '%' : currency} error={errors.rate} />
        </InlineGrid>
      </BlockStack>
    </div>
  );
}

/** The tiers card. */
export function CommissionTiers({ onSaved }) {
  const { settings, toast } = useApp();
  const currency = settings.currency;
  const saved = useApi('/commission-tiers');
  const [f, setF] = useState(null);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (saved.data) setF(tierForm(saved.data, currency));
  }, [saved.data, currency]);
  if (saved.error) return <Card><ErrorBanner error={saved.error} onRetry={saved.reload} /></Card>;
  if (!f) return <Card><Loading lines={3} /></Card>;
  const { body, errors } = tierBody(f, currency);
  const apiAt = tierErrorAt(error, f.tiers);
  const apiMsg = error ? String(error.message).charAt(0).toUpperCase() + String(error.message).slice(1) : '';
  const tierErrors = (i) => ({
    ...(tried ? errors[i] || {} : {}),
    ...(apiAt && apiAt.index === i ? { [apiAt.field]: apiMsg } : {}),
  });
  const topError = (field) => (apiAt && apiAt.index === undefined && apiAt.field === field ? apiMsg : undefined);
  const edit = (next) => { setF(next); setError(null); };
  const set = (k) => (v) => edit({ ...f, [k]: v });
  const setTier = (i) => (t) => edit({ ...f, tiers: f.tiers.map((x, j) => (j === i ? t : x)) });
  const save = async () => {
    setTried(true);
    if (f.on && Object.keys(errors).length) return;
    setBusy(true);
    try {
      // Off keeps the tiers typed, but only valid ones can be sent.
      const out = await api('/commission-tiers', { method: 'PUT', body: f.on || !Object.keys(errors).length ? body : { ...body, tiers: (saved.data && saved.data.tiers) || [] } });
      setF(tierForm(out, currency));
      setTried(false);
      toast(out.metric ? 'Tiers saved' : 'Tiers turned off');
      saved.reload();
      if (onSaved) onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const sales = f.metric === 'sales';
  return (
    <Card>
      <div role="region" aria-labelledby="tiers-heading">
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd" id="tiers-heading">Tiers: higher rates for affiliates who sell more</Text>
          <Text as="p" tone="subdued">
            Once an affiliate’s sales or orders in the period reach a tier, their orders earn its rate instead of your program default.
            Crossing a tier changes the rate of later orders only, unless you pay the bonus below. An affiliate’s own rate,
            a code rule or a product rule comes first: tiers replace only your program default.
          </Text>
        </BlockStack>
        <Checkbox label="Use tiers" checked={f.on} onChange={set('on')}
          helpText={f.on ? undefined : 'Off: every affiliate without a rate of their own earns your program default.'} />
        {f.on && (
          <>
            <InlineGrid columns={{ xs: 1, sm: 2 }} gap="200">
              <Select label="Count" options={METRICS} value={f.metric} onChange={set('metric')} error={topError('metric')}
                helpText={sales ? `In ${currency}; orders in other currencies do not count.` : undefined} />
              <Select label="Period" options={PERIODS} value={f.period} onChange={set('period')} error={topError('period')}
                helpText={f.period === 'lifetime' ? undefined : 'Counts start again at the start of each period (UTC).'} />
            </InlineGrid>
            <Divider />
            {f.tiers.length === 0 && <Text as="p" tone="subdued">No tiers yet: add one, with the sales or orders that reach it and what it pays.</Text>}
            {f.tiers.map((t, i) => (
              <TierFields key={t.key} tier={t} n={i + 1} metric={f.metric} currency={currency} errors={tierErrors(i)}
                onChange={setTier(i)} onRemove={() => edit({ ...f, tiers: f.tiers.filter((_, j) => j !== i) })} />
            ))}
            {topError('tiers') && <Banner tone="critical"><p>{topError('tiers')}</p></Banner>}
            <InlineStack>
              <Button onClick={() => edit({ ...f, next: f.next + 1, tiers: [...f.tiers, newTier(f.next)] })}>Add tier</Button>
            </InlineStack>
            <Divider />
            <Checkbox label="Pay a bonus on crossing: top up the period’s earlier sales to the new rate" checked={f.bonus} onChange={set('bonus')}
              helpText="Booked as an adjustment for the affiliate with the order that reaches the tier. Paid between two percents (on the period’s sales) or two amounts per order (on its orders); a change from a percent to an amount, or back, pays no bonus." />
            <Box paddingInlineStart="600"><Text as="p" tone="subdued" variant="bodySm">{bonusExample(settings.default_commission, f.metric, f.period, currency)}</Text></Box>
          </>
        )}
        {apiAt === null && error && <ErrorBanner error={error} />}
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="p" tone="subdued" variant="bodySm">Applies to orders booked from now on; commission already booked does not change.</Text>
          <Button variant="primary" onClick={save} loading={busy}>Save tiers</Button>
        </InlineStack>
      </BlockStack>
      </div>
    </Card>
  );
}
