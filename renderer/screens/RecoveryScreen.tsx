// The Recovery section: the wizard that puts a person's data onto a new phone — an export
// bundle or a paired phone — with explicit location consent and a verification report.
import { RecoveryWizard } from '../components/recovery/RecoveryWizard';
import { Screen } from '../components/Screen';

export function RecoveryScreen() {
  return (
    <Screen title="Recovery" subtitle="Put your data onto a new phone. Location data is shared only if you say so.">
      <RecoveryWizard />
    </Screen>
  );
}
