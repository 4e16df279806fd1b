import { sql } from 'kysely';
import { upsertCatalog, type BulkProduct, type BulkVariant } from '@novapos/catalog';
import { gtinCheckDigit } from '@novapos/domain';
import { actorFor } from '@novapos/identity';
import { newId, scopeToTenant, serviceCtx, systemTx, type Ctx } from '@novapos/platform';
import type { NovaPos } from './app.ts';

/** The demo business. Its logins are printed at start and listed in the README. */
export const DEMO = {
  business: 'Nova Outfitters',
  currency: 'USD',
  timezone: 'America/New_York',
  stores: [
    { name: 'Nova Outfitters Downtown', timezone: 'America/New_York', address: { line1: '120 Hudson St', city: 'New York', region: 'NY', postal_code: '10013', country: 'US' }, registers: ['Front counter', 'Fitting rooms'] },
    { name: 'Nova Outfitters Seaside', timezone: 'America/Los_Angeles', address: { line1: '88 Ocean Ave', city: 'Santa Monica', region: 'CA', postal_code: '90401', country: 'US' }, registers: ['Front counter', 'Patio'] },
  ],
  users: [
    { role: 'owner', name: 'Olivia Owner', email: 'owner@nova-outfitters.test', password: 'nova-owner-demo', pin: null, stores: [0, 1] },
    { role: 'admin', name: 'Adam Admin', email: 'admin@nova-outfitters.test', password: 'nova-admin-demo', pin: null, stores: [0, 1] },
    { role: 'manager', name: 'Maya Manager', email: 'manager@nova-outfitters.test', password: 'nova-manager-demo', pin: '9876', stores: [0, 1] },
    { role: 'cashier', name: 'Casey Cashier', email: 'casey@nova-outfitters.test', password: null, pin: '1234', stores: [0] },
    { role: 'cashier', name: 'Jordan Cashier', email: 'jordan@nova-outfitters.test', password: null, pin: '5678', stores: [1] },
  ],
} as const;

export async function isEmpty(app: NovaPos): Promise<boolean> {
  const r = await systemTx(app.database.db, (trx) => sql<{ n: number }>`select count(*)::int as n from identity.login_emails`.execute(trx));
  return r.rows[0]!.n === 0;
}

export async function demoExists(app: NovaPos): Promise<boolean> {
  const r = await systemTx(app.database.db, (trx) => sql<{ n: number }>`select count(*)::int as n from identity.login_emails where email = ${DEMO.users[0].email}`.execute(trx));
  return r.rows[0]!.n > 0;
}

/** Steps of the demo catalog in the seed's progress (the bulk write reports in tenths). */
const CATALOG_STEPS = 10;
const CATALOG_EXTRA_STEPS = 4;

/** Seeds the demo business in one transaction: all of it or nothing. */
export async function seedDemo(app: NovaPos, progress: (done: number, total: number, step: string) => void = () => {}): Promise<{ tenantId: string }> {
  const total = 3 + DEMO.stores.length + DEMO.users.length + CATALOG_STEPS + CATALOG_EXTRA_STEPS;
  let done = 0;
  const step = (label: string) => progress(++done, total, label);
  const identity = app.modules.identity;
  return app.database.db.transaction().execute(async (trx) => {
    const owner = DEMO.users[0];
    const signup = await identity.signup(trx, {
      business_name: DEMO.business,
      email: owner.email,
      password: owner.password,
      currency: DEMO.currency,
      timezone: DEMO.timezone,
      name: owner.name,
      store_name: DEMO.stores[0].name,
      register_name: DEMO.stores[0].registers[0],
    });
    step('tenant and owner');
    const tenantId = signup.tenant.id;
    await scopeToTenant(trx, tenantId);
    const ctx = serviceCtx({ trx, tenantId, actor: actorFor({ id: signup.user.id, role: 'owner' }, []), clock: app.kernel.clock, log: app.log });
    const svc = identity.service;
    await svc.updateStore(ctx, signup.store.id, { address: DEMO.stores[0].address });
    const storeIds = [signup.store.id];
    for (const name of DEMO.stores[0].registers.slice(1)) await svc.createRegister(ctx, signup.store.id, { name });
    step(DEMO.stores[0].name);
    for (const s of DEMO.stores.slice(1)) {
      const store = await svc.createStore(ctx, { name: s.name, timezone: s.timezone, address: s.address });
      for (const name of s.registers) await svc.createRegister(ctx, store.id, { name });
      storeIds.push(store.id);
      step(s.name);
    }
    await svc.updateUser(ctx, identity.deps, signup.user.id, { store_ids: storeIds });
    step('owner stores');
    for (const u of DEMO.users.slice(1)) {
      await svc.createUser(ctx, identity.deps, {
        email: u.email,
        name: u.name,
        role: u.role,
        ...(u.password ? { password: u.password } : {}),
        ...(u.pin ? { pin: u.pin } : {}),
        store_ids: u.stores.map((i) => storeIds[i]!),
      });
      step(u.name);
    }
    await seedCatalog(app, ctx, storeIds, (label) => step(label));
    step('done');
    return { tenantId };
  });
}

export function demoLoginsText(url: string): string {
  const lines = [`NovaPOS demo business "${DEMO.business}" at ${url}`, `  admin portal: ${url}/admin   till: ${url}/pos`];
  for (const u of DEMO.users) {
    lines.push(`  ${u.role.padEnd(8)} ${u.email.padEnd(30)} ${u.password ? `password ${u.password}` : ''.padEnd(26)}${u.pin ? `  PIN ${u.pin}` : ''}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- the demo catalog

/** mulberry32: a small seeded PRNG, so every demo seed makes the same catalog. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const APPAREL = {
  lines: ['Lighthouse', 'Meadow', 'Summit', 'Coastal', 'Canyon', 'Willow', 'Granite', 'Juniper', 'Drift', 'Ember'],
  materials: ['Linen', 'Cotton', 'Merino', 'Denim', 'Flannel'],
  kinds: [
    { name: 'Shirt', category: ['Clothing', 'Shirts & tees'] },
    { name: 'Tee', category: ['Clothing', 'Shirts & tees'] },
    { name: 'Chinos', category: ['Clothing', 'Trousers'] },
    { name: 'Jacket', category: ['Clothing', 'Outerwear'] },
    { name: 'Sweater', category: ['Clothing', 'Knitwear'] },
  ],
  sizes: ['XS', 'S', 'M', 'L', 'XL'],
  colors: ['Navy', 'Sand', 'Olive', 'Black', 'White', 'Rust'],
};
const ACCESSORIES = {
  lines: ['Ridge', 'City', 'Weekend', 'Field', 'Metro', 'Voyager', 'Nomad', 'Atlas', 'Pioneer', 'Pier', 'Alpine'],
  kinds: [
    { name: 'Tote', category: ['Accessories', 'Bags'] },
    { name: 'Backpack', category: ['Accessories', 'Bags'] },
    { name: 'Knit Hat', category: ['Accessories', 'Hats'] },
    { name: 'Cap', category: ['Accessories', 'Hats'] },
    { name: 'Belt', category: ['Accessories', 'Belts'] },
    { name: 'Wallet', category: ['Accessories', 'Small leather goods'] },
    { name: 'Scarf', category: ['Accessories', 'Scarves'] },
    { name: 'Bandana', category: ['Accessories', 'Scarves'] },
    { name: 'Sunglasses', category: ['Accessories', 'Eyewear'] },
    { name: 'Water Bottle', category: ['Accessories', 'Outdoor'] },
  ],
  colors: ['Black', 'Tan', 'Forest', 'Slate'],
};
const ELECTRONICS = [
  { name: 'Wireless Earbuds', category: ['Electronics', 'Audio'], option: 'Color', values: ['Black', 'White'], price: 12900 },
  { name: 'Bluetooth Speaker', category: ['Electronics', 'Audio'], option: 'Color', values: ['Charcoal', 'Sea Blue'], price: 8900 },
  { name: 'Action Camera', category: ['Electronics', 'Cameras'], option: 'Storage', values: ['64 GB', '128 GB'], price: 24900 },
  { name: 'Wildlife Camera', category: ['Electronics', 'Cameras'], option: null, values: [], price: 15900 },
  { name: 'GPS Watch', category: ['Electronics', 'Wearables'], option: 'Band', values: ['Small', 'Large'], price: 29900 },
  { name: 'Power Bank', category: ['Electronics', 'Chargers'], option: 'Capacity', values: ['10,000 mAh', '20,000 mAh'], price: 4900 },
  { name: 'Headlamp', category: ['Electronics', 'Outdoor tech'], option: null, values: [], price: 3900 },
  { name: 'E-Reader', category: ['Electronics', 'Readers'], option: 'Storage', values: ['16 GB', '32 GB'], price: 13900 },
];
const ELECTRONICS_EDITIONS = ['', ' Pro', ' Mini', ' Sport', ' 2'];

/**
 * About 300 products and 1,500 variants: apparel in size × colour, accessories, and electronics
 * that track serial numbers; in categories, all under the tax code "Sales tax" (state and city
 * rates per store); stock in both stores (electronics received with serials), some of it low,
 * and one variant driven below zero by a sale. Written through the catalog's bulk upsert and
 * inventory's service API, in the seed's transaction.
 */
async function seedCatalog(app: NovaPos, ctx: Ctx, storeIds: string[], step: (label: string) => void): Promise<void> {
  const random = prng(20_240_601);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const usd = (amount: number) => ({ amount, currency: DEMO.currency });
  const ops = app.modules.catalog.operations;
  const inventory = app.modules.inventory.service;
  const [downtown, seaside] = storeIds as [string, string];

  await ops.createTaxCode(ctx, {
    name: 'Sales tax',
    description: 'State and city sales tax',
    rates: [
      { store_id: downtown, name: 'New York State', rate_ppm: 40_000 },
      { store_id: downtown, name: 'New York City', rate_ppm: 48_750 },
      { store_id: seaside, name: 'California', rate_ppm: 72_500 },
      { store_id: seaside, name: 'Santa Monica', rate_ppm: 30_000 },
    ],
  });
  step('tax codes');

  let code = 0;
  // GS1 prefix 20-29 is for in-store numbering: these barcodes are valid and belong to no brand
  const ean13 = () => {
    const body = `2${String(900_000_000_00 + code++).padStart(11, '0')}`;
    return [{ code: `${body}${gtinCheckDigit(body)}` }];
  };
  const money = (low: number, high: number) => Math.round((low + random() * (high - low)) / 100) * 100 - 1;
  const products: BulkProduct[] = [];
  const tracked = new Set<string>();
  let ref = 0;
  const variant = (sku: string, optionValues: string[], price: number, v: Partial<BulkVariant> = {}): BulkVariant => ({
    ref: ref++,
    sku,
    optionValues,
    price: usd(price),
    cost: usd(Math.round(price * (0.38 + random() * 0.15))),
    barcodes: ean13(),
    // a few Seaside prices differ from the base price
    ...(random() < 0.08 ? { storePrices: new Map([[seaside, usd(price + 200)]]) } : {}),
    ...v,
  });

  APPAREL.lines.forEach((line, li) =>
    APPAREL.materials.forEach((material, mi) =>
      APPAREL.kinds.forEach((kind, ki) => {
        if ((li * 7 + mi * 3 + ki) % 3 === 0) return; // not every line makes every garment
        const sizes = APPAREL.sizes.slice(random() < 0.3 ? 1 : 0, random() < 0.4 ? 4 : 5);
        const colors = Array.from(new Set([pick(APPAREL.colors), pick(APPAREL.colors)]));
        const price = money(2900, 14900);
        const sku = `AP-${line.slice(0, 3)}${material.slice(0, 3)}${kind.name.slice(0, 3)}`.toUpperCase();
        products.push({
          ref: ref++,
          name: `${line} ${material} ${kind.name}`,
          description: `${material} ${kind.name.toLowerCase()} from the ${line} line.`,
          categoryPath: kind.category,
          taxCode: 'Sales tax',
          optionNames: ['Size', 'Color'],
          variants: sizes.flatMap((size) => colors.map((color) => variant(`${sku}-${size}-${color.slice(0, 3).toUpperCase()}`, [size, color], price))),
        });
      }),
    ),
  );
  ACCESSORIES.lines.forEach((line) =>
    ACCESSORIES.kinds.forEach((kind, ki) => {
      const colors = random() < 0.5 ? [pick(ACCESSORIES.colors)] : Array.from(new Set([pick(ACCESSORIES.colors), pick(ACCESSORIES.colors), pick(ACCESSORIES.colors)]));
      const price = money(1200, 8900);
      const sku = `AC-${line.slice(0, 4)}-${ki}`.toUpperCase();
      products.push({
        ref: ref++,
        name: `${line} ${kind.name}`,
        categoryPath: kind.category,
        taxCode: 'Sales tax',
        optionNames: colors.length > 1 ? ['Color'] : [],
        variants: colors.map((c) => variant(colors.length > 1 ? `${sku}-${c.slice(0, 3).toUpperCase()}` : sku, colors.length > 1 ? [c] : [], price)),
      });
    }),
  );
  ELECTRONICS.forEach((e, ei) =>
    ELECTRONICS_EDITIONS.forEach((edition, ed) => {
      const sku = `EL-${ei}${ed}`;
      const price = e.price + ed * 2000;
      const variants = e.option ? e.values.map((v, i) => variant(`${sku}-${i + 1}`, [v], price + i * 3000, { trackSerials: true })) : [variant(sku, [], price, { trackSerials: true })];
      variants.forEach((v) => tracked.add(v.sku));
      products.push({ ref: ref++, name: `Nova ${e.name}${edition}`, categoryPath: e.category, taxCode: 'Sales tax', optionNames: e.option ? [e.option] : [], variants });
    }),
  );

  let tenth = 0;
  const result = await upsertCatalog(ctx, products, {
    onProgress: (done, all) => {
      while (tenth < Math.floor((CATALOG_STEPS * done) / all)) {
        tenth++;
        step(`catalog: ${done.toLocaleString('en')} of ${all.toLocaleString('en')} variants`);
      }
    },
  });
  if (result.issues.length > 0) throw new Error(`demo catalog is invalid: ${JSON.stringify(result.issues.slice(0, 5))}`);
  while (tenth++ < CATALOG_STEPS) step('catalog');

  // stock: mostly healthy, some low (at or below the default threshold of 5), some sold out
  const variants = result.variants.filter((v) => v.id !== null) as { id: string; sku: string; cost: { amount: number; currency: string } | null }[];
  for (const [s, storeId] of [downtown, seaside].entries()) {
    const lines = variants.flatMap((v) => {
      const r = random();
      const quantity = tracked.has(v.sku) ? (s === 0 ? 3 : 1) + Math.floor(random() * 6) : r < 0.03 ? 0 : r < 0.08 ? 1 + Math.floor(random() * 4) : 6 + Math.floor(random() * 30);
      if (quantity === 0) return [];
      const serials = tracked.has(v.sku) ? Array.from({ length: quantity }, (_, i) => `SN${v.sku.replace(/-/g, '')}${s}${String(i + 1).padStart(3, '0')}`) : undefined;
      return [{ variant_id: v.id, quantity, unit_cost: v.cost ?? usd(0), ...(serials ? { serial_numbers: serials } : {}) }];
    });
    for (let i = 0; i < lines.length; i += 1000) {
      await inventory.receive(ctx, { store_id: storeId, supplier: i === 0 ? 'Nova Outfitters Distribution' : 'Nova Outfitters Distribution (cont.)', supplier_reference: `OPENING-${s + 1}-${i / 1000 + 1}`, lines: lines.slice(i, i + 1000) });
    }
    step(`stock at ${DEMO.stores[s]!.name}`);
  }

  // one item oversold: a sale rung while the shelf count was wrong takes it below zero
  const oversold = variants.find((v) => v.sku.startsWith('AC-') && !tracked.has(v.sku))!;
  const [level] = await inventory.levels(ctx, seaside, [oversold.id]);
  await inventory.recordSale(ctx, { order_id: newId(), store_id: seaside, lines: [{ line_id: '1', variant_id: oversold.id, quantity: (level?.on_hand ?? 0) + 2 }] });
  step('a sale below zero');
}
