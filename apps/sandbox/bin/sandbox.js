#!/usr/bin/env node
// Runs the TypeScript sources directly, as apps/server/bin/novapos.js does.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
