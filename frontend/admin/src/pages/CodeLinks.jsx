// The codes' tracked links: each code's APP_URL/r/{slug} with its visits
// and conversion rate over the last 30 days, where it sends visitors (and
// whether that applies the code), and a dialog to rename it, choose its
// landing page and set the store's checkout page where one is needed.
import { useState } from 'react';
import { Banner, BlockStack, Button, FormLayout, InlineStack, Modal, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { ErrorBanner, useApp } from '../ui.jsx';

/** The links of the codes shown, and their last 30 days by code id. */
export function useCodeLinks(rows) {
  const ids = rows.map((c) => c.id).join(',');
  const links = useApi(ids ? `/links?code_ids=${ids}` : null);
  const report = useApi(ids ? '/links/report' : null);
  const byCode = new Map(((links.data && links.data.data) || []).map((l) => [l.code_id, l]));
  const stats = new Map(((report.data && report.data.data) || []).map((r) => [r.code_id, r]));
  return { link: (c) => byCode.get(c.id), stats: (c) => stats.get(c.id), reload: () => { links.reload(); report.reload(); } };
}

/** A conversion rate as a percentage, or a dash without visits. */
export function rateText(s) {
  if (!s || !s.visits) return '—';
  return `${(s.conversion_rate * 100).toFixed(1)}%`;
}

/** A code's link in the table: its short address, visits and conversion rate. */
export function LinkCell({ link, stats, onEdit }) {
  if (!link) return <Text as="span" tone="subdued">—</Text>;
  const visits = (stats && stats.visits) || 0;
  return (
    <BlockStack gap="050">
      <InlineStack gap="100" wrap={false} blockAlign="center">
        <Text as="span" breakWord>/r/{link.slug}</Text>
        <Button size="micro" variant="plain" onClick={onEdit}>Edit</Button>
      </InlineStack>
      <Text as="span" tone={link.applies_code ? 'subdued' : 'caution'} variant="bodySm">
        {visits} visit{visits === 1 ? '' : 's'} · {rateText(stats)} converted{link.applies_code ? '' : ' · code not applied'}
      </Text>
    </BlockStack>
  );
}

/** Renames a code's link, sets its landing page and, for Stripe or Paddle, the store's checkout page. */
export function LinkModal({ code, link, onClose, onDone }) {
  const { toast } = useApp();
  const [slug, setSlug] = useState(link.slug);
  const [landing, setLanding] = useState(link.landing_path || '');
  const needsCheckout = ['stripe', 'paddle'].includes(link.platform);
  const dests = useApi(needsCheckout ? '/links/destinations' : null);
  const dest = ((dests.data && dests.data.data) || []).find((d) => d.connection_id === code.connection_id);
  const [checkout, setCheckout] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      if (dest && checkout !== null && checkout !== dest.checkout_url) {
        await api(`/links/destinations/${dest.connection_id}`, { method: 'PUT', body: { checkout_url: checkout } });
      }
      await api(`/codes/${code.id}/link`, { method: 'PUT', body: { slug, landing_path: landing } });
      toast('Link saved');
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal open onClose={onClose} title={`Link of ${code.code}`}
      primaryAction={{ content: 'Save', onAction: save, loading: busy }} secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">Share <Text as="span" fontWeight="semibold">{link.url}</Text>: each visit is counted once per visitor
            in 30 minutes (bots, link previews and prefetches are not), then sent on.</Text>
          <Banner tone={link.applies_code ? 'info' : 'warning'}>{link.note}</Banner>
          <FormLayout>
            <TextField label="Link name" prefix="/r/" value={slug} onChange={setSlug} autoComplete="off"
              helpText="Letters, digits, - and _. The old name stops working when you rename it." />
            {link.platform !== 'stripe' && link.platform !== 'paddle' && (
              <TextField label="Landing page" value={landing} onChange={setLanding} autoComplete="off" placeholder="/products/hat"
                helpText="A page of your store; empty for its home page." />
            )}
            {dest && (
              <TextField label={link.platform === 'stripe' ? 'Stripe Payment Link' : 'Paddle checkout page'} type="url"
                value={checkout === null ? dest.checkout_url : checkout} onChange={setCheckout} autoComplete="off"
                placeholder={link.platform === 'stripe' ? 'https://buy.stripe.com/…' : 'https://…'}
                helpText="Used by every link of this store's codes." />
            )}
          </FormLayout>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
