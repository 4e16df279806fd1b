import { hasPostgres } from '@novapos/testkit';
import { pushSuite } from './push.suite.ts';

if (hasPostgres()) pushSuite('postgres');
