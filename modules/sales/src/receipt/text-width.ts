/**
 * Column widths for fixed-width receipts. Each code point counts on its own, so the width of a
 * concatenation is the sum of its parts and padding can never be thrown off by a mark that
 * would join a padding space into one cluster:
 * - 0 for controls, format characters (ZWJ, bidi marks, soft hyphen), combining marks, variation
 *   selectors and emoji skin-tone modifiers;
 * - 2 for East Asian Wide/Fullwidth code points and emoji (the main CJK, Hangul, fullwidth and
 *   emoji blocks; a narrow pictograph followed by VS16 becomes 2);
 * - 0 for the pictographs joined into a ZWJ sequence after the first, and for the second regional
 *   indicator of a flag, so 👨‍👩‍👧 and 🇫🇷 count 2 like one emoji;
 * - 1 for everything else, most spacing marks (Mc) included.
 * Limits, on purpose: this is not the whole of EastAsianWidth.txt; ambiguous-width characters
 * (•, ±, Cyrillic) count 1 as in a Western terminal; Indic spacing marks and conjoining Hangul
 * jamo may be counted wider than a terminal draws them. Erring wide only leaves a spare column.
 */

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f5],
  [0x26fa, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e], // CJK radicals, punctuation
  [0x3041, 0x33ff], // kana, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18cff], // Tangut, Khitan
  [0x1b000, 0x1b2ff], // kana supplement
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f1e6, 0x1f1ff], // regional indicators: a flag is a pair in one cluster
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f], // pictographs, emoticons
  [0x1f680, 0x1f6ff], // transport
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff], // supplemental symbols
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd], // CJK extensions B and beyond
];

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE[mid]!;
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

const ZERO_WIDTH = /[\p{Cc}\p{Cf}\p{Mn}\p{Me}\p{Grapheme_Extend}\p{Emoji_Modifier}]/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const REGIONAL_INDICATOR = /\p{Regional_Indicator}/u;

/** Columns `s` takes on a fixed-width device (see the module comment for the rules and limits). */
export function displayWidth(s: string): number {
  let width = 0;
  let inEmoji = false; // the last base was a pictograph (marks and modifiers may follow)
  let joined = false; // a ZWJ followed that pictograph: the next pictograph draws into it
  let narrowPictograph = false; // the last base was a pictograph counted 1 (VS16 widens it)
  let openFlag = false; // a regional indicator waits for its pair
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    // Halfwidth katakana sound marks extend graphemes but take a cell of their own.
    if (ZERO_WIDTH.test(ch) && cp !== 0xff9e && cp !== 0xff9f) {
      if (cp === 0xfe0f && narrowPictograph) width += 1;
      if (cp === 0x200d) joined = inEmoji;
      narrowPictograph = false;
      continue;
    }
    const pictograph = PICTOGRAPH.test(ch);
    if (pictograph && joined) {
      joined = false;
      continue;
    }
    if (REGIONAL_INDICATOR.test(ch)) {
      if (!openFlag) width += 2;
      openFlag = !openFlag;
      inEmoji = joined = narrowPictograph = false;
      continue;
    }
    const w = isWide(cp) ? 2 : 1;
    width += w;
    inEmoji = pictograph;
    narrowPictograph = pictograph && w === 1;
    joined = openFlag = false;
  }
  return width;
}

export function graphemes(s: string): string[] {
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

/** One line of printable text: control characters and line breaks become spaces, runs collapse. */
export function clean(s: string): string {
  return s
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Word-wraps `text` to lines at most `width` columns; words wider than a line are broken by grapheme. */
export function wrap(text: string, width: number): string[] {
  if (width < 2) throw new RangeError('wrap width must be at least 2 columns');
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  const flush = () => {
    lines.push(line);
    line = '';
    lineWidth = 0;
  };
  for (const word of clean(text).split(' ')) {
    if (word === '') continue;
    const w = displayWidth(word);
    if (line !== '' && lineWidth + 1 + w <= width) {
      line += ` ${word}`;
      lineWidth += 1 + w;
      continue;
    }
    if (line !== '') flush();
    if (w <= width) {
      line = word;
      lineWidth = w;
      continue;
    }
    for (const g of graphemes(word)) {
      const gw = displayWidth(g);
      if (line !== '' && lineWidth + gw > width) flush();
      line += g;
      lineWidth += gw;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** `s` padded with spaces on the right to exactly `width` columns (`s` must fit). */
export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/** `s` padded on the left to exactly `width` columns (`s` must fit). */
export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

/** `s` centred in exactly `width` columns (`s` must fit). */
export function center(s: string, width: number): string {
  const room = Math.max(0, width - displayWidth(s));
  const left = Math.floor(room / 2);
  return ' '.repeat(left) + s + ' '.repeat(room - left);
}
