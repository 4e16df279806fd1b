import { checkoutSuite } from './checkout.suite.ts';

checkoutSuite('pglite');
