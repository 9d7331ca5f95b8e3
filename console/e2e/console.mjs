// The console tested as a person uses it: Playwright (playwright-core) driving Debian's
// chromium against a real `stepjet serve`. Started by cmd/stepjet's TestConsoleInBrowser, which
// builds and starts serve on free ports and passes:
//   STEPJET_URL         the server's base URL (http://127.0.0.1:PORT)
//   STEPJET_SIGNED_URL  optional: a second server that requires SigV4, with
//   STEPJET_SIGNED_KEY / STEPJET_SIGNED_SECRET its key
//   CHROMIUM            the browser (default /usr/bin/chromium)
//   E2E_ARTIFACTS       where screenshots go (created)
//   EXAMPLES            the repository's examples/ folder
// Every scenario runs in order; the first failure saves a screenshot, prints what failed and
// exits 1. Any console error or uncaught exception in the page (a CSP violation included) fails
// the run too.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.env.STEPJET_URL;
if (!base) {
  console.error('STEPJET_URL is not set: run me through `go test ./cmd/stepjet -run TestConsoleInBrowser`');
  process.exit(2);
}
const artifacts = process.env.E2E_ARTIFACTS || join(process.cwd(), 'test-results', 'e2e');
const examples = process.env.EXAMPLES || join(process.cwd(), '..', 'examples');
mkdirSync(artifacts, { recursive: true });

/** A step's patience: the machine running the tests may be loaded; speed is not what this checks. */
const T = 60_000;

// ---- the API, straight (to set things up the way the CLI would)
async function api(op, body, url = base) {
  const res = await fetch(url + '/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AWSStepFunctions.${op}` },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${op}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}
const ROLE = 'arn:aws:iam::123456789012:role/stepjet';
async function createMachine(name, definition) {
  const r = await api('CreateStateMachine', { name, type: 'EXPRESS', roleArn: ROLE, definition });
  return r.stateMachineArn;
}

// ---- definitions the scenarios use
// A Task that cannot succeed (an HTTP call to a closed port on loopback), retried once and then
// caught: the execution succeeds through the Catch path.
const CAUGHT = {
  Comment: 'A task that fails and is caught',
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Next: 'CallService' },
    CallService: {
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: { ApiEndpoint: 'http://127.0.0.1:9/unreachable', Method: 'GET' },
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HandleError' }],
      Next: 'Done',
    },
    HandleError: { Type: 'Pass', End: true },
    Done: { Type: 'Succeed' },
  },
};
const UNCAUGHT = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Next: 'CallService' },
    CallService: { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: { ApiEndpoint: 'http://127.0.0.1:9/unreachable', Method: 'GET' }, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/** exampleDefinitions lists every *.asl.json under examples/. */
function exampleDefinitions(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...exampleDefinitions(p));
    else if (name.endsWith('.asl.json')) out.push(p);
  }
  return out.sort();
}

/** expectedGraph lists what the graph must draw for a definition: every state (by name) and
 *  every transition (by the edge ids src/graph/model.ts defines). */
function expectedGraph(def, base = '') {
  const states = [], edges = [];
  if (typeof def.StartAt === 'string') edges.push(`${base}/@start>start`);
  for (const [name, s] of Object.entries(def.States ?? {})) {
    const id = `${base}/States/${name}`;
    states.push(name);
    if (s.Next) edges.push(`${id}>next`);
    if (s.Default) edges.push(`${id}>default`);
    (s.Choices ?? []).forEach((_, i) => edges.push(`${id}>choice:${i}`));
    (s.Catch ?? []).forEach((_, i) => edges.push(`${id}>catch:${i}`));
    (s.Branches ?? []).forEach((b, i) => {
      const sub = expectedGraph(b, `${id}/Branches/${i}`);
      states.push(...sub.states);
      edges.push(...sub.edges);
    });
    const proc = s.ItemProcessor ? 'ItemProcessor' : s.Iterator ? 'Iterator' : '';
    if (proc) {
      const sub = expectedGraph(s[proc], `${id}/${proc}`);
      states.push(...sub.states);
      edges.push(...sub.edges);
    }
  }
  return { states, edges };
}

// ---- the browser
const profile = mkdtempSync(join(tmpdir(), 'stepjet-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  timeout: T,
});
context.setDefaultTimeout(T);
const page = context.pages()[0] ?? (await context.newPage());
const pageErrors = [];
page.on('console', (m) => {
  if (m.type() === 'error') pageErrors.push(`console error: ${m.text()}`);
});
page.on('pageerror', (e) => pageErrors.push(`uncaught: ${e.message}`));

const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
const open = async (hash, url = base) => {
  await page.goto(`${url}/console/${hash}`);
};
const node = (name) => page.locator(`[data-testid=graph] [data-state-name="${name}"]`).first();

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });
const skipped = [];

scenario('GET / leads to the console, which lists machines', async () => {
  await page.goto(base + '/');
  assert.match(page.url(), /\/console\/$/);
  await page.getByRole('heading', { name: 'State machines' }).waitFor();
});

scenario('design a machine: drag and drop, code mode, a validation error, fix it, save', async () => {
  await open('#/machines/new');
  await page.locator('[data-testid=designer-fallback], [data-testid=mode-design]').first().waitFor();
  if (await page.locator('[data-testid=designer-fallback]').count()) {
    // console-app's branch alone carries a stand-in designer (src/pages/_fallback): no palette,
    // no modes. After the merge with console-design this branch of the test is gone.
    skipped.push('designer drag and drop: the stand-in designer of the console-app branch has no palette (merge console-design)');
    await page.getByTestId('config-name').fill('caught');
    await page.locator('textarea.code').fill(JSON.stringify(CAUGHT, null, 2));
    await page.getByTestId('save').click();
  } else {
    await page.getByTestId('mode-design').click();
    // drag a Task from the palette onto the first transition of the new machine's graph
    const edge = page.locator('[data-testid=graph] [data-edge-kind=next], [data-testid=graph] [data-edge-kind=start]').first();
    const before = await page.locator('[data-testid=graph] [data-state-name]').count();
    await page.getByTestId('palette-Task').dragTo(edge);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=graph] [data-state-name]').length > n, before);
    await shot('designer');
    // code mode: an invalid definition shows a diagnostic, the fixed one saves
    await page.getByTestId('mode-code').click();
    // replace the whole text as a person pasting it does (typing it would meet bracket closing
    // and auto-indent, and Chromium turns typed runs of spaces into no-break spaces)
    const setCode = async (text) => {
      await page.locator('.cm-content').first().click();
      await page.keyboard.press('Control+A');
      await page.locator('.cm-content').first().evaluate((el, t) => {
        const dt = new DataTransfer();
        dt.setData('text/plain', t);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, text);
    };
    const broken = structuredClone(CAUGHT);
    broken.States.Prepare.Next = 'NoSuchState';
    await setCode(JSON.stringify(broken, null, 2));
    // ValidateStateMachineDefinition's diagnostic, listed and marked in the text
    await page.locator('[data-testid=diagnostic]', { hasText: 'NoSuchState' }).first().waitFor();
    await page.locator('.cm-lintRange-error').first().waitFor({ state: 'attached' });
    await shot('designer-validation-error');
    await setCode(JSON.stringify(CAUGHT, null, 2));
    await page.locator('[data-testid=diagnostic]').first().waitFor({ state: 'detached' });
    await page.locator('.cm-lintRange-error').first().waitFor({ state: 'detached' });
    await page.getByTestId('mode-config').click();
    // typed as a person types (fill would send its change event before the field has seen
    // the input), then left: the designer's fields commit on change
    await page.getByTestId('config-name').pressSequentially('caught', { delay: 120 });
    await page.getByTestId('config-name').press('Tab');
    assert.equal(await page.getByTestId('config-name').inputValue(), 'caught');
    await page.getByTestId('save').click();
  }
  await page.waitForURL(/#\/machines\/caught$/);
  await node('CallService').waitFor();
  const saved = await api('DescribeStateMachine', { stateMachineArn: (await api('ListStateMachines', {})).stateMachines.find((m) => m.name === 'caught').stateMachineArn });
  assert.deepEqual(JSON.parse(saved.definition), CAUGHT, 'the saved definition is the one typed');
});

scenario('start an execution whose Task fails and is caught, and see the caught path', async () => {
  await open('#/machines/caught');
  await page.getByTestId('execution-input').fill('{"order": 42}');
  await page.getByTestId('start-execution').click();
  await page.waitForURL(/#\/executions\//);
  // followed live until it ends (the retry waits a second)
  await page.locator('[data-testid=execution-status]', { hasText: 'SUCCEEDED' }).waitFor();
  await page.getByTestId('view-graph').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=graph] [data-state-name="CallService"]')?.getAttribute('data-status') === 'caught');
  assert.equal(await node('Prepare').getAttribute('data-status'), 'succeeded');
  assert.equal(await node('HandleError').getAttribute('data-status'), 'succeeded');
  assert.equal(await node('Done').getAttribute('data-status'), 'notreached');
  await node('CallService').click();
  await page.getByTestId('state-error').waitFor();
  assert.equal((await page.getByTestId('state-error').locator('strong').textContent()).trim(), 'States.Http.Socket');
  assert.match(await page.getByTestId('state-cause').textContent(), /connect|refused/);
  await shot('execution-caught');
  // the table: the task's two attempts and the backoff between them
  await page.getByTestId('view-table').click();
  const row = page.locator('[data-testid=state-table] tr[data-state=CallService]');
  await row.waitFor();
  assert.match(await row.textContent(), /caught/);
  assert.equal(await row.locator('.tl-fail').count(), 2, 'two failed attempts on the timeline');
  assert.equal(await row.locator('.tl-backoff').count(), 1, 'one backoff between them');
  // the events, in AWS's shape, expandable
  await page.getByTestId('view-events').click();
  const failed = page.locator('[data-testid=event-table] tr[data-event-type=TaskFailed]').first();
  await failed.click();
  await page.locator('[data-testid=event-table] tr.details pre', { hasText: 'taskFailedEventDetails' }).first().waitFor();
});

scenario('a failed execution shows the failed state with its error and cause', async () => {
  await createMachine('uncaught', JSON.stringify(UNCAUGHT));
  await open('#/machines/uncaught');
  await page.getByTestId('execution-sync').check();
  await page.getByTestId('start-execution').click();
  await page.locator('[data-testid=sync-result] [data-testid=execution-status]', { hasText: 'FAILED' }).waitFor();
  await page.locator('[data-testid=sync-result] a').click();
  await page.locator('[data-testid=execution-status]', { hasText: 'FAILED' }).waitFor();
  await page.getByTestId('execution-error').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=graph] [data-state-name="CallService"]')?.getAttribute('data-status') === 'failed');
  await node('CallService').click();
  assert.match(await page.getByTestId('state-error').textContent(), /States\.Http\.Socket/);
  await shot('execution-failed');
});

scenario('a running execution is followed live until it ends', async () => {
  await createMachine('slow', JSON.stringify({
    StartAt: 'First', States: { First: { Type: 'Pass', Next: 'Pause' }, Pause: { Type: 'Wait', Seconds: 3, Next: 'Last' }, Last: { Type: 'Pass', End: true } },
  }));
  await open('#/machines/slow');
  await node('Pause').waitFor();
  await page.getByTestId('start-execution').click();
  await page.waitForURL(/#\/executions\//);
  await page.locator('[data-testid=execution-status]', { hasText: 'RUNNING' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=graph] [data-state-name="Pause"]')?.getAttribute('data-status') === 'running');
  assert.equal(await node('Last').getAttribute('data-status'), 'notreached');
  await page.locator('[data-testid=execution-status]', { hasText: 'SUCCEEDED' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=graph] [data-state-name="Last"]')?.getAttribute('data-status') === 'succeeded');
});

scenario('a Map execution is coloured per iteration', async () => {
  await createMachine('iterate', JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Which',
          States: {
            Which: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 1, Next: 'One' }], Default: 'Other' },
            One: { Type: 'Pass', End: true },
            Other: { Type: 'Pass', End: true },
          },
        },
        End: true,
      },
    },
  }));
  await open('#/machines/iterate');
  await node('Which').waitFor();
  await page.getByTestId('execution-input').fill('[1, 2]');
  await page.getByTestId('execution-sync').check();
  await page.getByTestId('start-execution').click();
  await page.locator('[data-testid=sync-result] [data-testid=execution-status]', { hasText: 'SUCCEEDED' }).waitFor();
  await page.locator('[data-testid=sync-result] a').click();
  await page.getByTestId('iteration-Each').waitFor();
  const status = (n) => page.evaluate((name) => document.querySelector(`[data-testid=graph] [data-state-name="${name}"]`)?.getAttribute('data-status'), n);
  await page.waitForFunction(() => document.querySelector('[data-testid=graph] [data-state-name="One"]')?.getAttribute('data-status') === 'succeeded');
  assert.equal(await status('Other'), 'notreached', 'iteration 0 took the rule to One');
  await page.getByTestId('iteration-Each').selectOption('1');
  await page.waitForFunction(() => document.querySelector('[data-testid=graph] [data-state-name="Other"]')?.getAttribute('data-status') === 'succeeded');
  assert.equal(await status('One'), 'notreached', 'iteration 1 took the default to Other');
});

scenario('the executions list filters by status', async () => {
  await open('#/machines/uncaught');
  await page.locator('[data-testid=executions] tbody tr').first().waitFor();
  await page.getByTestId('status-filter').selectOption('SUCCEEDED');
  await page.getByText('No executions with status SUCCEEDED').waitFor();
  await page.getByTestId('status-filter').selectOption('FAILED');
  await page.locator('[data-testid=executions] tbody tr').first().waitFor();
});

scenario('the e-commerce example: every state and every edge is drawn', async () => {
  const text = readFileSync(join(examples, 'ecommerce', 'order-processing.asl.json'), 'utf8');
  await createMachine('ecommerce', text);
  await open('#/machines/ecommerce');
  const want = expectedGraph(JSON.parse(text));
  await node(want.states[0]).waitFor(); // (the page before's graph stays until this one loads)
  assert.ok(want.states.length > 5);
  for (const s of want.states) assert.equal(await page.locator(`[data-testid=graph] [data-state-name="${s}"]`).count(), 1, `state ${s} drawn once`);
  for (const e of want.edges) assert.ok(await page.locator(`[data-testid=graph] [data-edge-id="${e}"]`).count() >= 1, `edge ${e} drawn`);
  await shot('ecommerce');
});

scenario('round-trip every example definition through the designer without edits', async () => {
  const files = exampleDefinitions(examples);
  assert.ok(files.length >= 3, `examples found: ${files}`);
  for (const [i, f] of files.entries()) {
    const text = readFileSync(f, 'utf8');
    const name = `roundtrip-${i}`;
    const arn = await createMachine(name, text);
    await open(`#/machines/${name}/edit`);
    await page.getByTestId('save').click();
    await page.waitForURL(new RegExp(`#/machines/${name}$`));
    const saved = (await api('DescribeStateMachine', { stateMachineArn: arn })).definition;
    // canonical JSON with the key order kept: nothing added, nothing lost, nothing reordered
    assert.equal(JSON.stringify(JSON.parse(saved)), JSON.stringify(JSON.parse(text)), `${f} changed by open and save`);
  }
});

scenario('a machine shows its versions and aliases', async () => {
  const r = await api('CreateStateMachine', {
    name: 'versioned', type: 'EXPRESS', roleArn: ROLE, publish: true,
    definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }),
  });
  await api('CreateStateMachineAlias', { name: 'live', routingConfiguration: [{ stateMachineVersionArn: r.stateMachineVersionArn, weight: 100 }] });
  await open('#/machines/versioned');
  await page.locator('[data-testid=versions] li', { hasText: 'version 1' }).waitFor();
  await page.locator('[data-testid=versions] li', { hasText: 'alias live' }).waitFor();
});

scenario('delete a machine', async () => {
  await createMachine('doomed', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }));
  await open('#/machines/doomed');
  await page.getByTestId('delete-machine').click();
  await page.getByTestId('confirm-delete').click();
  await page.waitForURL(/#\/machines$/);
  await page.locator('[data-testid=machines]').waitFor();
  assert.equal(await page.locator('[data-machine=doomed]').count(), 0);
});

scenario('light and dark themes', async () => {
  await open('#/machines');
  // the theme is applied in an effect, after the render: wait for it rather than read at once
  const themeIs = (want) => page.waitForFunction((w) => document.documentElement.dataset.theme === w, want);
  const toggle = page.getByTestId('theme');
  await toggle.filter({ hasText: 'auto' }).waitFor();
  const system = await page.evaluate(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  await themeIs(system);
  await toggle.click(); // auto → light
  await themeIs('light');
  await toggle.click(); // light → dark
  await themeIs('dark');
  await shot('machines-dark');
  await toggle.click(); // back to auto: the system's
  await themeIs(system);
});

scenario('a server that requires SigV4: the console asks for the key and signs with it', async () => {
  const signed = process.env.STEPJET_SIGNED_URL;
  if (!signed) {
    skipped.push('SigV4: STEPJET_SIGNED_URL not given');
    return;
  }
  await open('#/machines', signed);
  await page.getByTestId('settings').waitFor({ state: 'visible' });
  await page.getByTestId('field-accessKeyId').fill(process.env.STEPJET_SIGNED_KEY);
  await page.getByTestId('field-secretAccessKey').fill(process.env.STEPJET_SIGNED_SECRET);
  await page.getByTestId('settings-save').click();
  await page.getByText('No state machines yet').waitFor();
  // the refusal before the key was entered is the browser's logged 400, expected here
  for (let i = pageErrors.length - 1; i >= 0; i--) if (/status of 400/.test(pageErrors[i])) pageErrors.splice(i, 1);
});

let failed = false;
for (const s of scenarios) {
  const t0 = Date.now();
  try {
    await s.fn();
    if (pageErrors.length) throw new Error(`the page logged errors:\n  ${pageErrors.join('\n  ')}`);
    console.log(`ok   ${s.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed = true;
    const file = `failure-${scenarios.indexOf(s)}.png`;
    await page.screenshot({ path: join(artifacts, file) }).catch(() => {});
    console.log(`FAIL ${s.name}: ${e.stack || e}\n     page: ${page.url()}\n     screenshot: ${join(artifacts, file)}`);
    break;
  }
}
for (const s of skipped) console.log(`SKIP ${s}`);
await context.close();
rmSync(profile, { recursive: true, force: true });
console.log(`screenshots: ${artifacts}`);
process.exit(failed ? 1 : 0);
