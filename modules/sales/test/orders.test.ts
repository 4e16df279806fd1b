import { ordersSuite } from './orders.suite.ts';

ordersSuite('pglite');
