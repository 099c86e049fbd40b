// Where the affiliate wants to be paid, as they entered it in their portal.
import { BlockStack, Card, Text } from '@shopify/polaris';
import { formatDate } from '../ui.jsx';

const METHODS = { paypal: 'PayPal', bank: 'Bank transfer' };

/** The "Payout details" card of an affiliate's page. */
export function AffiliatePayoutDetails({ details }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">Payout details</Text>
        {details ? (
          <BlockStack gap="100">
            <Text as="p" variant="bodySm" tone="subdued">{METHODS[details.method] || details.method}</Text>
            <Text as="p" breakWord>{details.value}</Text>
            {details.updated_at && <Text as="p" variant="bodySm" tone="subdued">Updated {formatDate(details.updated_at)}</Text>}
          </BlockStack>
        ) : <Text as="p" tone="subdued">Not entered yet — the affiliate adds them in their portal.</Text>}
      </BlockStack>
    </Card>
  );
}
