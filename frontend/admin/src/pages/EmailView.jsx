// One email of the outbox, as the affiliate sees it: the HTML part in a
// sandboxed frame (no scripts, no forms, nothing of the admin's), the
// plain-text part, and its delivery status; with Resend.
import { useState } from 'react';
import { Badge, BlockStack, Box, Divider, InlineStack, Modal, Text } from '@shopify/polaris';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { ErrorBanner, Loading, useApp } from '../ui.jsx';
import { CopySignInLink, dateTimeText } from './PortalLink.jsx';

const kinds = {
  code_assignment: 'Codes',
  earnings_summary: 'Earnings summary',
  reversal_notice: 'Commission reversed',
  portal_login: 'Portal sign-in link',
  webhook_disabled: 'Webhook endpoint disabled (to you)',
  payout_notice: 'Payout',
};

/** A kind of email in words. */
export function kindText(kind) {
  return kinds[kind] || kind;
}

/** How to send the held emails. */
export const SMTP_HELP = 'Set SMTP_URL (such as smtp://user:password@smtp.example.com:587) and MAIL_FROM in the server\u2019s environment and restart it, then resend.';

/** An email's status as a badge, with the reason when it failed. */
export function EmailStatus({ email: e, long }) {
  switch (e.status) {
    case 'held':
      return (
        <BlockStack gap="100">
          <div><Badge tone="attention">Held — no mail server set up</Badge></div>
          {long && <Text as="p" tone="subdued" variant="bodySm">{SMTP_HELP}</Text>}
        </BlockStack>
      );
    case 'sent':
      return <Badge tone="success">Sent</Badge>;
    case 'failed':
      return (
        <BlockStack gap="100">
          <div><Badge tone="critical">Failed</Badge></div>
          {e.last_error && <Text as="p" tone="critical" variant="bodySm" breakWord>{e.last_error}</Text>}
        </BlockStack>
      );
    case 'sending':
      return <Badge tone="info">Sending</Badge>;
    default:
      return (
        <BlockStack gap="100">
          <div><Badge tone="info">Queued</Badge></div>
          {e.last_error && <Text as="p" tone="subdued" variant="bodySm" breakWord>Will try again: {e.last_error}</Text>}
        </BlockStack>
      );
  }
}

/** The modal showing email id; onChanged runs after a resend. */
export function EmailView({ id, onClose, onChanged }) {
  const { toast } = useApp();
  const email = useApi(`/emails/${id}`);
  const [busy, setBusy] = useState(false);
  const e = email.data;
  const resend = async () => {
    setBusy(true);
    try {
      const r = await api(`/emails/${id}/resend`, { method: 'POST' });
      toast(r.status === 'queued' ? 'Email queued to be sent again' : 'Email sent again');
      email.reload();
      onChanged();
    } catch (err) {
      toast(err.message, true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open onClose={onClose} size="large" title={e ? e.subject : 'Email'}
      primaryAction={{ content: 'Resend', onAction: resend, loading: busy, disabled: !e || e.status === 'sending' }}
      secondaryActions={[{ content: 'Close', onAction: onClose }]}>
      <Modal.Section>
        <ErrorBanner error={email.error} onRetry={email.reload} />
        {!e ? <Loading lines={6} /> : (
          <BlockStack gap="400">
            <InlineStack gap="400" align="space-between" blockAlign="start">
              <BlockStack gap="100">
                <Text as="p"><Text as="span" tone="subdued">To </Text>{e.to_name ? `${e.to_name} <${e.to}>` : e.to}</Text>
                {e.from_name && <Text as="p"><Text as="span" tone="subdued">From </Text>{e.from_name}{e.reply_to ? ` (replies to ${e.reply_to})` : ''}</Text>}
                <Text as="p"><Text as="span" tone="subdued">{kindText(e.kind)} · </Text>{dateTimeText(e.sent_at || e.created_at)}</Text>
              </BlockStack>
              <EmailStatus email={e} long />
            </InlineStack>
            <iframe title="The email as the affiliate sees it" sandbox="" srcDoc={e.html}
              style={{ width: '100%', height: 460, border: '1px solid #e3e3e3', borderRadius: 8, background: '#fff' }} />
            <Divider />
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">Plain-text version</Text>
              <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'inherit' }}>{e.text}</pre>
              </Box>
            </BlockStack>
            {e.affiliate_id && (
              <BlockStack gap="200">
                <Divider />
                <Text as="p" tone="subdued">Your affiliate can’t find this email? Hand them a link that signs them in to their portal.</Text>
                <CopySignInLink affiliateId={e.affiliate_id} />
              </BlockStack>
            )}
          </BlockStack>
        )}
      </Modal.Section>
    </Modal>
  );
}
