// Tells a keyboard-wedge barcode scanner from a person typing. A scanner "types" the code as a
// burst of keys a few milliseconds apart and ends it with Enter; people leave far more than
// 30 ms between most keys. A burst is at least `minLength` characters, every gap at most
// `maxGapMs`, and Enter right after the last one.
export type WedgeOptions = { maxGapMs: number; minLength: number };
export const DEFAULT_WEDGE: WedgeOptions = { maxGapMs: 35, minLength: 4 };

const IGNORED = new Set(['Shift', 'CapsLock']);

export class WedgeDetector {
  private buf = '';
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: WedgeOptions = DEFAULT_WEDGE) {}

  /** Feeds one keydown; returns the scanned code when this key (Enter) ends a burst. */
  key(key: string, at: number): string | null {
    if (IGNORED.has(key)) return null;
    const gap = at - this.last;
    if (key === 'Enter') {
      const code = this.buf;
      const scan = code.length >= this.opts.minLength && gap <= this.opts.maxGapMs * 2;
      this.reset();
      return scan ? code : null;
    }
    if (key.length !== 1) {
      this.reset();
      return null;
    }
    if (gap > this.opts.maxGapMs) this.buf = '';
    this.buf += key;
    this.last = at;
    return null;
  }

  /** The characters of the burst so far (they may have gone into a text field). */
  pending(): string {
    return this.buf;
  }

  reset(): void {
    this.buf = '';
    this.last = Number.NEGATIVE_INFINITY;
  }
}
