// The privacy center: erasure and export receipts, "Download my data", erasing a whole category, retention rules, the
// consent ledger and legal holds. Everything here is recorded in tamper-evident, append-only ledgers.
import { useCallback, useState } from 'react';
import { Screen } from '../components/Screen';
import { ConsentPanel } from '../components/privacy/ConsentPanel';
import { EraseCategoryPanel } from '../components/privacy/EraseCategoryPanel';
import { HoldsPanel } from '../components/privacy/HoldsPanel';
import { NonPersonalPanel } from '../components/privacy/NonPersonalPanel';
import { PrivacyReportPanel } from '../components/privacy/PrivacyReportPanel';
import { ReceiptsPanel } from '../components/privacy/ReceiptsPanel';
import { RetentionPanel } from '../components/privacy/RetentionPanel';

export function PrivacyScreen() {
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  return (
    <Screen title="Privacy" subtitle="Consent, receipts, a copy of your data and legal holds. Keepsake keeps no copy you cannot see here or erase.">
      <div className="stack-lg">
        <ReceiptsPanel key={`r${generation}`} />
        <PrivacyReportPanel onDone={refresh} />
        <EraseCategoryPanel onErased={refresh} />
        <RetentionPanel key={`t${generation}`} />
        <ConsentPanel />
        <HoldsPanel key={`h${generation}`} />
        <NonPersonalPanel key={`n${generation}`} />
      </div>
    </Screen>
  );
}
