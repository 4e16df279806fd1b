// A video file for Chromium's fake camera (--use-file-for-fake-video-capture): an EAN-13 barcode
// drawn bar by bar from the symbology's tables, shown for a while, then an empty frame for a
// while, looping. Y4M (YUV 4:2:0), so Chromium plays it without a decoder.
import { writeFileSync } from 'node:fs';

const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const R = L.map((p) => [...p].map((b) => (b === '1' ? '0' : '1')).join(''));
const G = R.map((p) => [...p].toReversed().join(''));
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

/** The 95 modules of an EAN-13 symbol ('1' = bar). */
export function ean13Modules(code: string): string {
  if (!/^\d{13}$/.test(code)) throw new Error(`not an EAN-13: ${code}`);
  const d = [...code].map(Number);
  const parity = PARITY[d[0]!]!;
  let m = '101';
  for (let i = 1; i <= 6; i++) m += (parity[i - 1] === 'L' ? L : G)[d[i]!]!;
  m += '01010';
  for (let i = 7; i <= 12; i++) m += R[d[i]!]!;
  return `${m}101`;
}

/**
 * Writes a looping Y4M: `showFrames` frames of the barcode, then `blankFrames` empty ones, at
 * `fps` frames per second.
 */
export function writeBarcodeVideo(path: string, code: string, opts: { fps?: number; showFrames?: number; blankFrames?: number } = {}): void {
  const [W, H, module] = [640, 480, 4];
  const { fps = 10, showFrames = 15, blankFrames = 15 } = opts;
  const modules = ean13Modules(code);
  const white = 235;
  const black = 16;
  const barcode = Buffer.alloc(W * H, white);
  const left = Math.floor((W - modules.length * module) / 2);
  for (let y = 90; y < 390; y++) {
    for (let i = 0; i < modules.length; i++) if (modules[i] === '1') barcode.fill(black, y * W + left + i * module, y * W + left + (i + 1) * module);
  }
  const blank = Buffer.alloc(W * H, white);
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frame = (y: Buffer) => Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  const frames = [...Array.from({ length: showFrames }, () => frame(barcode)), ...Array.from({ length: blankFrames }, () => frame(blank))];
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F${fps}:1 Ip A1:1 C420jpeg\n`), ...frames]));
}
