// Bulk actions on a narrow screen. Polaris's condensed index table has no
// bulk actions, so on a phone "Select" puts a checkbox on every row and
// this bar offers what the wide table's bulk actions do.
import { Box, Button, ButtonGroup, Checkbox, InlineStack, Text } from '@shopify/polaris';

/** "Select", or, while picking, how many are picked and what to do with them. */
export function AffiliatePickBar({ picking, count, busy, onPick, onDone, onSendCodes, onDeactivate, onActivate, onExport }) {
  if (!picking) {
    return (
      <Box padding="300" paddingBlockEnd="0">
        <InlineStack align="end"><Button size="slim" onClick={onPick}>Select</Button></InlineStack>
      </Box>
    );
  }
  const none = count === 0 || busy;
  return (
    <Box padding="300" paddingBlockEnd="0">
      <InlineStack align="space-between" blockAlign="center" gap="200">
        <Text as="span" fontWeight="semibold">{count} selected</Text>
        <Button size="slim" variant="plain" onClick={onDone}>Done</Button>
      </InlineStack>
      <Box paddingBlockStart="200">
        <ButtonGroup>
          <Button size="slim" disabled={none} onClick={onSendCodes}>Send codes</Button>
          <Button size="slim" disabled={none} onClick={onDeactivate}>Deactivate</Button>
          <Button size="slim" disabled={none} onClick={onActivate}>Activate</Button>
          <Button size="slim" disabled={none} onClick={onExport}>Export</Button>
        </ButtonGroup>
      </Box>
    </Box>
  );
}

/** A row's checkbox while picking, labelled with the affiliate's name. */
export function PickBox({ name, checked, onChange }) {
  return (
    <div onClick={(e) => e.stopPropagation()} style={{ flexShrink: 0 }}>
      <Checkbox label={`Select ${name}`} labelHidden checked={checked} onChange={onChange} />
    </div>
  );
}
