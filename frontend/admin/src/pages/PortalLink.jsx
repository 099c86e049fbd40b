// "Copy sign-in link": a fresh single-use link to an affiliate's portal,
// made by the server like the links the portal emails, copied for the
// merchant to hand over.
import { useState } from 'react';
import { BlockStack, Button, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { useApp } from '../ui.jsx';

/** A time as "3:45 PM" in the merchant's locale. */
export function timeText(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

/** A date and time as "Dec 5, 2026, 3:45 PM" in the merchant's locale. */
export function dateTimeText(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Copies text to the clipboard; false when the browser refuses. */
export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The button, and the link itself once made (for when the clipboard is closed to us). */
export function CopySignInLink({ affiliateId, size, variant }) {
  const { toast } = useApp();
  const [link, setLink] = useState(null);
  const [busy, setBusy] = useState(false);
  const make = async () => {
    setBusy(true);
    try {
      const l = await api(`/affiliates/${affiliateId}/portal-link`, { method: 'POST' });
      const copied = await copy(l.url);
      setLink({ ...l, copied });
      toast(copied ? `Sign-in link copied: it works once, until ${timeText(l.expires_at)}` : 'Sign-in link ready: copy it below');
    } catch (e) {
      toast(e.message, true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <BlockStack gap="200">
      <div><Button size={size} variant={variant} onClick={make} loading={busy}>Copy sign-in link</Button></div>
      {link && (
        <BlockStack gap="100">
          {!link.copied && <TextField label="Sign-in link" labelHidden value={link.url} readOnly autoComplete="off" selectTextOnFocus />}
          <Text as="p" tone="subdued" variant="bodySm">
            {link.copied ? 'Copied. ' : ''}It signs this affiliate in to their portal once, and expires at {timeText(link.expires_at)} ({link.expires_in}). Send it only to them.
          </Text>
        </BlockStack>
      )}
    </BlockStack>
  );
}
