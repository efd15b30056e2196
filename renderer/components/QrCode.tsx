// A QR code rendered as an SVG image (qrcode library; data URL, so no markup is injected).
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function QrCode({ text, size = 160, label }: { text: string; size?: number; label: string }) {
  const [src, setSrc] = useState('');
  useEffect(() => {
    let live = true;
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }).then(
      (svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => live && setSrc(''),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return src ? <img src={src} width={size} height={size} alt={label} className="qr" /> : <div style={{ width: size, height: size }} aria-hidden="true" />;
}
