#!/usr/bin/env node
// End-to-end test: the packaged extension (.vsix) in a real VS Code (code-server) driven through
// Debian's headless Chromium with playwright-core. See test/e2e/README.md.
//
//   node test/e2e/run.mjs [path/to/ext.vsix] [--steps a,b,c,d]
//
// Prints one line per step and closes with exactly `N passed, N failed`; exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const E2E_HOME = process.env.HA_SECURITY_E2E_HOME || '/opt/ha-security-e2e';
const CODE_SERVER = process.env.HA_SECURITY_E2E_CODE_SERVER || path.join(E2E_HOME, 'node_modules/.bin/code-server');
const CHROMIUM = process.env.HA_SECURITY_E2E_CHROMIUM || '/usr/bin/chromium';
const QUICK_FIX_TITLE = process.env.QUICK_FIX_TITLE || 'Switch to argument-list spawn';
const RUN_TIMEOUT_MS = Number(process.env.HA_SECURITY_E2E_TIMEOUT_MS || 5 * 60_000);
const KEEP_TMP = process.env.HA_SECURITY_E2E_KEEP === '1';
const RESULTS = path.resolve(process.env.HA_SECURITY_E2E_RESULTS || path.join(REPO, 'test-results/e2e'));
const FIXTURE = path.join(HERE, 'workspace');
const TARGET_REL = 'custom_components/demo/__init__.py';
const DIAG_SOURCE = 'ha-security';
const EXPORT_COMMAND = 'HA Security: Export checklist report';
const FIX_ALL_COMMAND = 'HA Security: Fix all in file';
// Cropped screenshots for the README; copied there only after a run where every step passed.
const DOCS_SHOTS = process.env.HA_SECURITY_E2E_SCREENSHOTS ? path.resolve(REPO, process.env.HA_SECURITY_E2E_SCREENSHOTS) : null;
const DOCS_SHOT_MAX_BYTES = 200 * 1024;

// ---------------------------------------------------------------- arguments
function usage(code) {
  console.log(`usage: node test/e2e/run.mjs [VSIX] [--steps a,b,c,d]
  VSIX         the packaged extension (default: $HA_SECURITY_VSIX, else the newest *.vsix in the repo root)
  --steps      run only these steps (default: all): ${'a,b,c,d,e,f'}
env: HA_SECURITY_VSIX, HA_SECURITY_E2E_HOME (${E2E_HOME}), QUICK_FIX_TITLE ("${QUICK_FIX_TITLE}"),
     HA_SECURITY_E2E_TIMEOUT_MS (${RUN_TIMEOUT_MS}), HA_SECURITY_E2E_KEEP=1 (keep temp dirs),
     HA_SECURITY_E2E_CHROMIUM (${CHROMIUM}), HA_SECURITY_E2E_CODE_SERVER,
     HA_SECURITY_E2E_SCREENSHOTS=DIR (copy the README screenshots there after a green run)`);
  process.exit(code);
}

const args = process.argv.slice(2);
let vsixArg;
let stepFilter = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-h' || a === '--help') usage(0);
  else if (a === '--steps') stepFilter = args[++i];
  else if (a.startsWith('--steps=')) stepFilter = a.slice('--steps='.length);
  else if (a.startsWith('-')) { console.error(`unknown option ${a}`); usage(2); }
  else vsixArg = a;
}

// ---------------------------------------------------------------- small helpers
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => console.log(`[e2e] ${msg}`);

class StepError extends Error {}

/** Polls fn() until it returns a truthy value; throws `what` after timeoutMs. */
async function poll(what, timeoutMs, fn, intervalMs = 250) {
  const end = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > end) {
      throw new StepError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}` +
        (lastErr ? ` (last error: ${String(lastErr.message || lastErr).split('\n')[0]})` : ''));
    }
    await sleep(intervalMs);
  }
}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise.finally(() => clearTimeout(t)),
    new Promise((_, rej) => { t = setTimeout(() => rej(new StepError(`timed out after ${Math.round(ms / 1000)}s: ${what}`)), ms); }),
  ]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function findVsix() {
  const explicit = vsixArg || process.env.HA_SECURITY_VSIX;
  if (explicit) return path.resolve(explicit);
  const found = fs.readdirSync(REPO)
    .filter((f) => f.endsWith('.vsix'))
    .map((f) => ({ f: path.join(REPO, f), t: fs.statSync(path.join(REPO, f)).mtimeMs }))
    .sort((x, y) => y.t - x.t);
  return found[0]?.f;
}

/** A path for messages: relative to the repo when inside it. */
function rel(p) {
  return p.startsWith(REPO + path.sep) ? path.relative(REPO, p) : p;
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
}

// ---------------------------------------------------------------- state + cleanup
const state = { tmp: null, cs: null, csLog: null, browser: null, page: null, cleaned: false };

async function cleanup() {
  if (state.cleaned) return;
  state.cleaned = true;
  if (state.browser) {
    try { await withTimeout(state.browser.close(), 10_000, 'browser.close()'); } catch (e) { log(`browser close: ${e.message}`); }
  }
  if (state.cs && state.cs.exitCode === null && state.cs.signalCode === null) {
    // code-server was started detached, in its own process group: end that group by its id
    // (code-server, its VS Code server, the extension host and the language server).
    const pgid = state.cs.pid;
    try { process.kill(-pgid, 'SIGTERM'); } catch { /* gone */ }
    const end = Date.now() + 5000;
    while (Date.now() < end) {
      try { process.kill(-pgid, 0); } catch { break; }
      await sleep(100);
    }
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
  }
  if (state.csLog) { try { fs.closeSync(state.csLog); } catch { /* ignore */ } }
  if (state.tmp) {
    // keep VS Code's own logs (extension host, language server output) as artifacts
    const logs = path.join(state.tmp, 'user-data/logs');
    try { if (fs.existsSync(logs)) fs.cpSync(logs, path.join(RESULTS, 'vscode-logs'), { recursive: true }); } catch { /* ignore */ }
    if (KEEP_TMP) log(`kept temp dir ${state.tmp}`);
    else fs.rmSync(state.tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- setup
async function setup(vsix) {
  const require = createRequire(path.join(E2E_HOME, 'node_modules/'));
  let playwright;
  try {
    playwright = require('playwright-core');
  } catch {
    throw new StepError(`playwright-core not found under ${E2E_HOME}/node_modules: run \`bash .ci/install-e2e.sh\``);
  }
  if (!fs.existsSync(CODE_SERVER)) throw new StepError(`code-server not found at ${CODE_SERVER}: run \`bash .ci/install-e2e.sh\``);
  if (!fs.existsSync(CHROMIUM)) throw new StepError(`chromium not found at ${CHROMIUM}: run \`bash .ci/install-e2e.sh\``);
  if (!vsix || !fs.existsSync(vsix)) throw new StepError(`no .vsix found (${vsix || 'none in repo root'}): run \`npm run package\` or pass a path`);

  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-e2e-'));
  const ud = path.join(state.tmp, 'user-data');
  const ext = path.join(state.tmp, 'extensions');
  const ws = path.join(state.tmp, 'workspace');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.mkdirSync(ext, { recursive: true });
  fs.writeFileSync(path.join(ud, 'User/settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    // Markdown wraps by default; step e reads the exported report line by line, so keep each line whole.
    '[markdown]': { 'editor.wordWrap': 'off' },
  }, null, 2));
  fs.cpSync(FIXTURE, ws, { recursive: true });
  state.ws = ws;

  // keep code-server's own config/data out of the user's home
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(state.tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(state.tmp, 'xdg-data'),
  };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_')) delete env[k];

  log(`installing ${rel(vsix)}`);
  const inst = spawnSync(CODE_SERVER, ['--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', vsix],
    { env, encoding: 'utf8', timeout: 120_000 });
  const instOut = `${inst.stdout || ''}${inst.stderr || ''}`.trim();
  fs.writeFileSync(path.join(RESULTS, 'install-extension.log'), instOut + '\n');
  if (inst.error || inst.status !== 0 || !/successfully installed/i.test(instOut)) {
    throw new StepError(`code-server --install-extension failed (status ${inst.status}${inst.error ? `, ${inst.error.message}` : ''}): ${instOut.split('\n').slice(-5).join(' | ')}`);
  }
  log(instOut.split('\n').filter((l) => /installed/i.test(l)).pop());

  const port = await freePort();
  state.csLog = fs.openSync(path.join(RESULTS, 'code-server.log'), 'w');
  state.cs = spawn(CODE_SERVER, [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--user-data-dir', ud, '--extensions-dir', ext,
  ], { env, detached: true, stdio: ['ignore', state.csLog, state.csLog] });
  log(`code-server pid ${state.cs.pid} on 127.0.0.1:${port}`);
  const base = `http://127.0.0.1:${port}`;
  await poll('code-server to answer /healthz', 60_000, async () => {
    if (state.cs.exitCode !== null) {
      throw new StepError(`code-server exited with code ${state.cs.exitCode}; see test-results/e2e/code-server.log`);
    }
    const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  }, 300).catch((e) => {
    if (state.cs.exitCode !== null) throw new StepError(`code-server exited with code ${state.cs.exitCode}; see test-results/e2e/code-server.log`);
    throw e;
  });

  state.browser = await withTimeout(playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  }), 60_000, 'launching chromium');
  const context = await state.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  state.page = page;
  page.setDefaultTimeout(15_000);
  const consoleLog = fs.openSync(path.join(RESULTS, 'browser-console.log'), 'w');
  page.on('console', (m) => { try { fs.writeSync(consoleLog, `[${m.type()}] ${m.text()}\n`); } catch { /* closed */ } });
  page.on('pageerror', (e) => { try { fs.writeSync(consoleLog, `[pageerror] ${e.message}\n`); } catch { /* closed */ } });

  const url = `${base}/?folder=${encodeURIComponent(ws)}`;
  log(`opening ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // the workbench is usable once its parts are laid out
  await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
  await sleep(1500); // let the first layout and extension activation settle
  await shot('00-workbench');
}

async function shot(name) {
  if (!state.page) return null;
  const file = path.join(RESULTS, `${name}.png`);
  try {
    await withTimeout(state.page.screenshot({ path: file, timeout: 10_000 }), 12_000, 'screenshot');
    return file;
  } catch (e) {
    log(`screenshot ${name} failed: ${e.message}`);
    return null;
  }
}

/** README screenshots taken during this run: `doc-<name>.png` in RESULTS, copied to DOCS_SHOTS as `<name>.png`. */
const docShots = [];

/** A cropped screenshot for the README: an element (a locator) or a clip rectangle of the page. */
async function docShot(name, target) {
  const file = path.join(RESULTS, `doc-${name}.png`);
  try {
    if (typeof target.screenshot === 'function') await target.screenshot({ path: file, timeout: 10_000 });
    else await state.page.screenshot({ path: file, clip: target, timeout: 10_000 });
    docShots.push({ name, file });
  } catch (e) {
    // only a run that exists to refresh the README screenshots fails for want of one
    if (DOCS_SHOTS) throw new StepError(`README screenshot ${name} failed: ${e.message.split('\n')[0]}`);
    log(`README screenshot ${name} failed: ${e.message.split('\n')[0]}`);
  }
}

/** Copies the README screenshots to DOCS_SHOTS after a green run; returns false when one is too large. */
function copyDocShots(failed) {
  if (!DOCS_SHOTS) return true;
  if (failed) {
    log(`README screenshots not copied to ${rel(DOCS_SHOTS)}: ${failed} step(s) failed`);
    return true;
  }
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  let ok = true;
  for (const { name, file } of docShots) {
    const size = fs.statSync(file).size;
    if (size > DOCS_SHOT_MAX_BYTES) {
      console.log(`FAIL README screenshot ${name}: ${Math.round(size / 1024)} KB is over ${DOCS_SHOT_MAX_BYTES / 1024} KB; crop it further`);
      ok = false;
      continue;
    }
    fs.copyFileSync(file, path.join(DOCS_SHOTS, `${name}.png`));
    log(`README screenshot ${rel(path.join(DOCS_SHOTS, `${name}.png`))} (${Math.round(size / 1024)} KB)`);
  }
  return ok;
}

// ---------------------------------------------------------------- UI helpers
async function texts(locator, max = 30) {
  const n = Math.min(await locator.count(), max);
  const out = [];
  for (let i = 0; i < n; i++) out.push((await locator.nth(i).innerText({ timeout: 2000 }).catch(() => '')).replace(/\s+/g, ' ').trim());
  return out.filter(Boolean);
}

async function closeQuickInput(page) {
  if (await page.locator('.quick-input-widget').isVisible().catch(() => false)) await page.keyboard.press('Escape');
}

async function activeTabIsTarget(page) {
  const label = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label', { timeout: 1000 }).catch(() => null);
  return !!label && label.includes('__init__.py');
}

/** Quick Open (Ctrl+P), type the workspace-relative path, Enter; waits for the editor to show the file. */
async function openTargetFile(page) {
  await closeQuickInput(page);
  const widget = page.locator('.quick-input-widget');
  await page.keyboard.press('Control+P');
  await widget.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
    throw new StepError('Quick Open (Ctrl+P) did not appear');
  });
  await page.keyboard.type(TARGET_REL, { delay: 10 });
  const row = widget.locator('.monaco-list-row').filter({ hasText: '__init__.py' }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 }).catch(async () => {
    const rows = await texts(widget.locator('.monaco-list-row'));
    throw new StepError(`Quick Open listed no __init__.py for "${TARGET_REL}"; rows: ${JSON.stringify(rows)}`);
  });
  await sleep(300); // the result list may still be refining while the search completes
  await page.keyboard.press('Enter');
  await poll(`an editor tab for ${TARGET_REL}`, 15_000, () => activeTabIsTarget(page));
  // The editor may be scrolled anywhere (an earlier step can leave it there): every line it shows must be the file's.
  const fileLines = new Set(fs.readFileSync(path.join(state.ws, TARGET_REL), 'utf8').split('\n').map((l) => l.trim()));
  let shown = [];
  await poll(`the editor to show the content of ${TARGET_REL}`, 15_000, async () => {
    shown = (await visibleEditorLines(page)).map((l) => l.trim()).filter(Boolean);
    return shown.length >= 3 && shown.every((l) => fileLines.has(l));
  }).catch((e) => { throw new StepError(`${e.message}; it shows ${JSON.stringify(shown.slice(0, 5))}`); });
}

/** The text lines the visible editor renders, top to bottom (Monaco renders spaces as no-break spaces). */
async function visibleEditorLines(page) {
  return page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first()
    .locator('.view-lines .view-line').evaluateAll((els) => els
      .map((el) => ({ top: parseFloat(el.style.top) || 0, text: (el.textContent || '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text));
}

async function ensureTargetOpen(page) {
  if (!(await activeTabIsTarget(page))) await openTargetFile(page);
}

async function runCommand(page, label) {
  await closeQuickInput(page);
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(label, { delay: 10 });
  await widget.locator('.monaco-list-row').filter({ hasText: label }).first().waitFor({ state: 'visible', timeout: 10_000 })
    .catch(async () => {
      const offered = await texts(widget.locator('.monaco-list-row'), 10);
      throw new StepError(`command not found: the command palette has no "${label}" (it offered ${JSON.stringify(offered)})`);
    });
  await page.keyboard.press('Enter');
}

/** The Ln of the status bar's cursor position, or null while it is not shown. */
async function cursorLine(page) {
  const t = await page.locator('.statusbar-item[id$="status.editor.selection"]').first().innerText({ timeout: 1000 }).catch(() => '');
  const m = /\bLn (\d+)/.exec(t);
  return m ? Number(m[1]) : null;
}

/**
 * The rows a tree view shows, as the user sees them: nesting level, expanded or not, label, description and the
 * codicon of its icon (VS Code renders a ThemeIcon as the class `codicon-<id>`).
 */
async function treeRows(container) {
  return container.locator('.monaco-list-row').evaluateAll((rows) => rows.map((row) => ({
    index: Number(row.getAttribute('data-index')),
    level: Number(row.getAttribute('aria-level')),
    expanded: row.getAttribute('aria-expanded'),
    label: (row.querySelector('.label-name')?.textContent || '').trim(),
    description: (row.querySelector('.label-description')?.textContent || '').trim(),
    icon: [...(row.querySelector('.custom-view-tree-node-item-icon')?.classList || [])]
      .find((c) => c.startsWith('codicon-')) || '',
  })).sort((a, b) => a.index - b.index));
}

function showRows(rows) {
  return JSON.stringify(rows.map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.label} | ${r.description} | ${r.icon}`));
}

/**
 * The sidebar from its title to the last tree row, widened first (by dragging its edge, as a person would) so
 * the README shows whole item titles; a failed drag only leaves the labels shortened.
 */
async function checklistClip(page, container) {
  const sidebar = page.locator('.part.sidebar');
  let box = await sidebar.boundingBox();
  const sash = page.locator('.monaco-sash.vertical').filter({ visible: true });
  for (let i = 0; i < await sash.count(); i++) {
    const b = await sash.nth(i).boundingBox();
    if (b && Math.abs(b.x + b.width / 2 - (box.x + box.width)) < 6) {
      await page.mouse.move(b.x + b.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2 + 180, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await sleep(300);
      box = await sidebar.boundingBox();
      break;
    }
  }
  const bottom = await container.locator('.monaco-list-row').evaluateAll((rows) =>
    Math.max(...rows.map((r) => r.getBoundingClientRect().bottom)));
  return { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, bottom - box.y + 8) };
}

/** Every line of the active editor, read the way a person would: from the top, one page at a time. */
async function readActiveEditor(page) {
  const editor = page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first();
  await editor.waitFor({ state: 'visible', timeout: 10_000 });
  const visible = () => visibleEditorLines(page);
  // A just-opened editor has at times been drawn scrolled to nowhere (blank, one stray line number); clicking into
  // it and going to the top draws it again, as it would for a person.
  const box = await editor.boundingBox();
  await editor.click({ position: { x: Math.round(box.width / 2), y: 10 } });
  await page.keyboard.press('Control+Home');
  await poll('the cursor at line 1', 5000, async () => (await cursorLine(page)) === 1);
  await poll('the editor to show text', 10_000, async () => (await visible()).some((l) => l.trim()));
  const seen = [];
  for (let page_ = 0; page_ < 60; page_++) {
    const shown = await visible();
    seen.push(...shown);
    const before = await cursorLine(page);
    await page.keyboard.press('PageDown');
    await sleep(150);
    if ((await cursorLine(page)) === before) break; // at the end
    // On a busy machine the editor redraws after the cursor moves: wait until the lines shown change, or read the
    // same page twice rather than skip one.
    const drawn = JSON.stringify(shown);
    await poll('the next page drawn', 2000, async () => JSON.stringify(await visible()) !== drawn).catch(() => undefined);
  }
  return seen;
}

// ---------------------------------------------------------------- steps
const STEPS = [
  {
    id: 'a',
    name: `open ${TARGET_REL} via Quick Open`,
    async run(page) {
      await openTargetFile(page);
    },
  },
  {
    id: 'b',
    name: `Problems panel lists a "${DIAG_SOURCE}" problem`,
    async run(page) {
      await ensureTargetOpen(page);
      const panel = page.locator('.markers-panel');
      await page.keyboard.press('Control+Shift+M');
      const shown = await panel.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
      if (!shown) await runCommand(page, 'View: Focus on Problems View');
      await panel.waitFor({ state: 'visible', timeout: 10_000 })
        .catch(() => { throw new StepError('the Problems panel did not open (Ctrl+Shift+M and command palette)'); });
      const rows = panel.locator('.monaco-list-row');
      try {
        await poll(`a problem containing "${DIAG_SOURCE}" in the Problems panel`, 90_000, async () => {
          const all = await texts(rows, 50);
          return all.some((t) => t.includes(DIAG_SOURCE));
        }, 500);
      } catch (e) {
        const all = await texts(rows, 20);
        const msg = await panel.locator('.message-box-container, .empty-message').first().innerText({ timeout: 1000 }).catch(() => '');
        throw new StepError(`${e.message}; Problems panel rows: ${JSON.stringify(all)}${msg ? `; message: "${msg.trim()}"` : ''}`);
      }
      const found = (await texts(rows, 50)).filter((t) => t.includes(DIAG_SOURCE));
      log(`  ${found.length} problem row(s) from ${DIAG_SOURCE}, e.g. "${found[0]}"`);
      const box = await page.locator('.part.panel').boundingBox();
      const bottom = await rows.evaluateAll((els) => Math.max(...els.map((el) => el.getBoundingClientRect().bottom)));
      await docShot('problems-panel', { ...box, height: Math.min(box.height, bottom - box.y + 8) });
    },
  },
  {
    id: 'c',
    name: `quick fix "${QUICK_FIX_TITLE}" removes shell=True`,
    async run(page) {
      const file = path.join(state.ws, TARGET_REL);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      const idx = lines.findIndex((l) => l.includes('shell=True'));
      if (idx < 0) throw new StepError(`no line with shell=True in ${TARGET_REL} on disk`);
      const line = idx + 1;
      const column = lines[idx].indexOf('shell=True') + 2; // inside the keyword argument
      await ensureTargetOpen(page);

      // Ctrl+G: go to line[:column]
      await closeQuickInput(page);
      await page.keyboard.press('Control+G');
      const widget = page.locator('.quick-input-widget');
      await widget.waitFor({ state: 'visible', timeout: 10_000 })
        .catch(() => { throw new StepError('Go to Line (Ctrl+G) did not appear'); });
      await page.keyboard.type(`${line}:${column}`, { delay: 20 });
      await page.keyboard.press('Enter');
      await widget.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
      await poll(`the cursor on line ${line}`, 10_000, async () => {
        const t = await page.locator('.statusbar-item[id$="status.editor.selection"]').first().innerText({ timeout: 1000 }).catch(() => '');
        return new RegExp(`\\bLn ${line}\\b`).test(t);
      });

      // Ctrl+. : quick-fix menu
      const menuRows = page.locator('.action-widget .monaco-list-row');
      const wanted = menuRows.filter({ hasText: QUICK_FIX_TITLE }).first();
      const end = Date.now() + 30_000;
      let offered = [];
      let note = '';
      for (;;) {
        await page.keyboard.press('Control+.');
        const ok = await wanted.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
        if (ok) break;
        offered = await texts(menuRows);
        note = await page.locator('.monaco-editor-overlaymessage').first().innerText({ timeout: 500 }).catch(() => '');
        await page.keyboard.press('Escape');
        if (Date.now() > end) {
          throw new StepError(`Ctrl+. on line ${line} did not offer "${QUICK_FIX_TITLE}"; ` +
            `menu offered: ${JSON.stringify(offered)}${note ? `; editor said: "${note.trim()}"` : ''}`);
        }
        await sleep(1000); // the server may still be computing code actions
      }
      await shot('c-quick-fix-menu');
      // the menu with the code line above it, from the editor's left edge
      const menu = await page.locator('.action-widget').first().boundingBox();
      const editor = await page.locator('.editor-instance').filter({ visible: true }).first().boundingBox();
      if (menu && editor) {
        const top = Math.max(editor.y, menu.y - 90);
        await docShot('quick-fix-menu', { x: editor.x, y: top, width: Math.min(menu.x + menu.width + 40, editor.x + editor.width) - editor.x, height: menu.y + menu.height + 16 - top });
      }
      // Choose it with the keyboard, as a person would: the menu focuses its first row.
      // Header rows ("Quick Fix") are not selectable; only action rows take the arrow keys.
      const titles = await texts(page.locator('.action-widget .monaco-list-row.action'));
      const position = titles.findIndex((title) => title.includes(QUICK_FIX_TITLE));
      if (position < 0) throw new StepError(`"${QUICK_FIX_TITLE}" is not among the action rows ${JSON.stringify(titles)}`);
      for (let i = 0; i < position; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
      // The edit shows as a dirty tab, or is already on disk when auto save is on.
      await poll('the editor to change after the quick fix', 10_000, async () => {
        const tab = await page.locator('.tabs-container .tab.active').first().getAttribute('class', { timeout: 1000 }).catch(() => '');
        return (tab && tab.includes('dirty')) || !fs.readFileSync(file, 'utf8').includes('shell=True');
      });
      await page.keyboard.press('Control+S');
      await poll(`shell=True to be gone from ${TARGET_REL} on disk after Ctrl+S`, 10_000, () =>
        !fs.readFileSync(file, 'utf8').includes('shell=True'));
      const newLine = fs.readFileSync(file, 'utf8').split('\n')[idx];
      log(`  line ${line} is now: ${newLine.trim()}`);
    },
  },
  {
    id: 'd',
    name: 'HA Security checklist: "demo" with failing and passing items, a finding opens its file',
    async run(page) {
      await closeQuickInput(page);
      const items = page.locator('.part.activitybar .action-item');
      const item = page.locator('.part.activitybar .action-item').filter({
        has: page.locator('[aria-label*="HA Security"]'),
      }).or(page.locator('.part.activitybar .action-item[aria-label*="HA Security"]')).first();
      const found = await item.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
      if (!found) {
        const labels = [];
        for (let i = 0; i < await items.count(); i++) {
          const it = items.nth(i);
          labels.push(await it.getAttribute('aria-label') ||
            await it.locator('[aria-label]').first().getAttribute('aria-label', { timeout: 500 }).catch(() => null));
        }
        throw new StepError(`no activity-bar item whose aria-label contains "HA Security"; items: ${JSON.stringify(labels.filter(Boolean))}`);
      }
      const cls = (await item.getAttribute('class')) || '';
      if (!cls.split(/\s+/).includes('checked')) await item.click(); // clicking an active item would hide the sidebar
      // the sidebar must now show that container, not the Explorer (which also has a "demo" folder row)
      // (the sidebar's view container is `.composite.viewlet` with the container's id; `.composite.title` is its title bar)
      const container = page.locator('.part.sidebar .composite.viewlet:not([id="workbench.view.explorer"])')
        .filter({ visible: true }).first();
      await container.waitFor({ state: 'visible', timeout: 10_000 })
        .catch(() => { throw new StepError('clicking the HA Security activity-bar item did not show its view container'); });
      const integration = (rows) => rows.find((r) => r.level === 1 && r.label === 'demo');
      try {
        await poll('the integration row "demo" in the HA Security view', 30_000, async () => integration(await treeRows(container)), 500);
      } catch (e) {
        const id = await container.getAttribute('id').catch(() => '?');
        const welcome = await container.locator('.welcome-view-content').first().innerText({ timeout: 500 }).catch(() => '');
        throw new StepError(`${e.message}; container ${id} rows: ${showRows(await treeRows(container))}` +
          (welcome ? `; welcome text: "${welcome.replace(/\s+/g, ' ').trim()}"` : ''));
      }
      const rowFor = (level, label) => container.locator(`.monaco-list-row[aria-level="${level}"]`)
        .filter({ has: page.locator('.label-name').getByText(label, { exact: true }) }).first();
      if (integration(await treeRows(container)).expanded !== 'true') await rowFor(1, 'demo').click();

      // A failing item shows "fail (N)" and the error icon; a passing one "pass" and the pass icon.
      const isFail = (r) => r.level === 2 && /^fail \(\d+\)$/.test(r.description) && r.icon === 'codicon-error';
      const isPass = (r) => r.level === 2 && r.description === 'pass' && r.icon === 'codicon-pass';
      let rows = [];
      try {
        await poll('a failing and a passing checklist item under "demo"', 30_000, async () => {
          rows = await treeRows(container);
          return rows.some(isFail) && rows.some(isPass);
        }, 500);
      } catch (e) {
        throw new StepError(`${e.message}; rows: ${showRows(rows)}`);
      }
      const failing = rows.find(isFail);
      log(`  failing: ${rows.filter(isFail).map((r) => `${r.label} (${r.description})`).join(', ')}`);
      log(`  passing: ${rows.filter(isPass).map((r) => r.label).join(', ')}`);

      // Expanding the failing item lists its findings, each described as path:line.
      await rowFor(2, failing.label).click();
      let finding;
      try {
        await poll(`a finding under "${failing.label}"`, 15_000, async () => {
          rows = await treeRows(container);
          const at = rows.findIndex((r) => r.level === 2 && r.label === failing.label);
          finding = at >= 0 && rows[at + 1]?.level === 3 ? rows[at + 1] : undefined;
          return finding;
        }, 300);
      } catch (e) {
        throw new StepError(`${e.message}; rows: ${showRows(rows)}`);
      }
      const where = /^(.+):(\d+)$/.exec(finding.description);
      if (!where) throw new StepError(`the finding "${finding.label}" is described as "${finding.description}", not path:line`);
      const [, findingPath, findingLine] = where;
      log(`  finding: ${finding.label.slice(0, 80)}… at ${finding.description}`);
      await sleep(300); // the expand animation
      await shot('d-checklist-expanded');
      await docShot('checklist-panel', await checklistClip(page, container));

      // Clicking the finding opens its file at its line; close every editor first so the check cannot pass by chance.
      await runCommand(page, 'View: Close All Editors');
      await poll('every editor to close', 10_000, async () => (await page.locator('.tabs-container .tab').count()) === 0)
        .catch((e) => { throw new StepError(`${e.message} (a dirty editor would ask to save)`); });
      await rowFor(3, finding.label).click();
      const base = path.basename(findingPath);
      await poll(`an editor tab for ${findingPath}`, 15_000, async () => {
        const label = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label', { timeout: 1000 }).catch(() => null);
        return label && label.includes(base);
      }).catch(async (e) => {
        throw new StepError(`${e.message}; clicking the finding left tabs ${JSON.stringify(await texts(page.locator('.tabs-container .tab')))}`);
      });
      await poll(`the cursor on line ${findingLine}`, 10_000, async () => (await cursorLine(page)) === Number(findingLine))
        .catch(async (e) => { throw new StepError(`${e.message}; the cursor is on line ${await cursorLine(page)}`); });
    },
  },
  {
    id: 'e',
    name: `"${EXPORT_COMMAND}" opens the report in a Markdown editor`,
    async run(page) {
      const tabsBefore = await texts(page.locator('.tabs-container .tab'));
      await runCommand(page, EXPORT_COMMAND);
      // an untitled tab is labelled with its first line and described "Untitled-N"
      await poll('a new Untitled editor tab', 30_000, async () =>
        /Untitled-\d+/.test(await page.locator('.tabs-container .tab.active').first().innerText({ timeout: 1000 }).catch(() => ''))).catch(async (e) => {
        const note = await page.locator('.notifications-toasts .notification-toast').first().innerText({ timeout: 500 }).catch(() => '');
        throw new StepError(`${e.message}; tabs before ${JSON.stringify(tabsBefore)}, now ${JSON.stringify(await texts(page.locator('.tabs-container .tab')))}` +
          (note ? `; notification: "${note.replace(/\s+/g, ' ').trim()}"` : ''));
      });
      await poll('the language mode "Markdown" in the status bar', 10_000, async () =>
        (await page.locator('.statusbar-item[id$="status.editor.mode"]').first().innerText({ timeout: 1000 }).catch(() => '')).trim() === 'Markdown')
        .catch(async (e) => {
          const mode = await page.locator('.statusbar-item[id$="status.editor.mode"]').first().innerText({ timeout: 1000 }).catch(() => '?');
          throw new StepError(`${e.message}; it shows "${mode.trim()}"`);
        });
      const lines = await readActiveEditor(page);
      const text = lines.join('\n');
      const expect = [
        ['the title "# HA Integration Security checklist" on the first line', () => lines[0]?.startsWith('# HA Integration Security checklist')],
        ['a section "## demo"', () => /^## demo\b/m.test(text)],
        ['an item whose status cell says "fail"', () => /\|\s*(?:\S+\s+)?fail\s*\|/i.test(text)],
        ['a [path:line](...) link to __init__.py', () => /\[[^\]\n]*__init__\.py:\d+\]\(/.test(text)],
      ];
      const missing = expect.filter(([, ok]) => !ok()).map(([what]) => what);
      if (missing.length) {
        throw new StepError(`the report editor lacks ${missing.join('; ')}; it starts: ${JSON.stringify(lines.slice(0, 12))}`);
      }
      log(`  ${lines.length} lines read, e.g. ${JSON.stringify(lines.find((l) => /__init__\.py:\d+/.test(l)))}`);
      await page.keyboard.press('Control+Home');
    },
  },
  {
    id: 'f',
    name: `"${FIX_ALL_COMMAND}" fixes ${TARGET_REL} on disk`,
    async run(page) {
      const file = path.join(state.ws, TARGET_REL);
      // each safe fix of the fixture removes one of these (step c may already have removed shell=True)
      const patterns = ['shell=True', 'yaml.load(', 'verify_ssl=False'];
      const present = patterns.filter((p) => fs.readFileSync(file, 'utf8').includes(p));
      if (present.length < 2) throw new StepError(`only ${JSON.stringify(present)} of ${JSON.stringify(patterns)} left in ${TARGET_REL}; nothing much to fix`);
      await ensureTargetOpen(page);
      await runCommand(page, FIX_ALL_COMMAND);
      await poll('the editor to change after fix-all', 15_000, async () => {
        const tab = await page.locator('.tabs-container .tab.active').first().getAttribute('class', { timeout: 1000 }).catch(() => '');
        return (tab && tab.includes('dirty')) || present.some((p) => !fs.readFileSync(file, 'utf8').includes(p));
      });
      await page.keyboard.press('Control+S');
      try {
        await poll(`${JSON.stringify(present)} to be gone from ${TARGET_REL} on disk after Ctrl+S`, 10_000, () =>
          present.every((p) => !fs.readFileSync(file, 'utf8').includes(p)));
      } catch (e) {
        const left = present.filter((p) => fs.readFileSync(file, 'utf8').includes(p));
        throw new StepError(`${e.message}; still there: ${JSON.stringify(left)}`);
      }
      log(`  removed ${JSON.stringify(present)}`);
    },
  },
];

// ---------------------------------------------------------------- main
const results = [];

function summary() {
  // one verdict per step: the first one recorded (a step cut off by the watchdog is not counted twice)
  const byId = new Map();
  for (const r of results) if (!byId.has(r.id)) byId.set(r.id, r);
  const passed = [...byId.values()].filter((r) => r.ok).length;
  return { passed, failed: byId.size - passed };
}

async function main() {
  let selected = STEPS;
  if (stepFilter) {
    const ids = stepFilter.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = ids.filter((id) => !STEPS.some((s) => s.id === id));
    if (unknown.length || !ids.length) {
      console.error(`--steps: unknown step(s) ${JSON.stringify(unknown)}; known: ${STEPS.map((s) => s.id).join(',')}`);
      process.exit(2);
    }
    selected = STEPS.filter((s) => ids.includes(s.id));
  }

  state.selected = selected;
  fs.mkdirSync(RESULTS, { recursive: true });
  for (const f of fs.readdirSync(RESULTS)) if (f.endsWith('.png')) fs.rmSync(path.join(RESULTS, f));
  fs.rmSync(path.join(RESULTS, 'vscode-logs'), { recursive: true, force: true });

  const vsix = findVsix();
  try {
    await setup(vsix);
  } catch (e) {
    const file = await shot('00-setup-FAILED');
    console.log(`FAIL setup: ${e.message}${file ? ` [${rel(file)}]` : ''}`);
    for (const s of selected) {
      results.push({ id: s.id, ok: false });
      console.log(`FAIL ${s.id}) ${s.name}: not run, setup failed`);
    }
    return;
  }

  let n = 1;
  for (const s of selected) {
    if (finished) return;
    const base = `${String(n++).padStart(2, '0')}-${s.id}-${slug(s.name)}`;
    const t0 = Date.now();
    state.current = s;
    try {
      await s.run(state.page);
      const file = await shot(base);
      results.push({ id: s.id, ok: true });
      console.log(`PASS ${s.id}) ${s.name} (${((Date.now() - t0) / 1000).toFixed(1)}s)${file ? ` [${rel(file)}]` : ''}`);
    } catch (e) {
      if (finished) return; // the watchdog already reported this step and is tearing down
      const file = await shot(`${base}-FAILED`);
      results.push({ id: s.id, ok: false });
      const msg = e instanceof StepError ? e.message : (e.stack || String(e)).split('\n').slice(0, 3).join(' | ');
      console.log(`FAIL ${s.id}) ${s.name} (${((Date.now() - t0) / 1000).toFixed(1)}s): ${msg}${file ? ` [${rel(file)}]` : ''}`);
      // leave the UI in a neutral state for the next step
      await state.page.keyboard.press('Escape').catch(() => {});
      await state.page.keyboard.press('Escape').catch(() => {});
    }
    state.current = null;
  }
}

let finished = false;
async function finish(code) {
  if (finished) return;
  finished = true;
  await cleanup();
  const { passed, failed } = summary();
  const copied = copyDocShots(failed);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed || !copied ? 1 : 0));
}

const watchdog = setTimeout(async () => {
  console.log(`FAIL the whole run exceeded ${Math.round(RUN_TIMEOUT_MS / 1000)}s (HA_SECURITY_E2E_TIMEOUT_MS)` +
    (state.current ? `, during step ${state.current.id}) ${state.current.name}` : ''));
  if (state.current && !results.some((r) => r.id === state.current.id)) {
    await shot(`zz-${state.current.id}-timeout-FAILED`);
    results.push({ id: state.current.id, ok: false });
  }
  for (const st of state.selected || []) {
    if (!results.some((r) => r.id === st.id)) {
      console.log(`FAIL ${st.id}) ${st.name}: not run, out of time`);
      results.push({ id: st.id, ok: false });
    }
  }
  if (!results.length) results.push({ id: 'run', ok: false });
  await finish(1);
}, RUN_TIMEOUT_MS);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    console.log(`[e2e] ${sig}: stopping`);
    results.push({ id: sig, ok: false });
    finish(1);
  });
}

main().then(
  () => { clearTimeout(watchdog); return finish(); },
  async (e) => {
    clearTimeout(watchdog);
    console.log(`FAIL harness error: ${e.stack || e}`);
    results.push({ id: 'harness', ok: false });
    await finish(1);
  },
);
