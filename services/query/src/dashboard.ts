import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
/** chart.js's dist folder, wherever npm placed the package (hoisted or not). */
const CHART_DIST = dirname(fileURLToPath(import.meta.resolve('chart.js')));
/** The self-contained UMD build: the ESM build imports the bare specifier '@kurkle/color', which a browser cannot resolve. */
const CHART_FILE = '/chart.umd.min.js';

/**
 * Everything the page loads comes from this origin, there is no inline
 * script or style, and the API is reached with fetch only. Chart.js sizes its
 * canvas through the CSSOM, which style-src does not govern.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function headers(reply: FastifyReply): void {
  reply.header('content-security-policy', DASHBOARD_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  // Revalidated on every load (ETag), so a deployment never mixes old and new modules.
  reply.header('cache-control', 'no-cache');
}

/** The live dashboard at `/` (services/query/public), and Chart.js from node_modules at /vendor/chart.js/. */
export async function dashboard(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/',
    // One route per file that exists, rather than a catch-all that would also answer unknown API paths.
    wildcard: false,
    decorateReply: false,
    cacheControl: false,
    dotfiles: 'ignore',
    setHeaders: headers,
  });
  await app.register(fastifyStatic, {
    root: CHART_DIST,
    prefix: '/vendor/chart.js/',
    decorateReply: false,
    cacheControl: false,
    allowedPath: (path) => path === CHART_FILE,
    setHeaders: headers,
  });
}
