// A QR code as one SVG path (crisp at any size, prints well). uqr: small, ESM, no dependencies.
import { useMemo } from 'react';
import { encode } from 'uqr';

export function QrCode({ value, size = 240, label }: { value: string; size?: number; label: string }) {
  const { d, n } = useMemo(() => {
    const qr = encode(value, { ecc: 'M', border: 2 });
    let path = '';
    qr.data.forEach((row, y) => row.forEach((on, x) => on && (path += `M${x} ${y}h1v1h-1z`)));
    return { d: path, n: qr.size };
  }, [value]);
  return (
    <svg className="till-qr" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${n} ${n}`} shapeRendering="crispEdges">
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
