import { hasPostgres } from '@novapos/testkit';
import { ordersSuite } from './orders.suite.ts';

if (hasPostgres()) ordersSuite('postgres');
