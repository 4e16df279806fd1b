import { sql } from 'kysely';
import { actorFor } from '@novapos/identity';
import { scopeToTenant, serviceCtx, systemTx } from '@novapos/platform';
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

/** Seeds the demo business in one transaction: all of it or nothing. */
export async function seedDemo(app: NovaPos, progress: (done: number, total: number, step: string) => void = () => {}): Promise<{ tenantId: string }> {
  const total = 3 + DEMO.stores.length + DEMO.users.length;
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
