// Orders and refunds the platforms sent that could not be booked for good.
import { Banner, BlockStack, Text } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatDate } from '../ui.jsx';

const SHOWN = 5;

/** What a failed delivery was about, in the merchant's words. */
export function failedEventLabel(ev) {
  const order = ev.order_id ? `order ${ev.order_id}` : 'an order';
  const what = /refund|cancel/i.test(ev.topic || '') ? `Refund of ${order}` : order.charAt(0).toUpperCase() + order.slice(1);
  return `${what} (${ev.platform})`;
}

/** A critical banner listing the deliveries that failed for good; nothing when none did. */
export function FailedEvents() {
  const failed = useApi(`/events?status=failed&per_page=${SHOWN}`);
  const rows = (failed.data && failed.data.data) || [];
  const total = (failed.data && failed.data.total) || 0;
  if (!total) return null;
  return (
    <Banner tone="critical" title={`${total} order${total === 1 ? '' : 's'} or refund${total === 1 ? '' : 's'} could not be booked`}>
      <BlockStack gap="200">
        <Text as="p">Codecredit gave up on these after retrying. Fix the cause, then ask your operator to retry them (server jobs retry).</Text>
        {rows.map((ev) => (
          <Text as="p" key={ev.id}>
            <Text as="span" fontWeight="semibold">{failedEventLabel(ev)}</Text>
            {`, received ${formatDate(ev.received_at)}: ${ev.last_error || 'unknown error'}`}
          </Text>
        ))}
        {total > rows.length && <Text as="p" tone="subdued">{`And ${total - rows.length} more: GET /api/v1/events?status=failed lists them all.`}</Text>}
      </BlockStack>
    </Banner>
  );
}
