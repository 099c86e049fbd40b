// Discount experiments: each experiment's link sends every visitor at
// random to one of 2 to 4 codes, the same one on return, and the report
// says which converts best once the evidence supports it.
import { useState } from 'react';
import { BlockStack, Card, IndexTable, Link, Page, Text, useBreakpoints } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { navigate } from '../router.jsx';
import { variantsText } from '../experiments.js';
import { Empty, ErrorBanner, Loading, StatusBadge, formatDate } from '../ui.jsx';
import { NewExperiment } from './ExperimentModal.jsx';

/** The Experiments page. */
export function Experiments() {
  const [open, setOpen] = useState(new URLSearchParams(window.location.search).has('new'));
  const { smDown } = useBreakpoints();
  const list = useApi('/experiments');
  const rows = (list.data && list.data.data) || [];
  const start = { content: 'New experiment', onAction: () => setOpen(true) };
  let body;
  if (list.error) body = <ErrorBanner error={list.error} onRetry={list.reload} />;
  else if (!list.data) body = <Loading />;
  else if (rows.length === 0) {
    body = (
      <Empty heading="Test which discount sells best" action={start}>
        Pick 2 to 4 codes. Their experiment's link gives each visitor one of them at random, the same one when they come back,
        and the report says which converts best once there is enough data to tell.
      </Empty>
    );
  } else {
    body = (
      <Card padding="0">
        <IndexTable resourceName={{ singular: 'experiment', plural: 'experiments' }} itemCount={rows.length} selectable={false} condensed={smDown}
          headings={[{ title: 'Experiment' }, { title: 'Codes' }, { title: 'For' }, { title: 'Started' }, { title: 'Status' }]}>
          {rows.map((e, i) => (
            <IndexTable.Row id={String(e.id)} key={e.id} position={i} onClick={() => navigate(`/experiments/${e.id}`)}>
              {smDown ? (
                <IndexTable.Cell>
                  <BlockStack gap="050" inlineAlign="start">
                    <Text as="span" fontWeight="semibold">{e.name}</Text>
                    <Text as="span" variant="bodySm">{variantsText(e)}</Text>
                    <Text as="span" tone="subdued" variant="bodySm">{e.affiliate || 'Whole program'} · since {formatDate(e.started_at)}</Text>
                    <StatusBadge status={e.status} />
                  </BlockStack>
                </IndexTable.Cell>
              ) : (
                <>
                  <IndexTable.Cell>
                    <Link url={`/experiments/${e.id}`} dataPrimaryLink monochrome removeUnderline>
                      <Text as="span" fontWeight="semibold">{e.name}</Text>
                    </Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{variantsText(e)}</IndexTable.Cell>
                  <IndexTable.Cell>{e.affiliate || 'Whole program'}</IndexTable.Cell>
                  <IndexTable.Cell>{formatDate(e.started_at)}</IndexTable.Cell>
                  <IndexTable.Cell><StatusBadge status={e.status} /></IndexTable.Cell>
                </>
              )}
            </IndexTable.Row>
          ))}
        </IndexTable>
      </Card>
    );
  }
  return (
    <Page title="Experiments" subtitle="Compare discounts on real visitors: one link, 2 to 4 codes, a verdict when the data supports it."
      primaryAction={rows.length ? start : undefined}>
      {body}
      {open && <NewExperiment onClose={() => setOpen(false)} onDone={(e) => navigate(`/experiments/${e.id}`)} />}
    </Page>
  );
}
