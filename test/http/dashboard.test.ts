/**
 * The dashboard in a real browser: Chromium (Debian's, driven by playwright-core) against a real
 * `serve` process on a temporary store holding real runs. Runs when Chromium is installed
 * (scripts/install-browser-deps.sh; .ci/run does it); without it, skipped with a message, except
 * under CI, where a missing browser fails. The probe run's page is checked with real boots only
 * when VIRTIO_MATRIX_PROBES=1 (as .ci/run sets it, with the probe dependencies and kernels built).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MatrixPlan, evaluate, InvalidCombinationError, type Combination, type MatrixSpecInput, type Verdict } from '../../src/engine';
import { buildKernel } from '../../src/kernels/build';
import { BE_CONFIG_2021 } from '../../src/matrices/seed';
import { expectedRegressions, prepareEngineChange } from '../support/gate-runs';
import { serveProcess, type ServeProcess } from '../support/serve-process';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && !process.env.CI) {
  console.warn(`dashboard browser tests skipped: no Chromium at ${CHROMIUM} (bash scripts/install-browser-deps.sh installs it; CHROMIUM_PATH points elsewhere)`);
}
const maybe = present || process.env.CI ? describe : describe.skip;
const withProbes = process.env.VIRTIO_MATRIX_PROBES === '1' ? test : test.skip;

/** 1,152 cells around the 2021 fix: enough changed cells between pre-fix and write-back to page through. */
const AROUND_2021: MatrixSpecInput = {
  archs: ['s390x', 'x86_64', 'ppc64'], transports: ['ccw', 'pci'], devices: ['blk', 'net'], modes: ['legacy', 'transitional', 'modern'],
  hypervisors: ['qemu-5.2', 'qemu-6.1', 'qemu-7.2'], kernels: ['5.13', '5.14', '5.15', '6.1'], strategies: ['pre-fix', 'write-back'],
  config: { blk_size: [512, 4096], mtu: [1280, 9000] },
};

/** Verdicts as the page words them. */
const WORDS: Record<Verdict, string> = { OK: 'OK', DEGRADED: 'Degraded', BROKEN: 'Broken', PROBE_FAILED: 'Probe failed' };

/** WCAG 2.1 A and AA rules (contrast, names, roles, keyboard traps) that axe-core finds broken on the page as it stands. */
async function accessibilityViolations(page: Page): Promise<{ id: string; nodes: string[] }[]> {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })))`);
}

/** Pairs of cells identical but for strategy whose verdict today's engine gives differently for pre-fix and write-back. */
function strategyChanges(spec: MatrixSpecInput): number {
  const plan = new MatrixPlan(spec);
  let changed = 0;
  for (let p = 0; p < plan.size; p++) {
    const c = plan.combinationAt(p);
    if (c.strategy !== 'pre-fix') continue;
    try {
      if (evaluate(c, { trace: false }).verdict !== evaluate({ ...c, strategy: 'write-back' }, { trace: false }).verdict) changed++;
    } catch (err) {
      if (!(err instanceof InvalidCombinationError)) throw err;
    }
  }
  return changed;
}

maybe('The dashboard in Chromium', () => {
  jest.setTimeout(60_000);
  let dir: string;
  let server: ServeProcess;
  let browser: Browser;
  let page: Page;
  let runId: string;
  let gateRun: string;

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  async function finished(id: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const { run } = await gql<{ run: { status: string } }>('query($id: ID!) { run(id: $id) { status } }', { id });
      if (run.status === 'SUCCEEDED') return;
      if (run.status !== 'QUEUED' && run.status !== 'RUNNING') throw new Error(`run ${id} ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${id} did not finish`);
  }

  beforeAll(async () => {
    if (!present) throw new Error(`CI needs Chromium at ${CHROMIUM}: bash scripts/install-browser-deps.sh`);
    dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-dashboard-'));
    const dbFile = join(dir, 'store.db');
    // Run 1: matrix "gate" as an engine with the write-back remedy in pre-fix kernels stored it.
    await prepareEngineChange(`file:${dbFile}`);
    server = await serveProcess(dbFile);
    await gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: { name: 'around-2021', ...AROUND_2021 } });
    runId = (await gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "around-2021") { id } }')).startRun.id;
    gateRun = (await gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "gate") { id } }')).startRun.id;
    await finished(runId);
    await finished(gateRun);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('When the runs page opens, then it lists every run with its status and summary, and links to the run', async () => {
    await page.goto(`${server.url}/`);
    const row = page.locator('#runs-table tbody tr', { has: page.locator(`a[href="/runs/${runId}"]`) });
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('succeeded');
    const { run } = await gql<{ run: { summary: { ok: number; broken: number } } }>('query($id: ID!) { run(id: $id) { summary { ok broken } } }', { id: runId });
    await expect(row.locator('td').nth(5).textContent()).resolves.toBe(run.summary.ok.toLocaleString('en-US'));
    await expect(row.locator('td').nth(7).textContent()).resolves.toBe(run.summary.broken.toLocaleString('en-US'));
    await expect(page.locator('#matrices-table').textContent()).resolves.toContain('around-2021');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await row.locator(`a[href="/runs/${runId}"]`).click();
    await page.waitForURL(`${server.url}/runs/${runId}`);
    await page.locator('table.heatmap').waitFor();
  });

  test('When a heatmap square is picked by keyboard, then its cells list, and a cell opens with its bytes, status sequence, trace, first regression, and evaluate on another strategy', async () => {
    await page.goto(`${server.url}/runs/${runId}?rows=KERNEL&columns=ARCH&strategy=pre-fix&device=blk`);
    await page.locator('table.heatmap').waitFor();
    const squares = page.locator('table.heatmap button.square');
    // 4 kernels x 3 archs, each with cells.
    await expect(squares.count()).resolves.toBe(12);
    const s390x514 = page.locator('table.heatmap tbody tr', { has: page.locator('th', { hasText: /^5\.14$/ }) }).locator('button.square').first();
    const label = await s390x514.getAttribute('aria-label');
    expect(label).toMatch(/^[\d,]+ [\d,]+ broken; kernel 5\.14, arch s390x: .*Broken/);
    // Keyboard: focus the first square, move down one row (5.14) with the arrow key, open it with Enter.
    await squares.first().focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.evaluate('document.activeElement?.getAttribute("aria-label")')).resolves.toBe(label);
    await expect(page.locator('.tooltip').textContent()).resolves.toBe(label!.slice(label!.indexOf('; ') + 2));
    await page.keyboard.press('Enter');
    const rows = page.locator('#cells-section tbody tr');
    await rows.first().waitFor();
    const counts = [...label!.slice(label!.indexOf('; ')).matchAll(/([\d,]+) (OK|Degraded|Broken|Probe failed)/g)].map((m) => Number(m[1].replace(/,/g, '')));
    const total = counts.reduce((a, b) => a + b, 0);
    await expect(page.locator('#cells-section caption').textContent()).resolves.toBe(`${total.toLocaleString('en-US')} cells; open one for its outcome and trace`);
    expect(await rows.count()).toBe(Math.min(total, 25));
    expect(new URL(page.url()).searchParams.get('row')).toBe('5.14');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    await page.locator('#cells-section tbody tr', { hasText: 'Broken' }).first().locator('a').click();
    await page.waitForURL(/\/runs\/\d+\/cells\/\d+$/);
    await page.locator('#regression .responsible').first().waitFor();
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Broken/);
    // The DASD story: big-endian bytes as the device wrote them, decoded little-endian by the driver.
    const read = page.locator('table.reads').first().locator('tbody tr', { hasText: 'blk_size' });
    await expect(read.locator('td').nth(0).textContent()).resolves.toBe('00 00 10 00');
    await expect(read.locator('td').nth(1).textContent()).resolves.toBe('1048576');
    await expect(read.locator('td').nth(2).textContent()).resolves.toBe('4096');
    // The status as the driver and device wrote it, in order: FEATURES_OK is set and re-read before DRIVER_OK.
    const statusSteps = (await page.locator('.status-seq li code').allTextContents()).map((t) => t.replace(/ → .*$/, ''));
    expect(statusSteps).toEqual([expect.stringMatching(/^status 0, guest_features 0/), 'ACKNOWLEDGE', 'DRIVER', 'FEATURES_OK', 'status 0xb', 'DRIVER_OK']);
    expect(await page.locator('#trace tbody tr').count()).toBeGreaterThan(5);
    await expect(page.locator('#regression').textContent()).resolves.toMatch(/82e89ea077b9/);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // The same combination with the write-back remedy, through evaluate: what the engine says of it.
    const position = Number(new URL(page.url()).pathname.split('/').pop());
    const { cell } = await gql<{ cell: { combination: Combination } }>('query($id: ID!, $p: Count!) { cell(run: $id, position: $p) { combination { arch transport device mode backend hypervisor kernel strategy config pageSize } } }', { id: runId, p: position });
    const remedied = evaluate({ ...cell.combination, pageSize: cell.combination.pageSize ?? undefined, strategy: 'write-back' }).verdict;
    await page.selectOption('#whatif select[name="strategy"]', 'write-back');
    await page.click('#whatif button[type="submit"]');
    await page.locator('#whatif-result p').waitFor();
    await expect(page.locator('#whatif-result p .verdict').textContent()).resolves.toBe(WORDS[remedied]);
    // A kernel that is no version: the service's typed refusal, shown, and nothing else changes.
    await page.fill('#whatif input[name="kernel"]', 'banana');
    await page.click('#whatif button[type="submit"]');
    await page.locator('#whatif-result .error').waitFor();
    await expect(page.locator('#whatif-result .error strong').textContent()).resolves.toBe('BAD_USER_INPUT');
  });

  test('When the filters pick two archs and a config value, then the heatmap counts are the engine\'s for cells with either arch and that value, and the URL keeps both', async () => {
    await page.goto(`${server.url}/runs/${runId}?rows=KERNEL&columns=STRATEGY`);
    await page.locator('table.heatmap').waitFor();
    await page.selectOption('form.filters select[name="arch"]', ['s390x', 'ppc64']);
    await page.selectOption('form.filters select[name="config"]', ['blk_size=4096']);
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL((url) => url.searchParams.getAll('arch').length === 2);
    const url = new URL(page.url());
    expect(url.searchParams.getAll('arch')).toEqual(['s390x', 'ppc64']);
    expect(url.searchParams.getAll('config')).toEqual(['blk_size=4096']);
    await page.locator('table.heatmap').waitFor();

    // The engine's counts for the same cells, worked out from the matrix, not from the service.
    const expected: Record<string, number> = {};
    const plan = new MatrixPlan(AROUND_2021);
    for (let p = 0; p < plan.size; p++) {
      const c = plan.combinationAt(p);
      if (!['s390x', 'ppc64'].includes(c.arch) || c.config?.blk_size !== 4096) continue;
      try {
        const verdict = WORDS[evaluate(c, { trace: false }).verdict];
        expected[verdict] = (expected[verdict] ?? 0) + 1;
      } catch (err) {
        if (!(err instanceof InvalidCombinationError)) throw err;
      }
    }
    const shown: Record<string, number> = {};
    for (const label of await page.locator('table.heatmap button.square').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))) {
      for (const m of label.slice(label.indexOf(': ') + 2).matchAll(/([\d,]+) (OK|Degraded|Broken|Probe failed)/g)) shown[m[2]] = (shown[m[2]] ?? 0) + Number(m[1].replace(/,/g, ''));
    }
    for (const key of Object.keys(shown)) if (shown[key] === 0) delete shown[key];
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(shown).toEqual(expected);
    // The form says what the page shows, and a square keeps both archs in the URL when picked.
    await expect(page.locator('form.filters select[name="arch"]').evaluate((s) => Array.from((s as unknown as { selectedOptions: ArrayLike<{ value: string }> }).selectedOptions, (o) => o.value))).resolves.toEqual(['s390x', 'ppc64']);
    await page.locator('table.heatmap button.square').first().click();
    await page.locator('#cells-section tbody tr').first().waitFor();
    expect(new URL(page.url()).searchParams.getAll('arch')).toEqual(['s390x', 'ppc64']);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  test('When a diff is paged, then totals match the engine and pages of 25 cover every changed cell once', async () => {
    const expected = strategyChanges(AROUND_2021);
    expect(expected).toBeGreaterThan(50);
    await page.goto(`${server.url}/runs/${runId}/diff?axis=STRATEGY&base=pre-fix&head=write-back`);
    await page.locator('dd[data-total="all"]').waitFor();
    await expect(page.locator('dd[data-total="all"]').textContent()).resolves.toBe(expected.toLocaleString('en-US'));
    const seen = new Set<string>();
    const pages = Math.ceil(expected / 25);
    for (let i = 1; i <= pages; i++) {
      await page.locator('.page-of', { hasText: `Page ${i} of ${pages}` }).waitFor();
      for (const href of await page.locator('#pairs tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) seen.add(href);
      if (i < pages) await page.getByRole('button', { name: 'Next page' }).click();
    }
    await expect(page.getByRole('button', { name: 'Next page' }).isDisabled()).resolves.toBe(true);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    // Each pair links its base and its head cell: two distinct cells per changed pair.
    expect(seen.size).toBe(2 * expected);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.locator('.page-of', { hasText: `Page ${pages - 1} of ${pages}` }).waitFor();
  });

  test('When a diff URL names a proposed kernel with a bare "+" (as typed, not %2B), then the diff is of that kernel', async () => {
    const [check] = JSON.parse(readFileSync('examples/what-if/patches.json', 'utf8')) as Record<string, unknown>[];
    const { id, title, source, ...definition } = check;
    await gql('mutation($input: KernelPatchInput!) { createKernelPatch(input: $input) { id } }', { input: { id, title, source, definition } });
    const spec = { name: 'forward', archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], hypervisors: ['qemu-6.1'], kernels: ['5.13', `5.13+${id}`], config: { blk_size: [4096] } };
    await gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: spec });
    const run = (await gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "forward") { id } }')).startRun.id;
    await finished(run);
    await page.goto(`${server.url}/runs/${run}/diff?axis=KERNEL&base=5.13&head=5.13+${id}`);
    await page.locator('dd[data-total="regressions"]').waitFor();
    await expect(page.locator('dd[data-total="regressions"]').textContent()).resolves.toBe('1');
    await expect(page.locator('h1').textContent()).resolves.toBe(`Run #${run}: kernel 5.13 → 5.13+${id}`);
  });

  test('When two runs are compared, then the regressions are the ones the engine change made, each linking both runs', async () => {
    const regressions = expectedRegressions();
    expect(regressions.size).toBeGreaterThan(0);
    await page.goto(`${server.url}/compare?base=1&head=${gateRun}`);
    await page.locator('dd[data-total="regressions"]').waitFor();
    await expect(page.locator('dd[data-total="regressions"]').textContent()).resolves.toBe(regressions.size.toLocaleString('en-US'));
    const first = page.locator('#pairs tbody tr').first();
    await expect(first.locator('a').nth(0).getAttribute('href')).resolves.toMatch(/^\/runs\/1\/cells\/\d+$/);
    await expect(first.locator('a').nth(1).getAttribute('href')).resolves.toMatch(new RegExp(`^/runs/${gateRun}/cells/\\d+$`));
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  test('When a run is in progress, then its page and the runs page follow it without a reload until it ends', async () => {
    // The seed matrix with four times the config values on blk and net: a run of some 15 million
    // positions takes long enough to be seen running even on shard threads (the seed alone can end
    // before the page has loaded).
    const config = { blk_size: [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 300, 511, 513, 1000, 4095, 4097, 131072, 262144], mtu: [60, 68, 576, 1280, 1500, 1501, 4000, 9000, 9216, 9217, 16000, 32000, 65535, 7000, 100, 2000] };
    const { positions } = (await gql<{ createMatrix: { positions: number } }>('mutation($input: MatrixInput!) { createMatrix(input: $input) { positions } }', { input: { name: 'long-run', ...BE_CONFIG_2021, config } })).createMatrix;
    const big = (await gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "long-run") { id } }')).startRun.id;
    try {
      // The run's own page follows it through GET /api/runs/:id.
      await page.goto(`${server.url}/runs/${big}`);
      await page.locator('.live', { hasText: new RegExp(`^running: [\\d,]+ of ${positions.toLocaleString('en-US')} positions`) }).waitFor({ timeout: 10_000 });
      await page.goto(`${server.url}/`);
      const row = page.locator('#runs-table tbody tr', { has: page.locator(`a[href="/runs/${big}"]`) });
      const seen = async () => `${await row.locator('td').nth(3).textContent()} ${await row.locator('progress').getAttribute('value')}`;
      await page.locator('.live', { hasText: 'Runs in progress' }).waitFor();
      // A reader sorts by matrix: the polls that follow keep that order.
      const matrixHeader = page.locator('#runs-table th', { has: page.locator('button.sort', { hasText: 'Matrix' }) });
      await matrixHeader.locator('button').click();
      await expect(matrixHeader.getAttribute('aria-sort')).resolves.toBe('ascending');
      const first = await seen();
      expect(first).toMatch(/^(queued|running) \d+$/);
      // Polled every 2 s: the row changes (progress, or the run's end) with no navigation.
      let now = first;
      for (let i = 0; i < 200 && now === first; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        now = await seen();
      }
      expect(now).not.toBe(first);
      await expect(matrixHeader.getAttribute('aria-sort')).resolves.toBe('ascending');
      const names = await page.locator('#runs-table tbody tr td:nth-child(2)').allTextContents();
      expect(names).toEqual([...names].sort());
    } finally {
      await gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: big }).catch(() => undefined);
    }
    // Once no run is left unfinished, the page says so and stops polling.
    await page.locator('#runs-table tbody tr', { has: page.locator(`a[href="/runs/${big}"]`) }).locator('td', { hasText: /^(cancelled|succeeded)$/ }).waitFor({ timeout: 20_000 });
    await expect(page.locator('.live').textContent()).resolves.toBe('');
  });

  test('When the server closes reads, then the page says a token is needed, and works once one is typed in', async () => {
    // Same store, reads closed: a second server process.
    const closed = await serveProcess(join(dir, 'store.db'), { READS_REQUIRE_TOKEN: '1' }, 'reader');
    try {
      await page.goto(`${closed.url}/runs/${runId}`);
      await page.locator('.error').waitFor();
      await expect(page.locator('.error').textContent()).resolves.toMatch(/UNAUTHENTICATED/);
      await page.fill('#token', closed.token);
      await page.click('#token-form button[type="submit"]');
      await page.locator('table.heatmap').waitFor();
      await expect(page.evaluate('sessionStorage.getItem("virtio-matrix-token")')).resolves.toBe(closed.token);
    } finally {
      await closed.stop();
    }
  });

  withProbes('When a probe run of real boots is opened, then its summary counts disagreements, and a cell shows observed beside predicted with its boot console', async () => {
    const { kernel: built } = await buildKernel({ series: '6.1', arch: 's390x', strategy: 'pre-fix' });
    const put = await fetch(`${server.url}/api/artifacts?arch=s390x&linux=${built.linuxVersion}&strategy=pre-fix`, { method: 'PUT', body: readFileSync(built.image), headers: { authorization: `Bearer ${server.token}` } });
    expect(put.status).toBe(201);
    const kernel = ((await put.json()) as { id: string }).id;
    const tiny = { name: 'tiny-probe', archs: ['s390x'], transports: ['ccw'], devices: ['net'], modes: ['transitional', 'legacy'], hypervisors: ['qemu-7.2'], kernels: ['6.1'], strategies: ['pre-fix'], config: { mtu: [1280] } };
    await gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: tiny });
    const probeRun = (await gql<{ startRun: { id: string } }>('mutation($k: ID!) { startRun(matrix: "tiny-probe", probe: { kernel: $k }) { id } }', { k: kernel })).startRun.id;
    await finished(probeRun);
    const { cells } = await gql<{ cells: { edges: { node: { position: number; combination: { mode: string }; boot: { consolePath: string } } }[] } }>(
      'query($id: ID!) { cells(run: $id) { edges { node { position combination { mode } boot { consolePath } } } } }', { id: probeRun });
    const transitional = cells.edges.map((e) => e.node).find((c) => c.combination.mode === 'transitional')!;

    await page.goto(`${server.url}/runs/${probeRun}`);
    await page.locator('table.heatmap').waitFor();
    await expect(page.locator('main').textContent()).resolves.toMatch(/Probe run: real boots of s390x Linux 6\.1\.\d+ \(pre-fix\)/);
    await expect(page.locator('dt:has-text("Disagreements") + dd').textContent()).resolves.toBe('0');
    await page.goto(`${server.url}/runs/${probeRun}/cells/${transitional.position}`);
    const sides = page.locator('#probe-h + p + table tbody tr').first();
    await sides.waitFor();
    // The 2021 misread on a pre-fix kernel, seen in the guest and predicted by the engine alike.
    await expect(sides.locator('td').allTextContents()).resolves.toEqual(['Broken', 'Broken']);
    await expect(page.locator('#probe-h + p').textContent()).resolves.toBe('The guest and the engine agree bit for bit.');
    const bootLog = await (await fetch(`${server.url}${transitional.boot.consolePath}`)).text();
    await page.locator('pre.console', { hasText: 'VPROBE' }).waitFor();
    await expect(page.locator('pre.console').textContent()).resolves.toBe(bootLog);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  }, 300_000);
});
