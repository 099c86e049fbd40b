// One webhook endpoint: its signing secret (with copy), what it receives,
// "Send test event", secret rotation, enable/disable, and its recent
// deliveries with their status and the endpoint's last answer.
import { useState } from 'react';
import {
  Badge, Banner, BlockStack, Box, Button, IndexTable, InlineStack, Modal, Text, TextField,
} from '@shopify/polaris';
import { api } from '../api.js';
import { useApi, useInterval } from '../hooks.js';
import { ErrorBanner, Loading, TablePager, useApp } from '../ui.jsx';
import { copy, dateTimeText } from './PortalLink.jsx';
import { EndpointBadge, EndpointForm } from './Webhooks.jsx';

const PER_PAGE = 10;
const deliveryTones = { delivered: 'success', pending: 'attention', sending: 'info', failed: 'critical' };

/** A delivery's status, with its attempts when more than one. */
function DeliveryStatus({ d }) {
  const label = d.status.charAt(0).toUpperCase() + d.status.slice(1);
  return (
    <BlockStack gap="050">
      <InlineStack gap="100"><Badge tone={deliveryTones[d.status]}>{label}</Badge></InlineStack>
      <Text as="span" tone="subdued" variant="bodySm">
        {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
        {d.last_status_code ? `, last answer ${d.last_status_code}` : ''}
        {d.status === 'pending' && d.attempts > 0 ? `, next ${dateTimeText(d.next_attempt_at)}` : ''}
      </Text>
      {d.last_error && d.status !== 'delivered' && <Text as="span" tone="critical" variant="bodySm" breakWord>{d.last_error}</Text>}
    </BlockStack>
  );
}

/** The endpoint's dialog. */
export function WebhookEndpoint({ id, onClose, onChanged }) {
  const { toast } = useApp();
  const ep = useApi(`/webhook-endpoints/${id}`);
  const [page, setPage] = useState(1);
  const deliveries = useApi(`/webhook-endpoints/${id}/deliveries?per_page=${PER_PAGE}&page=${page}`);
  const [shown, setShown] = useState(false);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState('');
  const e = ep.data;
  const act = async (what, call, done) => {
    setBusy(what);
    try {
      const res = await call();
      toast(done);
      ep.reload();
      deliveries.reload();
      onChanged();
      return res;
    } catch (err) {
      toast(err.message, true);
      return null;
    } finally {
      setBusy('');
    }
  };
  const put = (enabled) => api(`/webhook-endpoints/${id}`, { method: 'PUT', body: { url: e.url, description: e.description, events: e.events, enabled } });
  const rows = (deliveries.data && deliveries.data.data) || [];
  useInterval(deliveries.reload, 2000, rows.some((d) => d.status === 'pending' || d.status === 'sending'));
  return (
    <Modal open onClose={onClose} size="large" title={e ? e.url : 'Webhook endpoint'}
      primaryAction={e ? { content: 'Send test event', disabled: !e.enabled, loading: busy === 'test',
        onAction: () => act('test', () => api(`/webhook-endpoints/${id}/test`, { method: 'POST' }), 'Test event queued') } : undefined}
      secondaryActions={e ? [
        { content: 'Edit', onAction: () => setEditing(true) },
        { content: e.enabled ? 'Disable' : 'Enable', loading: busy === 'toggle',
          onAction: () => act('toggle', () => put(!e.enabled), e.enabled ? 'Endpoint disabled' : 'Endpoint enabled') },
        { content: 'Delete', destructive: true, loading: busy === 'delete',
          onAction: async () => { if (await act('delete', () => api(`/webhook-endpoints/${id}`, { method: 'DELETE' }), 'Endpoint deleted') !== null) onClose(); } },
      ] : []}>
      <Modal.Section>
        {!e ? (ep.error ? <ErrorBanner error={ep.error} onRetry={ep.reload} /> : <Loading lines={3} />) : (
          <BlockStack gap="400">
            {e.disabled_reason && !e.enabled && (
              <Banner tone="critical" title="This endpoint was disabled because it kept failing">
                <p>{`It was ${e.disabled_reason}. Fix it, then enable it again: events from then on will be sent.`}</p>
              </Banner>
            )}
            <InlineStack gap="200" blockAlign="center"><EndpointBadge endpoint={e} />
              <Text as="span" tone="subdued">{e.events.join(', ')}</Text></InlineStack>
            <BlockStack gap="100">
              <TextField label="Signing secret" value={shown ? e.secret : '•'.repeat(32)} readOnly autoComplete="off"
                monospaced selectTextOnFocus={shown}
                helpText="Verify each delivery's webhook-signature header with it (Standard Webhooks)." />
              <InlineStack gap="200">
                <Button onClick={() => setShown(!shown)}>{shown ? 'Hide' : 'Show'}</Button>
                <Button onClick={async () => toast(await copy(e.secret) ? 'Secret copied' : 'Copy refused by the browser: show and select it', false)}>Copy</Button>
                <Button loading={busy === 'rotate'}
                  onClick={() => act('rotate', () => api(`/webhook-endpoints/${id}/rotate-secret`, { method: 'POST' }), 'New secret made: the old one also signs for 24 hours')}>
                  Rotate
                </Button>
              </InlineStack>
              {e.previous_secret_until && new Date(e.previous_secret_until) > new Date() && (
                <Text as="p" tone="subdued" variant="bodySm">The previous secret also signs until {dateTimeText(e.previous_secret_until)}.</Text>
              )}
            </BlockStack>
            <BlockStack gap="050">
              <Text as="h3" variant="headingSm">Recent deliveries</Text>
              <Text as="p" tone="subdued" variant="bodySm">Kept 30 days after they are delivered or given up; one still being tried stays until it ends.</Text>
            </BlockStack>
            <Box borderColor="border" borderWidth="025" borderRadius="200">
              <IndexTable resourceName={{ singular: 'delivery', plural: 'deliveries' }} itemCount={rows.length} selectable={false}
                loading={deliveries.loading}
                emptyState={<Box padding="400"><Text as="p" tone="subdued">Nothing sent yet. Send a test event to try the endpoint.</Text></Box>}
                headings={[{ title: 'Event' }, { title: 'Status' }, { title: 'Created' }, { title: '' }]}>
                {rows.map((d, i) => (
                  <IndexTable.Row id={String(d.id)} key={d.id} position={i}>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold">{d.event_type}</Text>
                        <Text as="span" tone="subdued" variant="bodySm">{d.event_id}</Text>
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell><div style={{ maxWidth: 300, whiteSpace: 'normal' }}><DeliveryStatus d={d} /></div></IndexTable.Cell>
                    <IndexTable.Cell>{dateTimeText(d.created_at)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      {(d.status === 'failed' || d.status === 'delivered') && (
                        <Button size="slim" loading={busy === `re${d.id}`}
                          onClick={() => act(`re${d.id}`, () => api(`/webhook-endpoints/${id}/deliveries/${d.id}/redeliver`, { method: 'POST' }), 'Delivery queued again')}>
                          Resend
                        </Button>
                      )}
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
              <TablePager page={page} perPage={PER_PAGE} total={(deliveries.data && deliveries.data.total) || 0} onPage={setPage} />
            </Box>
          </BlockStack>
        )}
      </Modal.Section>
      {editing && e && (
        <EndpointForm endpoint={e} onClose={() => setEditing(false)} onSaved={() => { setEditing(false); ep.reload(); onChanged(); }} />
      )}
    </Modal>
  );
}
