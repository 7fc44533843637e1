/**
 * @packageDocumentation
 * The Chorale web dashboard: active sessions with their plans and messages, the escalation
 * queue with Resolve / Escalate / Close, resolved and escalated history, and the
 * cross-repository dependency graph, updated live from the node's `/api/events`. The page is
 * bundled at build time (no asset from the internet); `chorale start` serves the files in
 * {@link dashboardAssetsDir} at `/`.
 */

import { fileURLToPath } from 'node:url';

/** Absolute path of the built page (index.html, the script and style bundles). */
export const dashboardAssetsDir: string = fileURLToPath(new URL('./public/', import.meta.url));
