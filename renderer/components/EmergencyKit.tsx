// The Emergency Kit, shown once after the vault is created: the recovery key to print or
// write down. Continuing requires confirming it was kept — without it, a forgotten
// passphrase means the vault cannot be opened by anyone.
import { useState } from 'react';
import { Printer } from 'lucide-react';
import { QrCode } from './QrCode';

export function EmergencyKit({ recoveryKey, onConfirmed }: { recoveryKey: string; onConfirmed(): void }) {
  const [kept, setKept] = useState(false);
  return (
    <main className="center-page">
      <div className="card narrow kit" aria-labelledby="kit-title">
        <h1 id="kit-title">Your Emergency Kit</h1>
        <p>
          This recovery key opens your vault if you forget your passphrase, and rebuilds it on a new computer from your cloud copy. <strong>It is shown only now.</strong> Print this page or write the key down, and keep it somewhere safe.
        </p>
        <div className="kit-key">
          <QrCode text={recoveryKey} label="QR code of the recovery key" />
          <p className="recovery-key" data-testid="recovery-key">
            {recoveryKey}
          </p>
        </div>
        <div className="row no-print">
          <button type="button" className="button" onClick={() => window.print()}>
            <Printer size={15} aria-hidden="true" /> Print
          </button>
        </div>
        <label className="check no-print">
          <input type="checkbox" checked={kept} onChange={(e) => setKept(e.target.checked)} />
          <span>I have printed or written down my recovery key and put it somewhere safe.</span>
        </label>
        <button type="button" className="button primary wide no-print" disabled={!kept} onClick={onConfirmed}>
          Continue
        </button>
      </div>
    </main>
  );
}
