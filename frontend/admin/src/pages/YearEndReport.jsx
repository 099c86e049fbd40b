// The year-end report: what each affiliate was paid in a calendar year,
// by method, as CSV for the merchant's bookkeeping.
import { useState } from 'react';
import { BlockStack, Modal, Select, Text } from '@shopify/polaris';
import { download } from '../api.js';
import { useApp } from '../ui.jsx';

/** The years offered: this year and the five before, newest first. */
export function reportYears(now = new Date()) {
  const y = now.getUTCFullYear();
  return Array.from({ length: 6 }, (_, i) => String(y - i));
}

/** The "Year-end report" dialog of the Payouts page. */
export function YearEndModal({ open, onClose }) {
  const { toast } = useApp();
  const years = reportYears();
  const [year, setYear] = useState(years[1]);
  const [busy, setBusy] = useState(false);
  const get = async () => {
    setBusy(true);
    try {
      await download(`/payouts/year-end.csv?year=${year}`, `payouts-${year}-year-end.csv`);
      onClose();
    } catch (e) {
      toast(e.message, true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} onClose={onClose} title="Year-end report"
      primaryAction={{ content: 'Download CSV', onAction: get, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <Select label="Calendar year" options={years} value={year} onChange={setYear} />
          <Text as="p">
            One row per affiliate and currency: what you paid them in {year} by PayPal, Stripe Connect, store credit and by hand,
            marking US dollar payments outside PayPal at or above the Form 1099-NEC threshold
            ({Number(year) <= 2025 ? '$600' : '$2,000'} for {year}).
          </Text>
          <Text as="p" tone="subdued">A help for your bookkeeping, not tax advice.</Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
