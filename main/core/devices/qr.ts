// The pairing QR code: the payload URI (wire.ts) rendered as an SVG for the screen and
// as terminal text for the CLI, with the qrcode library. Error correction M keeps the
// code small enough to scan from across a desk while tolerating glare.
import QRCode from 'qrcode';
import { encodePairingUri, type PairingPayload } from './wire';

export interface PairingQr {
  uri: string;
  svg: string;
  /** The code drawn with block characters, for a terminal. */
  terminal: string;
}

export async function renderPairingQr(payload: PairingPayload): Promise<PairingQr> {
  const uri = encodePairingUri(payload);
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const terminal = await QRCode.toString(uri, { type: 'utf8', errorCorrectionLevel: 'M', margin: 2 });
  return { uri, svg, terminal };
}
