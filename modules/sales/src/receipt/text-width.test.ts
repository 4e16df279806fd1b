import { describe, expect, it } from 'vitest';
import { rowLines } from './render-text.ts';
import { center, clean, displayWidth, wrap } from './text-width.ts';

describe('fixed-width text', () => {
  it('counts CJK and emoji as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('商品')).toBe(4);
    expect(displayWidth('ﾊﾝｶｸ')).toBe(4); // halfwidth katakana stay narrow
    expect(displayWidth('Ａ')).toBe(2);
    expect(displayWidth('n\u0303o\u0308')).toBe(2);
    expect(displayWidth('❤️')).toBe(2);
    expect(displayWidth('🇫🇷')).toBe(2);
    expect(displayWidth('a\u200Db')).toBe(2);
    expect(displayWidth('ﾊﾞ')).toBe(2);
    expect(displayWidth('x\u200D👍')).toBe(3); // a ZWJ after a letter joins nothing
  });

  it('adds up: padding next to a leading mark or a lone modifier cannot change the width', () => {
    for (const piece of ['\u0301x', '🏽', '\uFE0Fa', '\u200D👍', '🇫', '\u{16F51}']) {
      expect(displayWidth(` ${piece} `)).toBe(2 + displayWidth(piece));
    }
  });

  it('wraps on spaces and breaks a word longer than the line between graphemes', () => {
    expect(wrap('the quick brown fox', 9)).toEqual(['the quick', 'brown fox']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('日本語テキスト', 5)).toEqual(['日本', '語テ', 'キス', 'ト']);
    expect(wrap('e\u0301e\u0301e\u0301', 2)).toEqual(['e\u0301e\u0301', 'e\u0301']);
    expect(wrap('', 10)).toEqual(['']);
  });

  it('turns control characters and line breaks into single spaces', () => {
    expect(clean(' a\r\n\tb\u0007c  ')).toBe('a b c');
  });

  it('puts an amount on the label’s first line, right-aligned, or below when it cannot share', () => {
    expect(rowLines('Subtotal', '$1.00', 20)).toEqual(['Subtotal       $1.00']);
    expect(rowLines('A rather long label here', '$1.00', 20)).toEqual(['A rather long  $1.00', 'label here          ']);
    expect(rowLines('Label', '$123,456,789,012.00', 20)).toEqual(['Label               ', ' $123,456,789,012.00']);
    expect(center('ab', 7)).toBe('  ab   ');
  });
});
