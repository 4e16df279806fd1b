import { hasPostgres } from '@novapos/testkit';
import { drawerSuite } from './drawer.suite.ts';

if (hasPostgres()) drawerSuite('postgres');
