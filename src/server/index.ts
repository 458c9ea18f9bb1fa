/** server: the `keel serve` dashboard (Hono) over a runs folder. See docs/dashboard.md. */
export { createDashboard } from './app.ts';
export type { DashboardOptions } from './app.ts';
export { csrfFor, newToken, SESSION_COOKIE } from './security.ts';
export { RunStore } from './run-store.ts';
export type { RunListing } from './run-store.ts';
