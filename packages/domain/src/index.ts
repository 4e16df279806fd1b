export * from './money.ts';
export * from './tax.ts';
export * from './barcode.ts';
export * from './cart.ts';
export * from './cash.ts';
