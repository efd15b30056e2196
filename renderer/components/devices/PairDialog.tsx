// Pair a phone: opens a one-time pairing for a few minutes and shows its QR code (and the
// same as text for typing), with a countdown. Closing the dialog closes the pairing.
import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../../api/client';

interface Pairing {
  uri: string;
  svg: string;
  expires: number;
  host: string;
  port: number;
  fingerprint: string;
}

export function PairDialog({ open, onOpenChange }: { open: boolean; onOpenChange(o: boolean): void }) {
  const [pairing, setPairing] = useState<Pairing | null>(null);
  const [error, setError] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const [paired, setPaired] = useState(false);

  // The phones paired before this code existed: a phone not among them paired with it.
  const before = useRef<Set<string>>(new Set());

  useEffect(() => {
    if (!open) return;
    let live = true;
    // The list is read before the code is shown, so a phone that pairs at once (the
    // reference agent takes a second) is still seen as new.
    api
      .call('devices.list', {})
      .then(async (list) => {
        const p = await api.call('devices.pairingStart', {});
        if (!live) return;
        before.current = new Set(list.devices.map((d) => d.id));
        setPairing(p);
        setPaired(false);
        setError('');
      })
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)));
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      live = false;
      clearInterval(timer);
      void api.call('devices.pairingCancel', {}).catch(() => undefined);
    };
  }, [open]);

  // The phone pairs over the gateway, not through this window: watch the device list.
  useEffect(() => {
    if (!open || !pairing || paired) return;
    const look = (): void => {
      api.call('devices.list', {}).then(
        (list) => {
          if (list.devices.some((d) => !d.revokedAt && !before.current.has(d.id))) setPaired(true);
        },
        () => undefined, // the next look
      );
    };
    const timer = setInterval(look, 1500);
    return () => clearInterval(timer);
  }, [open, pairing, paired]);

  const left = pairing ? Math.max(0, Math.round((pairing.expires - now) / 1000)) : 0;
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content className="dialog" aria-describedby="pair-help">
          <Dialog.Title>Pair a phone</Dialog.Title>
          <p id="pair-help" className="muted">
            On the phone, open the Keepsake agent and scan this code (or type the text below). The phone and this computer then pin each other&apos;s certificate: no one else can pose as
            either of them.
          </p>
          {error ? (
            <p className="error-text" role="alert">
              {error}
            </p>
          ) : null}
          {paired ? (
            <p className="notice ok" role="status">
              Paired. The phone appears in your device list and can sync now.
            </p>
          ) : pairing ? (
            left > 0 ? (
              <div className="pair">
                <img className="qr" width={220} height={220} alt="Pairing QR code" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(pairing.svg)}`} />
                <div className="stack">
                  <p>
                    This code works once, for <strong data-testid="pair-countdown">{Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}</strong>.
                  </p>
                  <label className="field">
                    <span>Or type this on the phone</span>
                    <input readOnly value={pairing.uri} data-testid="pair-uri" onFocus={(e) => e.target.select()} />
                  </label>
                  <p className="muted small">
                    This computer: {pairing.host}:{pairing.port}
                    <br />
                    Certificate: <code>{pairing.fingerprint.slice(0, 23)}…</code>
                  </p>
                </div>
              </div>
            ) : (
              <p className="notice error">This code has expired. Close and open Pair a phone again for a new one.</p>
            )
          ) : !error ? (
            <p>Opening a pairing…</p>
          ) : null}
          <div className="row end">
            <Dialog.Close className="button">{paired ? 'Done' : 'Close'}</Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
