// The subscriptions report's tables: recurring revenue per affiliate (an
// index table sorted by MRR) and what each affiliate's customers paid.
import { useState } from 'react';
import { DataTable, IndexTable, Link, Text } from '@shopify/polaris';
import { formatMoney, locale } from '../money.js';
import { bpText, sortRows } from '../reports.js';

const MRR_SORT = [null, 'mrr', 'active_subscriptions', 'active_customers'];

const name = (r) => r.name || `Removed affiliate #${r.affiliate_id}`;

/** Recurring revenue paying now per affiliate, largest MRR first. */
export function MRRTable({ rows, currency }) {
  const loc = locale();
  const [sort, setSort] = useState({ index: 1, ascending: false });
  const sorted = sortRows(rows, MRR_SORT[sort.index], sort.ascending);
  return (
    <IndexTable
      resourceName={{ singular: 'affiliate', plural: 'affiliates' }}
      itemCount={sorted.length}
      selectable={false}
      sortable={MRR_SORT.map(Boolean)}
      sortColumnIndex={sort.index}
      sortDirection={sort.ascending ? 'ascending' : 'descending'}
      defaultSortDirection="descending"
      onSort={(index, dir) => setSort({ index, ascending: dir === 'ascending' })}
      headings={[{ title: 'Affiliate' }, { title: 'MRR', alignment: 'end' }, { title: 'Subscriptions', alignment: 'end' }, { title: 'Customers', alignment: 'end' }]}
    >
      {sorted.map((r, i) => (
        <IndexTable.Row id={String(r.affiliate_id)} key={r.affiliate_id} position={i}>
          <IndexTable.Cell>
            {r.affiliate_id ? <Link url={`/affiliates/${r.affiliate_id}`} removeUnderline>{name(r)}</Link> : name(r)}
          </IndexTable.Cell>
          <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatMoney(r.mrr, currency)}</Text></IndexTable.Cell>
          <IndexTable.Cell><Text as="span" alignment="end" numeric>{r.active_subscriptions.toLocaleString(loc)}</Text></IndexTable.Cell>
          <IndexTable.Cell><Text as="span" alignment="end" numeric>{r.active_customers.toLocaleString(loc)}</Text></IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

const CUSTOMER_SORT = [null, 'customers_acquired', 'revenue_per_customer', 'repeat_orders', 'refund_rate_bp'];

/** Customers acquired per affiliate, with the total as the table's footer. */
export function CustomersTable({ rows, total, currency }) {
  const loc = locale();
  const [sort, setSort] = useState({ index: 1, ascending: false });
  const sorted = sortRows(rows, CUSTOMER_SORT[sort.index], sort.ascending);
  const cells = (r) => [
    r.customers_acquired.toLocaleString(loc),
    formatMoney(r.revenue_per_customer, currency),
    r.repeat_orders.toLocaleString(loc),
    r.sales > 0 ? bpText(r.refund_rate_bp) : '–',
  ];
  return (
    <DataTable
      columnContentTypes={['text', 'numeric', 'numeric', 'numeric', 'numeric']}
      headings={['Affiliate', 'Customers acquired', 'Revenue per customer', 'Repeat orders', 'Refund rate']}
      rows={sorted.map((r) => [r.affiliate_id ? <Link key="n" url={`/affiliates/${r.affiliate_id}`} removeUnderline>{name(r)}</Link> : name(r), ...cells(r)])}
      totals={total ? ['', ...cells(total)] : undefined}
      showTotalsInFooter
      totalsName={{ singular: 'All affiliates', plural: 'All affiliates' }}
      sortable={CUSTOMER_SORT.map(Boolean)}
      defaultSortDirection="descending"
      initialSortColumnIndex={1}
      onSort={(index, dir) => setSort({ index, ascending: dir === 'ascending' })}
    />
  );
}
