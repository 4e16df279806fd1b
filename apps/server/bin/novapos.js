#!/usr/bin/env node
// Runs the TypeScript sources directly: workspaces export .ts, and tsx transpiles on load.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
