// Emails: the outbox, every email to affiliates with its status, filters
// by status and affiliate, each opened as sent; and the affiliates whose
// last codes email states a commission that has since changed.
import { useEffect, useState } from 'react';
import {
  Banner, BlockStack, Box, Card, IndexTable, InlineStack, Page, Pagination, Select, Text, useBreakpoints,
} from '@shopify/polaris';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { href, navigate } from '../router.jsx';
import { Empty, ErrorBanner, useApp } from '../ui.jsx';
import { EmailStatus, EmailView, SMTP_HELP, kindText } from './EmailView.jsx';
import { dateTimeText } from './PortalLink.jsx';

const PER_PAGE = 25;
const statuses = [
  { label: 'Any status', value: '' },
  { label: 'Held — no mail server', value: 'held' },
  { label: 'Queued', value: 'queued' },
  { label: 'Sent', value: 'sent' },
  { label: 'Failed', value: 'failed' },
];

/** The Emails page. */
export function Emails() {
  const query = new URLSearchParams(window.location.search);
  const [status, setStatus] = useState(query.get('status') || '');
  const [affiliate, setAffiliate] = useState(query.get('affiliate_id') || '');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState(null);
  const { smDown } = useBreakpoints();
  const params = new URLSearchParams({ per_page: PER_PAGE, page });
  if (status) params.set('status', status);
  if (affiliate) params.set('affiliate_id', affiliate);
  const list = useApi(`/emails?${params}`);
  const held = useApi('/emails?status=held&per_page=1');
  const affs = useApi('/affiliates?per_page=200');
  const filter = (k, v) => {
    const next = { status, affiliate_id: affiliate, [k]: v };
    if (k === 'status') setStatus(v); else setAffiliate(v);
    setPage(1);
    const q = new URLSearchParams(window.location.search);
    Object.entries(next).forEach(([name, val]) => (val ? q.set(name, val) : q.delete(name)));
    window.history.replaceState(null, '', href(`/emails?${q}`));
  };
  const rows = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  const filtered = status || affiliate;
  const affOptions = [{ label: 'Every affiliate', value: '' }, ...((affs.data && affs.data.data) || []).map((a) => ({ label: a.name, value: String(a.id) }))];
  if (affiliate && !affOptions.some((o) => o.value === affiliate)) affOptions.push({ label: 'This affiliate', value: affiliate });
  const reload = () => { list.reload(); held.reload(); };
  return (
    <Page title="Emails" subtitle="Every email to your affiliates: codes, earnings summaries, reversals and sign-in links.">
      <BlockStack gap="400">
        <ErrorBanner error={list.error} onRetry={list.reload} />
        <OutdatedBanner onSent={reload} />
        {held.data && held.data.total > 0 && (
          <Banner tone="warning" title={`${held.data.total} email${held.data.total === 1 ? ' is' : 's are'} held: no mail server is set up`}>
            <p>Held emails are kept here, unsent, so you can read them and hand your affiliates their codes yourself. {SMTP_HELP}</p>
          </Banner>
        )}
        {!list.loading && total === 0 && !filtered ? (
          <Empty heading="No emails yet" action={{ content: 'Give a code', onAction: () => navigate('/codes?generate=1') }}
            secondaryAction={{ content: 'Edit the emails', onAction: () => navigate('/settings') }}>
            An affiliate gets an email when you give them a code, when a refund takes back a commission, each month with their earnings, and when they ask to sign in to their portal.
          </Empty>
        ) : (
          <Card padding="0">
            <Box padding="300">
              <InlineStack gap="300" wrap>
                <div style={{ minWidth: 200 }}><Select label="Status" labelInline={!smDown} options={statuses} value={status} onChange={(v) => filter('status', v)} /></div>
                <div style={{ minWidth: 220 }}><Select label="Affiliate" labelInline={!smDown} options={affOptions} value={affiliate} onChange={(v) => filter('affiliate_id', v)} /></div>
              </InlineStack>
            </Box>
            <IndexTable resourceName={{ singular: 'email', plural: 'emails' }} itemCount={rows.length} selectable={false} loading={list.loading}
              condensed={smDown}
              emptyState={<Box padding="400"><Text as="p" tone="subdued">No email matches these filters.</Text></Box>}
              headings={[{ title: 'Recipient' }, { title: 'Email' }, { title: 'Subject' }, { title: 'Status' }, { title: 'Date' }]}>
              {rows.map((e, i) => (
                <IndexTable.Row id={String(e.id)} key={e.id} position={i} onClick={() => setOpen(e.id)}>
                  {smDown ? (
                    <IndexTable.Cell>
                      <div style={{ width: '100%' }}><BlockStack gap="100">
                        <InlineStack align="space-between" gap="200" wrap={false}>
                          <Text as="span" fontWeight="semibold" truncate>{e.to_name || e.to}</Text>
                          <Text as="span" tone="subdued" variant="bodySm">{dateTimeText(e.created_at)}</Text>
                        </InlineStack>
                        <Text as="span" breakWord>{kindText(e.kind)}: {e.subject}</Text>
                        <EmailStatus email={e} />
                      </BlockStack></div>
                    </IndexTable.Cell>
                  ) : (
                    <>
                      <IndexTable.Cell>
                        <BlockStack gap="050">
                          <Text as="span" fontWeight="semibold">{e.to_name || e.to}</Text>
                          {e.to_name && <Text as="span" tone="subdued" variant="bodySm">{e.to}</Text>}
                        </BlockStack>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{kindText(e.kind)}</IndexTable.Cell>
                      <IndexTable.Cell><div style={{ maxWidth: 320, whiteSpace: 'normal' }}>{e.subject}</div></IndexTable.Cell>
                      <IndexTable.Cell><div style={{ maxWidth: 260, whiteSpace: 'normal' }}><EmailStatus email={e} /></div></IndexTable.Cell>
                      <IndexTable.Cell>{dateTimeText(e.created_at)}</IndexTable.Cell>
                    </>
                  )}
                </IndexTable.Row>
              ))}
            </IndexTable>
            {total > PER_PAGE && (
              <Box padding="300">
                <InlineStack align="center">
                  <Pagination hasPrevious={page > 1} onPrevious={() => setPage(page - 1)} hasNext={page * PER_PAGE < total} onNext={() => setPage(page + 1)}
                    label={`Page ${page} of ${Math.ceil(total / PER_PAGE)}`} />
                </InlineStack>
              </Box>
            )}
          </Card>
        )}
      </BlockStack>
      {open && <EmailView id={open} onClose={() => setOpen(null)} onChanged={reload} />}
    </Page>
  );
}

/** Affiliates whose last codes email states a commission that changed since, with one action to update them all. */
export function OutdatedBanner({ affiliateId, onSent }) {
  const { toast } = useApp();
  const outdated = useApi(affiliateId ? `/emails/outdated?affiliate_id=${affiliateId}` : '/emails/outdated');
  const [busy, setBusy] = useState(false);
  const { reload } = outdated;
  useEffect(() => {
    window.addEventListener('codecredit:commission-changed', reload);
    return () => window.removeEventListener('codecredit:commission-changed', reload);
  }, [reload]);
  const rows = (outdated.data && outdated.data.data) || [];
  if (!rows.length) return null;
  const send = async () => {
    setBusy(true);
    try {
      const r = affiliateId
        ? await api(`/affiliates/${affiliateId}/send-codes`, { method: 'POST' }).then(() => ({ queued: 1 }))
        : await api('/emails/outdated/send', { method: 'POST' });
      toast(`${r.queued} updated email${r.queued === 1 ? '' : 's'} queued`);
      outdated.reload();
      if (onSent) onSent();
    } catch (e) {
      toast(e.message, true);
    } finally {
      setBusy(false);
    }
  };
  const title = affiliateId
    ? 'Their last codes email states a commission that has changed'
    : `${rows.length} affiliate${rows.length === 1 ? ' was' : 's were'} emailed a commission that has changed`;
  return (
    <Banner tone="info" title={title} action={{ content: affiliateId ? 'Send updated email' : 'Send updated emails', onAction: send, loading: busy }}>
      <BlockStack gap="100">
        {rows.slice(0, 5).map((o) => (
          <Text as="p" key={o.affiliate_id}>
            {!affiliateId && <Text as="span" fontWeight="semibold">{o.affiliate_name}: </Text>}
            emailed “{o.stated}” on {dateTimeText(o.emailed_at)}; now “{o.current}”.
          </Text>
        ))}
        {rows.length > 5 && <Text as="p" tone="subdued">And {rows.length - 5} more.</Text>}
      </BlockStack>
    </Banner>
  );
}
