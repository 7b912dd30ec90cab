import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The fuzz suite's inputs and mutations. Everything random comes from one seeded PRNG per case, so a failure names
 * its seed and case and reproduces with HA_SECURITY_FUZZ_SEED (and HA_SECURITY_FUZZ_CASES) set the same way.
 */

export const TEST_ROOT = path.join(__dirname, '..');
export const REPO_ROOT = path.join(TEST_ROOT, '..');

/** A fixed default keeps CI deterministic; set HA_SECURITY_FUZZ_SEED to explore other inputs. */
export const DEFAULT_SEED = 0x5eed_2024;

export function fuzzSeed(): number {
  const raw = process.env.HA_SECURITY_FUZZ_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`HA_SECURITY_FUZZ_SEED must be an integer, not ${JSON.stringify(raw)}`);
  return seed >>> 0;
}

/** The number of cases, from HA_SECURITY_FUZZ_CASES when set (a multiplier-free count per test file). */
export function fuzzCases(defaultCount: number): number {
  const raw = process.env.HA_SECURITY_FUZZ_CASES;
  if (raw === undefined || raw === '') return defaultCount;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0) throw new Error(`HA_SECURITY_FUZZ_CASES must be a count, not ${JSON.stringify(raw)}`);
  return count;
}

/** mulberry32: tiny, fast and good enough to pick mutations; not for anything cryptographic. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The case's own stream: cases do not depend on each other, so case N reproduces without running 0..N-1. */
  static forCase(seed: number, index: number): Random {
    return new Random(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

export interface PythonInput {
  /** Relative to the repository, for messages. */
  name: string;
  /** Absolute path. */
  file: string;
  text: string;
  /** Set when the file belongs to a real integration folder (corpus, examples): it is analysed among its siblings. */
  integration?: { root: string; manifestPath: string; manifestText: string; files: { path: string; text: string }[] };
}

function walk(directory: string, keep: (file: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...walk(full, keep));
    else if (entry.isFile() && keep(full)) found.push(full);
  }
  return found.sort();
}

const SOURCE_FOLDERS = [path.join(TEST_ROOT, 'fixtures'), path.join(TEST_ROOT, 'corpus'), path.join(REPO_ROOT, 'examples')];

/** Every Python file under test/fixtures, test/corpus and examples/, with its integration when it has one. */
export function pythonInputs(): PythonInput[] {
  const inputs: PythonInput[] = [];
  for (const folder of SOURCE_FOLDERS) {
    for (const file of walk(folder, (name) => name.endsWith('.py'))) {
      const manifestPath = path.join(path.dirname(file), 'manifest.json');
      const input: PythonInput = { name: path.relative(REPO_ROOT, file), file, text: fs.readFileSync(file, 'utf8') };
      if (fs.existsSync(manifestPath)) {
        const root = path.dirname(file);
        input.integration = {
          root,
          manifestPath,
          manifestText: fs.readFileSync(manifestPath, 'utf8'),
          files: walk(root, (name) => name.endsWith('.py')).map((sibling) => ({ path: sibling, text: fs.readFileSync(sibling, 'utf8') })),
        };
      }
      inputs.push(input);
    }
  }
  return inputs;
}

export interface ManifestInput {
  name: string;
  text: string;
  root: string;
  files: { path: string; text: string }[];
}

/** Every integration's manifest.json under test/corpus and examples/, with the integration's Python files. */
export function manifestInputs(): ManifestInput[] {
  return SOURCE_FOLDERS.flatMap((folder) => walk(folder, (name) => path.basename(name) === 'manifest.json')).map((manifestPath) => {
    const root = path.dirname(manifestPath);
    return {
      name: path.relative(REPO_ROOT, manifestPath),
      text: fs.readFileSync(manifestPath, 'utf8'),
      root,
      files: walk(root, (name) => name.endsWith('.py')).map((file) => ({ path: file, text: fs.readFileSync(file, 'utf8') })),
    };
  });
}

/** Pieces of Python (and of what is not Python) that tend to confuse parsers and the rules reading their trees. */
const PYTHON_TOKENS = [
  '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '==', ':=', '->', '*', '**', '@', '\\', '\\\n', '#', ';',
  '"', "'", '"""', "'''", 'f"', "f'{", 'rb"', 'u"', '}', '{{', 'lambda', 'lambda x: ', 'def ', 'async def f(', 'class C:',
  'await ', 'yield', 'return', 'if ', 'elif ', 'else:', 'try:', 'except', 'finally:', 'with ', 'as ', 'import ', 'from . import ',
  'from .const import ', 'global ', 'nonlocal ', 'match x:', 'case _:', 'pass', 'None', '...', 'self.', 'hass.data[DOMAIN]',
  'entry.data[CONF_PASSWORD]', '_LOGGER.debug("%s", ', 'requests.get(url, verify=False)', 'yaml.load(', 'pickle.loads(', 'eval(',
  'subprocess.run(cmd, shell=True)', 'async_register_admin_service(', 'webhook.async_register(', 'requires_auth = False',
  '\n', '\r\n', '\r', '\t', '    ', '\f', '\v', '\u0000', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u200b', '\u202e', 'é', 'ß', 'Ω',
  '😀', '𝔘𝔫𝔦', '\ud83d', '\ude00', '\u0301', '中文', '# ha-security: ignore[', '# ha-security: ignore[dynamic-eval] reason',
  '# expect: ', '0x', '1e999', '1_000', '0o7', '"""docstring"""',
];

/** Deep nesting that recursive code walking trees might not survive. */
function deepNesting(random: Random): string {
  const depth = 50 + random.int(500);
  switch (random.int(6)) {
    case 0:
      return `${'('.repeat(depth)}x${')'.repeat(depth)}`;
    case 1:
      return `x = ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
    case 2:
      return `${'f('.repeat(depth)}${')'.repeat(depth)}`;
    case 3:
      // Indentation blocks nested `depth` deep (capped: each level adds a whole line).
      return Array.from({ length: Math.min(depth, 120) }, (_, level) => `${' '.repeat(level * 4)}if x:\n`).join('') + `${' '.repeat(Math.min(depth, 120) * 4)}pass\n`;
    case 4:
      return `${'('.repeat(depth)}`;
    default:
      return `x = ${'a.'.repeat(depth)}b + ${'-'.repeat(depth)}1\n`;
  }
}

function lines(text: string): string[] {
  return text.split('\n');
}

/** A line range [start, end) inside `count` lines. */
function lineRange(random: Random, count: number): [number, number] {
  const start = random.int(Math.max(1, count));
  return [start, Math.min(count, start + 1 + random.int(8))];
}

type Mutation = (random: Random, text: string) => { text: string; step: string };

const PYTHON_MUTATIONS: Mutation[] = [
  (random, text) => {
    const all = lines(text);
    const [start, end] = lineRange(random, all.length);
    all.splice(start, end - start);
    return { text: all.join('\n'), step: `delete lines ${start}-${end}` };
  },
  (random, text) => {
    const all = lines(text);
    const [start, end] = lineRange(random, all.length);
    const at = random.int(all.length + 1);
    all.splice(at, 0, ...all.slice(start, end));
    return { text: all.join('\n'), step: `duplicate lines ${start}-${end} at ${at}` };
  },
  (random, text) => {
    const all = lines(text);
    const a = random.int(all.length);
    const b = random.int(all.length);
    [all[a], all[b]] = [all[b], all[a]];
    return { text: all.join('\n'), step: `swap lines ${a} and ${b}` };
  },
  (random, text) => {
    const at = random.int(text.length + 1);
    const count = 1 + random.int(4);
    const tokens = Array.from({ length: count }, () => random.pick(PYTHON_TOKENS));
    return { text: text.slice(0, at) + tokens.join(random.chance(0.5) ? ' ' : '') + text.slice(at), step: `insert ${JSON.stringify(tokens)} at ${at}` };
  },
  (random, text) => {
    const at = random.int(text.length + 1);
    return { text: text.slice(0, at) + deepNesting(random) + text.slice(at), step: `insert deep nesting at ${at}` };
  },
  (random, text) => {
    const at = random.int(text.length + 1);
    return { text: text.slice(0, at), step: `truncate at ${at}` };
  },
  (random, text) => {
    const at = random.int(text.length + 1);
    const length = random.int(40);
    return { text: text.slice(0, at) + text.slice(at + length), step: `delete ${length} characters at ${at}` };
  },
  (random, text) => {
    const ending = random.pick(['\r\n', '\r']);
    return { text: text.replace(/\n/g, ending), step: `line endings ${JSON.stringify(ending)}` };
  },
  (random, text) => {
    const all = lines(text);
    const [start, end] = lineRange(random, all.length);
    for (let index = start; index < end; index++) all[index] = all[index].replace(/^((?: {4})+)/, (indent) => '\t'.repeat(indent.length / 4));
    return { text: all.join('\n'), step: `tabs for spaces on lines ${start}-${end}` };
  },
  (random, text) => {
    const all = lines(text);
    const [start, end] = lineRange(random, all.length);
    const width = random.pick([1, 2, 3, 8]);
    for (let index = start; index < end; index++) all[index] = ' '.repeat(width) + all[index];
    return { text: all.join('\n'), step: `indent lines ${start}-${end} by ${width}` };
  },
  (random, text) => {
    // Same characters, other identifiers: keywords and names rules look for get swapped around.
    const words = [...new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
    if (words.length < 2) return { text, step: 'no words to swap' };
    const from = random.pick(words);
    const to = random.pick(words);
    return { text: text.split(from).join(to), step: `rename ${from} to ${to}` };
  },
];

/** One to four random mutations of a Python text; `steps` says what was done, for failure messages. */
export function mutatePython(random: Random, text: string): { text: string; steps: string[] } {
  const steps: string[] = [];
  let current = text;
  const count = 1 + random.int(4);
  for (let index = 0; index < count; index++) {
    const mutation = random.pick(PYTHON_MUTATIONS)(random, current);
    current = mutation.text;
    steps.push(mutation.step);
  }
  return { text: current, steps };
}

/** Random bytes, mostly printable ASCII with line breaks, sometimes anything at all. */
export function randomBytes(random: Random): Uint8Array {
  const length = random.int(2048);
  const bytes = new Uint8Array(length);
  const printable = random.chance(0.6);
  for (let index = 0; index < length; index++) {
    bytes[index] = printable ? (random.chance(0.05) ? 10 : 32 + random.int(95)) : random.int(256);
  }
  return bytes;
}

/** JSON values of the wrong shape for manifest keys: what a hand-edited manifest.json may hold. */
function oddJsonValue(random: Random): string {
  const depth = 1 + random.int(600);
  return random.pick([
    'null', 'true', '0', '-1.5e308', '""', '"x"', '[]', '{}', '[1, 2]', '[null]', '[[["a==1"]]]', '{"a": "b"}', '"\\u0000"', '"😀"',
    '"\\ud800"', `"${'a'.repeat(10_000)}"`, `${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
    '["requests", "aiohttp>=3", "x==1.0", "git+https://example.com/x.git", " ", "==1", "[extra]==1", "a @ file:///x"]',
    '["a==1", 2, null, {"b": 1}, ["c"]]',
  ]);
}

const MANIFEST_KEYS = ['domain', 'name', 'iot_class', 'config_flow', 'requirements', 'dependencies', 'version', 'codeowners', 'documentation', 'after_dependencies', ''];

const MANIFEST_MUTATIONS: Mutation[] = [
  (random, text) => {
    const key = random.pick(MANIFEST_KEYS);
    const value = oddJsonValue(random);
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const replaced = JSON.stringify({ ...parsed, [key]: '\u0000placeholder' }, null, random.pick([0, 2, '\t'])).replace('"\\u0000placeholder"', value);
        return { text: replaced, step: `set ${JSON.stringify(key)} to ${value.slice(0, 60)}` };
      }
    } catch {
      // Not JSON any more (an earlier mutation): add the key textually below.
    }
    return { text: text.replace('{', `{"${key}": ${value},`), step: `prepend ${JSON.stringify(key)}: ${value.slice(0, 60)}` };
  },
  (random, text) => {
    const key = random.pick(MANIFEST_KEYS);
    return { text: text.replace('{', `{"${key}": 1, "${key}": "again",`), step: `duplicate key ${key}` };
  },
  (random, text) => {
    const at = random.int(text.length + 1);
    const token = random.pick(['{', '}', '[', ']', ',', ':', '"', '\\', '//', '/*', 'null', '\u0000', '\ufeff', '😀', '\n', '\r\n', '\t', '1e9999']);
    return { text: text.slice(0, at) + token + text.slice(at), step: `insert ${JSON.stringify(token)} at ${at}` };
  },
  (random, text) => {
    const at = random.int(text.length + 1);
    return { text: text.slice(0, at), step: `truncate at ${at}` };
  },
  (random, text) => ({ text: random.pick(['', ' ', '[]', '"domain"', 'null', '\ufeff{}', '{"domain": "x"} trailing']), step: 'replace whole text' }),
  (random, text) => {
    const ending = random.pick(['\r\n', '\r']);
    return { text: text.replace(/\n/g, ending), step: `line endings ${JSON.stringify(ending)}` };
  },
];

export function mutateManifest(random: Random, text: string): { text: string; steps: string[] } {
  const steps: string[] = [];
  let current = text;
  const count = 1 + random.int(3);
  for (let index = 0; index < count; index++) {
    const mutation = random.pick(MANIFEST_MUTATIONS)(random, current);
    current = mutation.text;
    steps.push(mutation.step);
  }
  return { text: current, steps };
}
