// One conversion: the order, who it credits and why, the rules that
// decided its commission as booked (per line when it came with lines),
// its refunds, every ledger entry booked for it and what was done by hand.
import { useState } from 'react';
import { Badge, Banner, BlockStack, Card, DataTable, InlineGrid, InlineStack, Page, Text } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { ErrorBanner, Loading, StatusBadge, formatDate } from '../ui.jsx';
import { Link, navigate } from '../router.jsx';
import { ReviewModal } from './ConversionModals.jsx';
import { ConversionLines } from './ConversionLines.jsx';
import { creditText } from '../lifetime.js';

const platforms = { shopify: 'Shopify', stripe: 'Stripe', paddle: 'Paddle', woocommerce: 'WooCommerce', api: 'API' };
const entryKinds = { accrual: 'Commission booked', reversal: 'Commission reversed', adjustment: 'Adjustment', payout: 'Payout' };
const auditActions = { approve: 'Self-referral approved', reject: 'Self-referral rejected', manual: 'Added by hand', adjustment: 'Adjustment' };

/** Label and value pairs on one card. */
function Facts({ title, facts }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{title}</Text>
        {facts.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([label, value]) => (
          <InlineGrid key={label} columns={{ xs: 1, sm: ['oneThird', 'twoThirds'] }} gap="100">
            <Text as="span" tone="subdued">{label}</Text>
            <Text as="span" breakWord>{value}</Text>
          </InlineGrid>
        ))}
      </BlockStack>
    </Card>
  );
}

/** Why the conversion credits its affiliate and earns what it does, in words. */
function whyText(c) {
  const credit = creditText(c);
  const parts = [credit];
  if (c.status === 'flagged') parts.push(c.flag_reason ? `Flagged: ${c.flag_reason}.` : 'Flagged as the affiliate’s own purchase.');
  if (c.commission_note) parts.push(`Note: ${c.commission_note}.`);
  return parts.join(' ');
}

/** The conversion detail page. */
export function ConversionDetail({ id }) {
  const d = useApi(`/conversions/${id}`);
  const [review, setReview] = useState(null);
  if (d.error) {
    return <Page title="Conversion" backAction={{ content: 'Conversions', onAction: () => navigate('/conversions') }}><ErrorBanner error={d.error} onRetry={d.reload} /></Page>;
  }
  if (!d.data) return <Page title="Conversion"><Loading /></Page>;
  const c = d.data;
  const reviewed = (c.audits || []).find((a) => a.action === 'approve' || a.action === 'reject');
  const canReview = c.status === 'flagged' && !reviewed && c.affiliate_id;
  const net = c.commission - c.reversed_commission;
  const manual = c.origin === 'manual';
  const platform = manual ? 'Added by hand' : platforms[c.platform] || c.platform;
  const store = manual ? '' : c.store_name;
  return (
    <Page title={`Order ${c.order_number || c.order_id}`} subtitle={[platform, store, formatDate(c.placed_at)].filter(Boolean).join(' · ')}
      titleMetadata={<InlineStack gap="100"><StatusBadge status={c.status} />{c.origin === 'manual' && <Badge>Manual</Badge>}{c.credited_by === 'repeat' && <Badge tone="info">Repeat order</Badge>}</InlineStack>}
      backAction={{ content: 'Conversions', onAction: () => navigate('/conversions') }}
      primaryAction={canReview ? { content: 'Approve', onAction: () => setReview('approve') } : undefined}
      secondaryActions={canReview ? [{ content: 'Reject', destructive: true, onAction: () => setReview('reject') }] : []}>
      <BlockStack gap="400">
        {canReview && (
          <Banner tone="warning" title="Self-referral: not paid unless you approve it">
            <p>The customer’s email is the affiliate’s own. Approve it to pay the commission its rule gives, or reject it to keep it out for good.</p>
          </Banner>
        )}
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <Facts title="Order" facts={[
            ['Platform', platform], ['Store', store],
            ['Order number', c.order_number], ['Order id', c.order_id !== c.order_number ? c.order_id : ''],
            ['Date', formatDate(c.placed_at)], ['Subtotal', formatMoney(c.subtotal, c.currency)],
            ['Discount', c.discount ? formatMoney(c.discount, c.currency) : 'None'], ['Currency', c.currency],
            ['Customer', [c.customer_name, c.customer_email].filter(Boolean).join(' · ')],
          ]} />
          <Facts title="Commission" facts={[
            ['Affiliate', c.affiliate_id ? <Link url={`/affiliates/${c.affiliate_id}`}>{c.affiliate_name}</Link> : 'None'],
            ['Code', c.code || '—'], ['Why', whyText(c)],
            ['Rule applied', c.why || ''],
            [c.why ? 'Rule today' : 'Rule', c.rule ? `${c.rule.own ? 'Their own rule' : 'Your default rule'}: ${c.rule.terms}${c.why ? '. It applies to orders booked from now on.' : ''}` : ''],
            ['Commission', c.status === 'flagged' ? 'None: not paid unless approved' : formatMoney(c.commission, c.currency)],
            ['Reversed', c.reversed_commission ? formatMoney(c.reversed_commission, c.currency) : ''],
            ['Net commission', c.status === 'flagged' ? '' : formatMoney(net, c.currency)],
            ['Payable on', c.status === 'pending' && c.commission > 0 ? formatDate(c.approve_at) : ''],
          ]} />
        </InlineGrid>
        {c.lines && c.lines.length > 0 && <ConversionLines lines={c.lines} currency={c.currency} />}
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Ledger entries</Text>
            {c.entries.length === 0 ? <Text as="p" tone="subdued">Nothing was booked for this order.</Text> : (
              <DataTable columnContentTypes={['text', 'numeric', 'text', 'text', 'text']} headings={['Entry', 'Amount', 'Date', 'Status', 'Note']}
                rows={c.entries.map((e) => [entryKinds[e.kind] || e.kind, formatMoney(e.amount, e.currency), formatDate(e.created_at), <StatusBadge key={e.id} status={e.status} />, e.note || ''])} />
            )}
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Refunds</Text>
            {!(c.refunds && c.refunds.length) ? <Text as="p" tone="subdued">No refunds.</Text> : (
              <DataTable columnContentTypes={['text', 'numeric', 'text']} headings={['Date', 'Goods refunded', 'Outcome']}
                rows={c.refunds.map((r) => [formatDate(r.refunded_at), formatMoney(r.subtotal || r.amount, r.currency || c.currency),
                  r.fail_reason ? `Changed nothing: ${r.fail_reason}` : r.applied_at ? (r.note || 'Commission reversed pro rata') : 'Waiting for its order'])} />
            )}
          </BlockStack>
        </Card>
        {c.audits.length > 0 && (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Changes made by hand</Text>
              {c.audits.map((a) => (
                <Text as="p" key={a.id}>
                  <Text as="span" fontWeight="semibold">{auditActions[a.action] || a.action}</Text>
                  {` on ${formatDate(a.created_at)} by ${a.actor}: “${a.reason}”`}
                </Text>
              ))}
            </BlockStack>
          </Card>
        )}
      </BlockStack>
      {review && <ReviewModal conversion={c} action={review} onClose={() => setReview(null)} onDone={() => { setReview(null); d.reload(); }} />}
    </Page>
  );
}
