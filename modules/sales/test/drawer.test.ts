import { drawerSuite } from './drawer.suite.ts';

drawerSuite('pglite');
