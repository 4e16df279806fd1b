export * from './money.ts';
export * from './tax.ts';
export * from './barcode.ts';
