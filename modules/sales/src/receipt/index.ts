import { ReceiptModel } from './model.ts';
import { ESCPOS_CONTENT_TYPE, renderEscpos } from './render-escpos.ts';
import { HTML_CONTENT_TYPE, renderHtml } from './render-html.ts';
import { renderText } from './render-text.ts';

export { ReceiptDiscount, ReceiptLine, ReceiptModel, ReceiptTaxRate, ReceiptTender, optionsText } from './model.ts';
export { renderEscpos, printableText, barcodeModuleWidth, ESCPOS_CONTENT_TYPE, type EscposOptions } from './render-escpos.ts';
export { renderHtml, escapeHtml, barcodeSvg, HTML_CONTENT_TYPE } from './render-html.ts';
export { renderText, textLines, MIN_COLUMNS, type TextLine } from './render-text.ts';
export { displayWidth } from './text-width.ts';

export const RECEIPT_FORMATS = ['json', 'html', 'text42', 'text48', 'escpos'] as const;
export type ReceiptFormat = (typeof RECEIPT_FORMATS)[number];

export interface RenderedReceipt {
  contentType: string;
  body: string | Uint8Array;
}

export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Renders a receipt; throws (a bug, not a user error) when the model does not match ReceiptModel. */
export function renderReceipt(model: ReceiptModel, format: ReceiptFormat): RenderedReceipt {
  const m = ReceiptModel.parse(model);
  switch (format) {
    case 'json':
      return { contentType: JSON_CONTENT_TYPE, body: JSON.stringify(m) };
    case 'html':
      return { contentType: HTML_CONTENT_TYPE, body: renderHtml(m) };
    case 'text42':
      return { contentType: TEXT_CONTENT_TYPE, body: renderText(m, 42) };
    case 'text48':
      return { contentType: TEXT_CONTENT_TYPE, body: renderText(m, 48) };
    case 'escpos':
      return { contentType: ESCPOS_CONTENT_TYPE, body: renderEscpos(m, { columns: 48 }) };
  }
}
