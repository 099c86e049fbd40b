// Pieces every page uses.
import { createContext, useContext } from 'react';
import { Badge, Banner, Box, Card, EmptyState, InlineStack, Pagination, ProgressBar, SkeletonBodyText, BlockStack } from '@shopify/polaris';
import { locale } from './money.js';

/** What every page may need: the account's settings and a toast. */
export const AppContext = createContext({ settings: null, toast: () => {}, reloadSettings: () => {} });

/** The app context. */
export function useApp() {
  return useContext(AppContext);
}

// A small tag illustration for empty states, inline so it works offline.
const tagArt =
  'data:image/svg+xml;utf8,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160">' +
      '<rect x="20" y="30" width="186" height="100" rx="16" fill="#e3f1df"/>' +
      '<path d="M70 60h70l26 20-26 20H70z" fill="#008060"/>' +
      '<circle cx="150" cy="80" r="6" fill="#fff"/>' +
      '<text x="82" y="86" font-family="sans-serif" font-size="16" font-weight="700" fill="#fff">CODE</text></svg>',
  );

/** An empty list that says what to do. */
export function Empty({ heading, action, secondaryAction, children }) {
  return (
    <Card>
      <EmptyState heading={heading} action={action} secondaryAction={secondaryAction} image={tagArt}>
        <p>{children}</p>
      </EmptyState>
    </Card>
  );
}

/** An API error, said plainly. */
export function ErrorBanner({ error, onRetry }) {
  if (!error) return null;
  return (
    <Banner tone="critical" title="Something went wrong" action={onRetry ? { content: 'Try again', onAction: onRetry } : undefined}>
      <p>{error.message}</p>
    </Banner>
  );
}

/** Placeholder lines while a card loads. */
export function Loading({ lines = 4 }) {
  return (
    <Card>
      <BlockStack gap="200">
        <SkeletonBodyText lines={lines} />
      </BlockStack>
    </Card>
  );
}

const tones = {
  pending: 'attention',
  approved: 'info',
  paid: 'success',
  reversed: 'critical',
  flagged: 'warning',
  unattributed: undefined,
  active: 'success',
  disabled: undefined,
  synced: 'success',
  failed: 'critical',
  running: 'info',
  done: 'success',
};

/** A status as a coloured badge. */
export function StatusBadge({ status }) {
  if (!status) return null;
  return <Badge tone={tones[status]}>{status.charAt(0).toUpperCase() + status.slice(1)}</Badge>;
}

/** A date in the merchant's locale, e.g. "Nov 25, 2026". */
export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(locale(), { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}

/**
 * A progress bar that says what it counts: assistive technology reads
 * `label` ("12 of 40 codes imported"), never a computed percent.
 */
export function Progress({ done, total, label, tone = 'highlight' }) {
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div role="progressbar" aria-label={label} aria-valuetext={label} aria-valuemin={0}
      aria-valuemax={total > 0 ? total : undefined} aria-valuenow={total > 0 ? Math.min(done, total) : undefined}>
      <div aria-hidden="true"><ProgressBar progress={pct} tone={tone} size="small" animated={false} /></div>
    </div>
  );
}

/** Previous/next under an index table, shown only when there is more than one page. */
export function TablePager({ page, perPage, total, onPage }) {
  if (total <= perPage) return null;
  return (
    <Box padding="300">
      <InlineStack align="center">
        <Pagination hasPrevious={page > 1} onPrevious={() => onPage(page - 1)} hasNext={page * perPage < total} onNext={() => onPage(page + 1)} />
      </InlineStack>
    </Box>
  );
}
