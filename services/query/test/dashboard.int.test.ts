import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey, type KeyEntry } from '../../../scripts/lib/api-keys-file.ts';
import { startLocalStack, type LocalStack } from '../../../scripts/lib/local-stack.ts';
import { makeTempDir, removeTempDir } from '../../../scripts/lib/temp-dir.ts';
import { repoRoot } from '../../../scripts/lib/tools.ts';
import { createTrafficModel } from '../../../scripts/lib/traffic-model.ts';
import { createTrafficSender, type SendReport } from '../../../scripts/lib/traffic-sender.ts';

/**
 * The dashboard in a real browser (Debian's Chromium, driven by
 * playwright-core) against the whole local stack with generated traffic:
 * key prompt, live figures that move, campaign table and drill-down.
 * The screenshot lands in .results/dashboard.png.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const SCREENSHOT = join(repoRoot(), '.results', 'dashboard.png');
const PATIENCE_MS = 60_000;

let dir: string;
let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let key: KeyEntry;
const stopTraffic = new AbortController();
let traffic: Promise<SendReport> | undefined;
/** Console errors and uncaught exceptions of the page, CSP violations included. */
const pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing, so the dashboard cannot be tested in a browser: install Debian's chromium (apt-get install -y chromium, part of npm run setup)`);
  }
  dir = await makeTempDir('dashboard');
  key = { key: newApiKey('ask_dash'), tenant: 'dash', scopes: ['ingest', 'query'] };
  await writeFile(join(dir, 'keys.json'), JSON.stringify([key]));
  stack = await startLocalStack({ dataDir: dir, apiKeysFile: join(dir, 'keys.json'), logLevel: 'warn', env: { STREAM_INTERVAL_MS: '1000' } });
  const model = createTrafficModel({ seed: 7, campaigns: 4, clock: Date.now });
  traffic = createTrafficSender({ url: stack.ingestUrl, key: key.key, source: model, rate: 400, durationMs: 0, batchSize: 100, concurrency: 2, signal: stopTraffic.signal }).run();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') pageProblems.push(m.text());
  });
  page.on('pageerror', (err) => pageProblems.push(err.message));
});

afterAll(async () => {
  stopTraffic.abort();
  await traffic;
  await browser?.close();
  await stack?.stop();
  if (dir) await removeTempDir(dir);
});

const text = (testId: string) => page.getByTestId(testId).textContent();

describe('dashboard in Chromium', () => {
  it('asks for the API key, keeps it for the tab, and turns a refused key back into the prompt', async () => {
    const res = await page.goto(`${stack.queryUrl}/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByTestId('key-panel').waitFor({ state: 'visible' });
    expect(await page.getByTestId('dashboard').isHidden()).toBe(true);

    // A wrong key: the live stream is refused and the prompt comes back with the server's reason.
    await page.getByLabel(/^API key/).fill('ask_wrong_0123456789abcdef');
    await page.getByTestId('api-key-submit').click();
    await page.getByTestId('key-panel').waitFor({ state: 'visible' });
    await expect.poll(() => text('key-error'), { timeout: PATIENCE_MS }).toBe('invalid API key');
    expect(await page.evaluate(() => sessionStorage.getItem('adstream.apiKey'))).toBeNull();

    await page.getByLabel(/^API key/).fill(key.key);
    await page.getByTestId('api-key-submit').click();
    await page.getByTestId('dashboard').waitFor({ state: 'visible' });
    expect(await page.getByTestId('key-panel').isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('adstream.apiKey'))).toBe(key.key);

    // Asked once: a reload goes straight to the dashboard.
    await page.reload();
    await page.getByTestId('dashboard').waitFor({ state: 'visible' });
    expect(await page.getByTestId('key-panel').isHidden()).toBe(true);
  });

  it('shows live figures from the event stream that change as traffic flows', async () => {
    await expect.poll(() => text('connection-status'), { timeout: PATIENCE_MS }).toBe('Live');
    const updates = async () => Number(await page.getByTestId('live-updated').getAttribute('data-updates'));
    await expect.poll(updates, { timeout: PATIENCE_MS }).toBeGreaterThan(0);
    expect(await text('live-window')).toBe('10');
    // NATS is configured, so pending is a number; events are flowing, so received becomes non-zero.
    await expect.poll(() => text('live-pending'), { timeout: PATIENCE_MS }).toMatch(/^[\d,]+$/);
    await expect.poll(async () => Number((await text('live-received'))!.replace(/,/g, '')), { timeout: PATIENCE_MS }).toBeGreaterThan(0);
    await expect.poll(() => text('live-age'), { timeout: PATIENCE_MS }).toMatch(/^[\d.]+ s$/);

    const before = { received: await text('live-received'), stored: await text('live-stored'), age: await text('live-age'), n: await updates() };
    await expect
      .poll(
        async () => {
          const now = { received: await text('live-received'), stored: await text('live-stored'), age: await text('live-age'), n: await updates() };
          return now.n > before.n && (now.received !== before.received || now.stored !== before.stored || now.age !== before.age);
        },
        { timeout: PATIENCE_MS },
      )
      .toBe(true);
  });

  it('lists campaigns and drills down into a chart, a funnel and breakdowns', async () => {
    const rows = page.getByTestId('campaign-row');
    await expect.poll(() => rows.count(), { timeout: PATIENCE_MS }).toBeGreaterThan(0);
    const first = rows.first();
    const campaignId = (await first.getAttribute('data-campaign-id'))!;
    expect(campaignId).not.toBe('');
    await first.getByTestId('campaign-open').click();

    const detail = page.getByTestId('campaign-detail');
    await detail.waitFor({ state: 'visible' });
    await expect.poll(() => detail.getAttribute('data-loaded-campaign'), { timeout: PATIENCE_MS }).toBe(campaignId);
    expect(await text('detail-campaign')).toBe(campaignId);
    expect(Number(await page.getByTestId('insights-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await page.getByTestId('insights-chart').getAttribute('aria-label')).toContain(campaignId);

    const steps = page.getByTestId('funnel-step');
    expect(await steps.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step))).toEqual(['impression', 'click', 'conversion']);
    expect(Number(await steps.first().getAttribute('data-count'))).toBeGreaterThan(0);

    for (const dimension of ['device', 'platform', 'country']) {
      await expect.poll(() => page.getByTestId(`breakdown-${dimension}`).getByTestId('breakdown-row').count(), { timeout: PATIENCE_MS }).toBeGreaterThan(0);
    }
    // The drill-down refreshes in place: the same campaign stays open, the page is not reloaded.
    await expect.poll(() => text('detail-status'), { timeout: PATIENCE_MS }).toMatch(/^Updated /);

    await mkdir(join(repoRoot(), '.results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('forgets the key on request and shows nothing of the tenant any more', async () => {
    await page.getByTestId('forget-key').click();
    await page.getByTestId('key-panel').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('adstream.apiKey'))).toBeNull();
    expect(await page.getByTestId('campaign-row').count()).toBe(0);
    expect(await text('live-received')).toBe('–');
    expect(await page.getByTestId('campaign-detail').isHidden()).toBe(true);
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    expect(pageProblems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
