import { cpSync, mkdtempSync, writeFileSync, appendFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, platformMigrations, type MigrationSource } from '@novapos/platform';
import { identityMigrations } from '@novapos/identity';

describe('migrations', () => {
  it('apply once in order, and refuse an applied file that was changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'novapos-mig-'));
    cpSync(identityMigrations.dir, dir, { recursive: true });
    const identity: MigrationSource = { ...identityMigrations, dir };
    const database = await openDatabase({});
    try {
      const first = await migrate(database, [platformMigrations, identity]);
      expect(first.applied[0]).toBe('platform/0001_kernel.sql');
      expect(first.applied).toContain('identity/0001_identity.sql');
      expect((await migrate(database, [platformMigrations, identity])).applied).toEqual([]);

      writeFileSync(join(dir, '0099_notes.sql'), 'create table identity.notes (tenant_id uuid not null, id uuid not null, primary key (tenant_id, id));\n');
      expect((await migrate(database, [platformMigrations, identity])).applied).toEqual(['identity/0099_notes.sql']);

      const file = readdirSync(dir).find((f) => f.startsWith('0001'))!;
      appendFileSync(join(dir, file), '\n-- edited after release\n');
      await expect(migrate(database, [platformMigrations, identity])).rejects.toThrow(/identity\/0001_identity\.sql was changed after it was applied/);
    } finally {
      await database.close();
    }
  });

  it('roll back a failing migration completely', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'novapos-mig-'));
    writeFileSync(join(dir, '0001_broken.sql'), 'create schema broken; create table broken.a (id int); select 1/0;');
    const database = await openDatabase({});
    try {
      await migrate(database, [platformMigrations]);
      await expect(migrate(database, [{ module: 'broken', schema: 'broken', dir }])).rejects.toThrow(/broken\/0001_broken\.sql failed: division by zero/);
      const r = await database.db.selectFrom('information_schema.schemata' as never).select('schema_name' as never).where('schema_name' as never, '=', 'broken' as never).execute();
      expect(r).toHaveLength(0);
    } finally {
      await database.close();
    }
  });
});
