import { hasPostgres } from '@novapos/testkit';
import { checkoutSuite } from './checkout.suite.ts';

if (hasPostgres()) checkoutSuite('postgres');
