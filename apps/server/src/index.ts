export { createNovaPos, REPO_ROOT, DEFAULT_WEB_DIST, type NovaPos, type CreateOptions } from './app.ts';
export { DEMO, seedDemo, demoLoginsText } from './seed.ts';
