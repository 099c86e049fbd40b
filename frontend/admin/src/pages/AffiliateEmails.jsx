// The affiliate page's emails card: their emails, a sign-in link to hand
// over, and a notice when their last codes email states an old commission.
import { BlockStack, Button, Card, Text } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { navigate } from '../router.jsx';
import { OutdatedBanner } from './Emails.jsx';
import { CopySignInLink } from './PortalLink.jsx';

/** The event the affiliate page sends when their commission changes. */
export const COMMISSION_CHANGED = 'codecredit:commission-changed';

/** Emails to one affiliate, and their portal. */
export function AffiliateEmails({ affiliate: a }) {
  const emails = useApi(`/emails?affiliate_id=${a.id}&per_page=1`);
  const total = emails.data ? emails.data.total : null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Emails and portal</Text>
        <OutdatedBanner affiliateId={a.id} onSent={emails.reload} />
        <Text as="p" tone="subdued">
          {total === null ? '' : total === 0 ? 'No email to them yet.' : `${total} email${total === 1 ? '' : 's'} to them so far.`}
        </Text>
        <div><Button onClick={() => navigate(`/emails?affiliate_id=${a.id}`)}>See their emails</Button></div>
        {a.status === 'active' && <CopySignInLink affiliateId={a.id} />}
      </BlockStack>
    </Card>
  );
}
