// GraphView in a real browser (Debian's chromium driven by playwright-core), as a person uses it:
// every state and edge drawn with its data-* attributes, selection, zoom, pan, fit, minimap,
// export, status colouring, diagnostics and drop targets, with no console errors.
// CHROMIUM names the browser (default /usr/bin/chromium). Without it the test is skipped,
// except under CI (CI=true), where it fails.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import ecommerceText from '../../../examples/ecommerce/order-processing.asl.json?raw';
import { buildGraph } from './build';
import { DROP_TYPE } from './GraphView';
import type { MountOptions } from './harness/harness';
import { drawnProblems } from './drawn.mjs';

const env = import.meta.env as Record<string, string | undefined>;
const ecommerce = JSON.parse(ecommerceText);

let server: ViteDevServer | undefined;
let browser: Browser | undefined;
let page: Page;
let skip = '';
const errors: string[] = [];

beforeAll(async () => {
  try {
    browser = await chromium.launch({ executablePath: env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  } catch (err) {
    if (env.CI === 'true') throw new Error(`the browser tests need chromium (apt-get install chromium, or set CHROMIUM): ${err}`);
    skip = `SKIP: no chromium (${String(err).split('\n')[0]})`;
    console.warn(skip);
    return;
  }
  server = await createServer({ configFile: new URL('../../vite.config.ts', import.meta.url).pathname, logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false } });
  await server.listen();
  const address = server.httpServer!.address() as { port: number };
  page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${address.port}/console/src/graph/harness/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function mount(o: MountOptions): Promise<void> {
  await page.evaluate((opts) => (window as any).sj.mount(opts), o);
  await page.waitForSelector('[data-testid="graph"] [data-node-id]');
}

const events = () => page.evaluate(() => (window as any).sj.events as unknown[]);
const transform = () => page.getAttribute('[data-viewport]', 'transform');
const scaleOf = (t: string | null) => Number(/scale\(([^)]+)\)/.exec(t ?? '')?.[1]);

describe('GraphView in chromium', () => {
  test('draws every state and edge of the e-commerce example with the data-* contract', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce });
    // The standalone check the console's e2e tests use.
    expect(await page.evaluate(drawnProblems, ecommerce)).toEqual([]);
    for (const name of Object.keys(ecommerce.States)) {
      const id = `/States/${name}`;
      const el = page.locator(`[data-node-id="${id}"]`);
      await expect.poll(() => el.count()).toBe(1);
      expect(await el.getAttribute('data-state-name')).toBe(name);
      expect(await el.getAttribute('data-status')).toBe('none');
      expect(await el.isVisible()).toBe(true);
    }
    const g = buildGraph(ecommerce);
    for (const e of g.edges) {
      const el = page.locator(`[data-edge-id="${e.id}"]`);
      expect(await el.count(), e.id).toBe(1);
      expect(await el.getAttribute('data-edge-kind')).toBe(e.kind);
    }
    expect(await page.locator('[data-edge-id]').count()).toBe(g.edges.length);
    expect(await page.locator('[data-node-id]').count()).toBe(g.nodes.length);
    // Catch edges are dashed and carry their errors as the label.
    const dash = await page.$eval('[data-edge-id="/States/ProcessPayment>catch:0"] .sj-edge-line', (el) => getComputedStyle(el).strokeDasharray);
    expect(dash).not.toBe('none');
    expect(await page.textContent('[data-edge-id="/States/ProcessPayment>catch:0"] .sj-edge-label')).toContain('PaymentDeclined');
    // Start and End markers.
    expect(await page.textContent('[data-node-id="/@start"]')).toContain('Start');
    expect(await page.textContent('[data-node-id="/@end"]')).toContain('End');
  }, 60_000);

  test('click selects a state, a click on the background clears it', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce });
    await page.click('[data-node-id="/States/ProcessPayment"] .sj-shape');
    await expect.poll(events).toContainEqual(['select', '/States/ProcessPayment']);
    await expect.poll(() => page.getAttribute('[data-node-id="/States/ProcessPayment"]', 'class')).toContain('sj-selected');
    const box = (await page.locator('[data-testid="graph"]').boundingBox())!;
    await page.mouse.click(box.x + 5, box.y + box.height - 5);
    await expect.poll(events).toContainEqual(['select', null]);
  }, 60_000);

  test('a state selected from outside is brought into view', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce });
    for (let i = 0; i < 6; i++) await page.click('[data-testid="graph-zoom-in"]');
    const inView = () => page.evaluate(() => {
      const svg = document.querySelector('[data-testid="graph"]')!.getBoundingClientRect();
      const n = document.querySelector('[data-node-id="/States/OutOfStock"]')!.getBoundingClientRect();
      return n.left >= svg.left && n.top >= svg.top && n.right <= svg.right && n.bottom <= svg.bottom;
    });
    expect(await inView()).toBe(false);
    await page.evaluate(() => (window as any).sj.select('/States/OutOfStock'));
    await expect.poll(inView).toBe(true);
  }, 60_000);

  test('zoom with the buttons and the wheel, pan by dragging, fit again', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce });
    const fitted = await transform();
    await page.click('[data-testid="graph-zoom-in"]');
    await expect.poll(async () => scaleOf(await transform())).toBeGreaterThan(scaleOf(fitted));
    const box = (await page.locator('[data-testid="graph"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const before = scaleOf(await transform());
    await page.mouse.wheel(0, 300);
    await expect.poll(async () => scaleOf(await transform())).toBeLessThan(before);
    const t0 = await transform();
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + 90, { steps: 5 });
    await page.mouse.up();
    await expect.poll(transform).not.toBe(t0);
    // A drag is not a click: nothing was selected by it.
    expect(await events()).not.toContainEqual(['select', null]);
    await page.click('[data-testid="graph-fit"]');
    await expect.poll(transform).toBe(fitted);
  }, 60_000);

  test('a minimap appears when the graph does not fit and moves the view', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce });
    for (let i = 0; i < 4; i++) await page.click('[data-testid="graph-zoom-in"]');
    const mini = page.locator('[data-testid="graph-minimap"]');
    await expect.poll(() => mini.count()).toBe(1);
    const t0 = await transform();
    const b = (await mini.boundingBox())!;
    await page.mouse.click(b.x + b.width / 2, b.y + b.height - 4);
    await expect.poll(transform).not.toBe(t0);
  }, 60_000);

  test('exports the whole graph as a standalone SVG and as a PNG', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce, droppable: true });
    await page.click('[data-testid="graph-zoom-in"]');
    const svg: string = await page.evaluate(() => (window as any).sj.exportSvg());
    expect(svg.startsWith('<?xml')).toBe(true);
    const info = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.querySelector('parsererror')?.textContent ?? '',
        viewBox: root.getAttribute('viewBox'),
        width: root.getAttribute('data-width'),
        height: root.getAttribute('data-height'),
        transform: root.querySelector('[data-viewport]')?.getAttribute('transform') ?? null,
        nodes: root.querySelectorAll('[data-node-id]').length,
        skipped: root.querySelectorAll('[data-export="skip"]').length,
        fill: root.querySelector('[data-node-id="/States/OutOfStock"] .sj-shape')?.getAttribute('fill'),
        dash: root.querySelector('[data-edge-kind="catch"] .sj-edge-line')?.getAttribute('stroke-dasharray'),
      };
    }, svg);
    expect(info.error).toBe('');
    expect(info.viewBox).toBe(`0 0 ${info.width} ${info.height}`);
    expect(info.transform).toBeNull();
    expect(info.nodes).toBe(buildGraph(ecommerce).nodes.length);
    expect(info.skipped).toBe(0);
    expect(info.fill).toMatch(/^rgb/); // computed style inlined: the Fail state's tint
    expect(info.dash).not.toBe('none');
    const png = await page.evaluate(() => (window as any).sj.exportPng());
    expect(png.type).toBe('image/png');
    expect(png.head).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(png.size).toBeGreaterThan(1000);
  }, 60_000);

  test('colours states by status with a legend, and marks the edges taken', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({
      definition: ecommerce,
      status: { '/States/ReceiveOrder': 'succeeded', '/States/CheckInventory': 'retried', '/States/ProcessPayment': 'caught', '/States/ReleaseInventory': 'succeeded', '/States/NotifyPaymentFailed': 'running' },
    });
    expect(await page.getAttribute('[data-node-id="/States/ProcessPayment"]', 'data-status')).toBe('caught');
    expect(await page.getAttribute('[data-node-id="/States/FulfilOrder"]', 'data-status')).toBe('notreached');
    const fill = (id: string) => page.$eval(`[data-node-id="${id}"] .sj-shape`, (el) => getComputedStyle(el).fill);
    expect(await fill('/States/ProcessPayment')).not.toBe(await fill('/States/ReceiveOrder'));
    expect(await fill('/States/FulfilOrder')).not.toBe(await fill('/States/ReceiveOrder'));
    expect(await page.textContent('[data-testid="graph-legend"]')).toContain('Not reached');
    expect(await page.getAttribute('[data-edge-id="/States/ProcessPayment>catch:0"]', 'class')).toContain('sj-taken');
    expect(await page.getAttribute('[data-edge-id="/States/ProcessPayment>next"]', 'class')).toContain('sj-not-taken');
  }, 60_000);

  test('shows diagnostics as a badge on the state', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce, diagnostics: { '/States/ShipOrder': ['SCHEMA_VALIDATION_FAILED: bad'] } });
    expect(await page.locator('[data-node-id="/States/ShipOrder"] [data-testid="graph-diagnostic"]').count()).toBe(1);
    expect(await page.locator('[data-testid="graph-diagnostic"]').count()).toBe(1);
  }, 60_000);

  test('a palette item dragged onto an edge shows a drop indicator and is dropped there', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce, droppable: true });
    const edge = '/States/FulfilOrder>next';
    const hit = page.locator(`[data-edge-id="${edge}"] .sj-edge-hit`);
    const dt = await page.evaluateHandle((type) => { const d = new DataTransfer(); d.setData(type, '{"Type":"Pass"}'); return d; }, DROP_TYPE);
    await hit.dispatchEvent('dragenter', { dataTransfer: dt });
    await hit.dispatchEvent('dragover', { dataTransfer: dt });
    await expect.poll(() => page.locator(`[data-edge-id="${edge}"] [data-testid="graph-drop-indicator"]`).count()).toBe(1);
    await hit.dispatchEvent('drop', { dataTransfer: dt });
    await expect.poll(events).toContainEqual(['drop', { edge }, '{"Type":"Pass"}']);
    await expect.poll(() => page.locator('[data-testid="graph-drop-indicator"]').count()).toBe(0);
    // A marker is a node target: the first state of an empty level.
    await mount({ definition: {}, droppable: true });
    await page.locator('[data-node-id="/@start"]').dispatchEvent('drop', { dataTransfer: dt });
    await expect.poll(events).toContainEqual(['drop', { node: '/@start' }, '{"Type":"Pass"}']);
  }, 60_000);

  test('a real drag from a palette item onto an edge drops there', async (ctx) => {
    if (skip) return ctx.skip();
    await mount({ definition: ecommerce, droppable: true });
    const edge = '/States/ShipOrder>next';
    // The middle of the edge's line (a straight edge has a zero-width box: aim at the point itself).
    const line = (await page.locator(`[data-edge-id="${edge}"] .sj-edge-line`).boundingBox())!;
    const svg = (await page.locator('[data-testid="graph"]').boundingBox())!;
    await page.dragAndDrop('[data-testid="palette-Pass"]', '[data-testid="graph"]', {
      targetPosition: { x: line.x + line.width / 2 - svg.x, y: line.y + line.height / 2 - svg.y },
    });
    await expect.poll(events).toContainEqual(['drop', { edge }, '{"Type":"Pass"}']);
  }, 60_000);

  test('nested Parallel in Map in Parallel draws every group and state; dark theme changes colours', async (ctx) => {
    if (skip) return ctx.skip();
    const leaf = { StartAt: 'L', States: { L: { Type: 'Pass', End: true } } };
    const def = {
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Parallel', End: true,
          Branches: [{ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Parallel', Branches: [leaf, leaf], End: true } } }, End: true } } }, leaf],
        },
      },
    };
    await mount({ definition: def });
    const g = buildGraph(def);
    expect(await page.locator('[data-group-id]').count()).toBe(g.groups.length);
    expect(await page.locator('[data-node-id]').count()).toBe(g.nodes.length);
    expect(await page.evaluate(drawnProblems, def)).toEqual([]);
    const light = await page.$eval('[data-node-id="/States/Outer"] > .sj-shape', (el) => getComputedStyle(el).fill);
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    const dark = await page.$eval('[data-node-id="/States/Outer"] > .sj-shape', (el) => getComputedStyle(el).fill);
    await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));
    expect(dark).not.toBe(light);
  }, 60_000);

  test('no errors in the console', async (ctx) => {
    if (skip) return ctx.skip();
    expect(errors).toEqual([]);
  });
});
