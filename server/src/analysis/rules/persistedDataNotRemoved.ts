import type { Node } from '../python/syntaxTree';
import { programArguments } from '../model/commandLine';
import { derivedKey, type CallSite, type FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { isLoggingCall } from '../model/secretFlow';
import { callerArguments, classOfMethodAround, resolveCallables, resolveClass, untrustedSource } from '../model/untrusted';
import { descendants, literalString, unwrap } from '../python/syntax';
import type { IntegrationContext, Rule } from '../rule';
import { baseName, excerpt } from '../text';

type PersistenceKind = 'store' | 'file' | 'cloudhook';

interface Persistence {
  kind: PersistenceKind;
  file: FileModel;
  node: Node;
  what: string;
  /** For files: the literal names the path is built from (file and folder names), when known. */
  names?: Set<string>;
  /** For files: the path expression as written (`self.json_path`), which tells writes of one file apart without names. */
  pathText?: string;
}

/** What async_remove_entry removes: the kinds, and for files the names its removals mention. */
interface Removal {
  kinds: Set<PersistenceKind>;
  fileNames: Set<string>;
  /** A file removal whose target could not be read (a folder loop, a parameter): it may remove anything. */
  removesUnknownFiles: boolean;
}

const FILE_WRITERS = new Set([
  'homeassistant.helpers.json.save_json', 'homeassistant.util.json.save_json', 'homeassistant.util.file.write_utf8_file',
  'homeassistant.util.file.write_utf8_file_atomic', 'homeassistant.util.yaml.save_yaml', 'homeassistant.util.ruamel_yaml.save_yaml',
]);
const CLOUDHOOK_CREATE = /(^|\.)async_(get_or_)?create_cloudhook$/;
const REMOVERS: Record<PersistenceKind, (name: string) => boolean> = {
  store: (name) => /(^|\.)async_remove$/.test(name) || /(^|\.)async_remove_store$/.test(name),
  file: (name) => /^(os\.(remove|unlink|rmdir|removedirs)|shutil\.rmtree)$/.test(name) || /\.(unlink|rmdir)$/.test(name) || /(^|\.)async_remove$/.test(name),
  cloudhook: (name) => /(^|\.)async_delete_cloudhook$/.test(name),
};
const KIND_LABEL: Record<PersistenceKind, string> = {
  store: 'a Store',
  file: 'a file',
  cloudhook: 'a cloudhook',
};

export const persistedDataNotRemoved: Rule = {
  meta: {
    id: 'persisted-data-not-removed',
    checklist: 'data-deletion',
    severity: 'warning',
    fix: 'none',
    cwe: 459,
    description: 'The integration persists data (a Store, files, a cloudhook) but async_remove_entry does not remove it.',
    docs: `When a user deletes an integration's config entry they expect its data to go with it. Home Assistant
calls \`async_remove_entry(hass, entry)\` in the integration's \`__init__.py\` for exactly this. Data left behind in
\`.storage/\`, in files the integration wrote, or in a cloudhook it created outlives the user's consent, may hold
personal data or tokens, and is picked up again if the integration is added later.

The rule collects what the integration persists: \`Store(...)\` instances (also of \`Store\` subclasses), files
written under the configuration folder (\`open(..., "w")\`, \`Path.write_text\`, \`save_json\`, a SQLite database
it creates there, what curl, wget, tar or unzip run as an argument list write there), and cloudhooks
(\`async_create_cloudhook\`). It then checks that \`async_remove_entry\` exists and removes each kind:
\`await store.async_remove()\`, \`os.remove\`/\`Path.unlink\`/\`shutil.rmtree\` (also through
\`hass.async_add_executor_job\`), \`async_delete_cloudhook\`. An integration set up from YAML only has no config
entry, so no \`async_remove_entry\` can run: its persisted data is put up for review instead. Files the user names
(a service's \`filename\`) are the user's, not the integration's data; written into a folder of the integration's own
under the configuration folder (\`hass.config.path("www/upload") / filename\`), they are put up for review. Long-term statistics
the integration imports (\`async_add_external_statistics\`, \`async_import_statistics\`) and does not clear on removal
(\`async_clear_statistics\`) are put up for review too: Home Assistant keeps statistics by design, but an account's
history may be the user's data.

Bad:
\`\`\`python
store = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}")
# ... and no async_remove_entry in __init__.py
\`\`\`

Good:
\`\`\`python
async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    await Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}").async_remove()
\`\`\``,
  },
  checkIntegration(context) {
    const { integration } = context;
    reviewStatistics(context);
    const { persisted, userNamed } = findPersistence(integration);
    if (userNamed.length > 0) {
      const first = userNamed[0];
      context.markUsed();
      context.review(`${baseName(first.file.path)} writes files whose names the user gives (${excerpt(first.node.text)}) into the configuration folder; they are the user's files rather than the integration's data, but check whether removing the entry should remove them.`);
    }
    if (persisted.length === 0) {
      // Nothing kept here, but async_remove_entry deletes something remote (a cloud instance or account the entry
      // registered): the integration does keep data elsewhere, and removes it.
      const removal = findRemoveEntry(integration);
      if (removal && deletesRemotely(removal.file, removal.node)) context.markUsed();
      return;
    }
    context.markUsed();
    // Set up from YAML only, the integration has no config entry whose removal could run async_remove_entry.
    if (!hasConfigEntries(integration)) {
      context.review(`${integration.domain} persists ${persisted.map((item) => KIND_LABEL[item.kind]).filter((label, index, labels) => labels.indexOf(label) === index).join(', ')} but is set up from YAML only, so there is no async_remove_entry to clean it up; check that removing the integration's YAML does not leave the user's data behind.`);
      return;
    }
    const removal = findRemoveEntry(integration);
    const removed: Removal = { kinds: new Set(), fileNames: new Set(), removesUnknownFiles: false };
    if (removal) removedBy(removal.file, removal.node, integration, removed);
    // One file written from several places is one thing to remove: reported where it is first written.
    const reportedTargets = new Set<string>();
    for (const item of persisted) {
      if (isRemoved(item, removed)) continue;
      const target = reportKey(item);
      if (target !== undefined && reportedTargets.has(target)) continue;
      if (target !== undefined) reportedTargets.add(target);
      const message = removal
        ? `This integration persists ${KIND_LABEL[item.kind]} (${item.what}), but async_remove_entry does not remove it; delete it there so removing the entry removes the user's data.`
        : `This integration persists ${KIND_LABEL[item.kind]} (${item.what}) but has no async_remove_entry in __init__.py; add one that removes it when the user deletes the entry.`;
      context.report(item.file.path, item.node, message);
    }
  },
};

/** `session.delete(url)`, `api.delete_instance(...)`, `client.unregister(...)`: a request that deletes remotely. */
function deletesRemotely(file: FileModel, fn: Node): boolean {
  return descendants(fn, ['call']).some((node) => {
    const site = file.callSite(node);
    return site?.method !== undefined && /^(async_)?(delete|unregister|deregister|deactivate)(_\w+)?$/.test(site.method) && !/^(os|shutil|pathlib)\./.test(site.name ?? '');
  });
}

const STATISTICS_WRITERS = /(^|\.)(async_add_external_statistics|async_import_statistics|add_external_statistics|import_statistics)$/;
const STATISTICS_CLEARERS = /(^|\.)(async_clear_statistics|clear_statistics)$/;

/**
 * Long-term statistics an integration imports (a utility account's history) stay in the recorder after its entry is
 * gone unless async_remove_entry clears them. Home Assistant keeps statistics by design, so this is for a person to
 * weigh, not a finding.
 */
function reviewStatistics(context: IntegrationContext): void {
  const { integration } = context;
  const writer = integration.files.flatMap((file) => file.calls.filter((call) => STATISTICS_WRITERS.test(call.name ?? '')).map((call) => ({ file, call })))[0];
  if (!writer) return;
  context.markUsed();
  const removal = findRemoveEntry(integration);
  const clears = removal !== undefined && descendants(removal.node, ['call']).some((node) => STATISTICS_CLEARERS.test(removal.file.callSite(node)?.name ?? node.childForFieldName('function')?.text ?? ''));
  if (clears) return;
  context.review(`${baseName(writer.file.path)} imports long-term statistics (\`${writer.call.callee.text}\`) that stay in the recorder when the entry is removed; if they hold the user's account data, clear them in async_remove_entry (the recorder's async_clear_statistics).`);
}

/** Whether a write into the configuration folder was passed over because the user names the file. */
interface UserNamedWrites {
  seen: boolean;
}

/**
 * What the integration persists, and the writes into the configuration folder whose file names come from the user
 * (a service's `filename`): the user's files, not the integration's data, but not nothing either.
 */
function findPersistence(integration: IntegrationModel): { persisted: Persistence[]; userNamed: { file: FileModel; node: Node }[] } {
  const storeClasses = storeSubclasses(integration);
  const found: Persistence[] = [];
  const userNamed: { file: FileModel; node: Node }[] = [];
  for (const file of integration.files) {
    if (file.isTestFile) continue;
    // A write handed to the executor (`hass.async_add_executor_job(save_json, path, data)`) persists all the same.
    for (const call of file.callsWithDeferred) {
      const name = call.name ?? genericClassName(file, call.callee) ?? (call.method ? `.${call.method}` : '');
      if (isStoreConstructor(name, storeClasses)) {
        found.push({ kind: 'store', file, node: call.node, what: `Store ${call.args[2]?.text ?? call.keywords.get('key')?.text ?? ''}`.trim() });
        continue;
      }
      if (CLOUDHOOK_CREATE.test(name)) {
        found.push({ kind: 'cloudhook', file, node: call.node, what: 'a Home Assistant Cloud webhook' });
        continue;
      }
      const named: UserNamedWrites = { seen: false };
      if (writesConfigFile(file, call, name, integration, named)) {
        const target = writtenPath(file, call, name);
        const names = target ? literalNames(file, target, integration) : new Set<string>();
        found.push({ kind: 'file', file, node: call.node, what: excerpt(call.node.text), names, pathText: target?.text });
        continue;
      }
      if (named.seen) userNamed.push({ file, node: call.node });
      const kept = libraryKeptFile(file, call, integration);
      if (kept) found.push({ kind: 'file', file, node: call.node, what: excerpt(call.node.text), names: literalNames(file, kept, integration), pathText: kept.text });
    }
  }
  return { persisted: found, userNamed };
}

/** `Store[Any](...)` constructs a Store: the class a parameterised generic names. */
function genericClassName(file: FileModel, callee: Node): string | undefined {
  if (callee.type !== 'subscript') return undefined;
  const value = callee.childForFieldName('value');
  const name = value ? file.qualifiedName(value) : undefined;
  return name && /(^|\.)[A-Z]\w*$/.test(name) ? name : undefined;
}

/** Whether the integration makes config entries: a config flow in the manifest, or an entry's setup or removal. */
function hasConfigEntries(integration: IntegrationModel): boolean {
  if (integration.manifest.configFlow) return true;
  return integration.files.some((file) => file.functions.some((fn) => ENTRY_FUNCTIONS.has(fn.childForFieldName('name')?.text ?? '')));
}

const ENTRY_FUNCTIONS = new Set(['async_setup_entry', 'async_remove_entry', 'async_unload_entry', 'async_migrate_entry']);

function storeSubclasses(integration: IntegrationModel): Set<string> {
  const names = new Set<string>();
  for (const file of integration.files) for (const name of fileStoreSubclasses(file)) names.add(name);
  names.delete('');
  return names;
}

const STORE_SUBCLASSES = derivedKey<string[]>('Store subclasses');

/** The classes of one file deriving from Store: they depend on that file alone, so they are read once per file model. */
function fileStoreSubclasses(file: FileModel): string[] {
  return file.derived(STORE_SUBCLASSES, () => {
    const names: string[] = [];
    for (const cls of file.classes) {
      const bases = cls.childForFieldName('superclasses');
      if (!bases) continue;
      for (const base of bases.namedChildren) {
        const qualified = base ? file.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') ?? base : base) : undefined;
        if (qualified && /(^|\.)storage\.Store$|^Store$/.test(qualified)) names.push(cls.childForFieldName('name')?.text ?? '');
      }
    }
    return names;
  });
}

function isStoreConstructor(name: string, subclasses: Set<string>): boolean {
  if (/(^|\.)helpers\.storage\.Store$/.test(name) || name === 'storage.Store') return true;
  return subclasses.size > 0 && subclasses.has(name.slice(name.lastIndexOf('.') + 1));
}

/** Writes to a path inside Home Assistant's configuration folder (not to a path a service call chose). */
function writesConfigFile(file: FileModel, call: CallSite, name: string, integration: IntegrationModel, userNamed?: UserNamedWrites): boolean {
  // Home Assistant's writers persist wherever they write, unless a service call or request says where (the user's file).
  if (FILE_WRITERS.has(name)) return !call.args[0] || untrustedSource(file, call.args[0], integration) === undefined;
  const mode = (position: number) => literalString(call.keywords.get('mode') ?? call.args[position] ?? call.node) ?? '';
  if (((name === 'open' && file.isBuiltin('open')) || name === 'aiofiles.open') && !/[wax]/.test(mode(1))) return false;
  // `Path(path).open("w")`: pathlib's open takes the mode first.
  if (name === '.open' && !/[wax]/.test(mode(0))) return false;
  const pathArgument = writtenPath(file, call, name);
  // Themes, blueprints and frontend files the integration copies in are assets the user may keep using, not data.
  if (pathArgument && /^shutil\./.test(name) && underSharedAssets(file, pathArgument)) return false;
  return pathArgument !== undefined && fromConfigFolder(file, pathArgument, integration, undefined, userNamed);
}

/** What names a file a library keeps for itself: its token, cookie, session or cache. */
const KEPT_FILE = /token|cookie|session|cache|credential/i;
/** Methods that keep what they are given in the file they are handed (`refresh_token.store_token(path)`). */
const KEEPING_METHOD = /^(store|save|write|dump|persist)(_|$)/;

/**
 * A file in the config folder handed to a library that keeps its state there: `Session(cookie_file_name=...)`,
 * `api.initWithCredentials(user, password, client_id, hass.config.path(STORAGE_DIR, "vicare_token.save"))`,
 * `refresh_token.store_token(path)`. Taken only when the keyword, the path or the method says what is kept (a path
 * handed over to be read, a certificate, is not data the integration leaves behind). The path, if one.
 */
function libraryKeptFile(file: FileModel, call: CallSite, integration: IntegrationModel): Node | undefined {
  const candidates = libraryPathArguments(file).get(call.callee.id);
  if (!candidates) return undefined;
  const kept = candidates.find(({ path, named }) => fromConfigFolder(file, path, integration) && (named || [...literalNames(file, path, integration)].some((name) => KEPT_FILE.test(name))))?.path;
  // Which function is called is asked last: it costs more than reading the arguments, which rule out most calls.
  if (!kept || isLoggingCall(file, call, integration)) return undefined;
  if (resolveCallables(file, call.callee, integration).length > 0 || resolveClass(file, call.callee, integration)) return undefined;
  return kept;
}

/** A path handed to a call, and whether the keyword or method it is handed to says it is kept there. */
interface PathArgument {
  path: Node;
  named: boolean;
}

const LIBRARY_PATH_ARGUMENTS = derivedKey<Map<number, PathArgument[]>>('paths handed to libraries');

/**
 * The calls of a file that may hand a library a file to keep, with the paths they hand over: what the file alone
 * tells (unchanged files keep it from one keystroke to the next); whether a path is in the config folder and names a
 * kept file depends on the other modules too. By the id of the callee: a call an executor call defers is made anew
 * when the file's names are bound again.
 */
function libraryPathArguments(file: FileModel): Map<number, PathArgument[]> {
  return file.derived(LIBRARY_PATH_ARGUMENTS, () => {
    const found = new Map<number, PathArgument[]>();
    for (const call of file.callsWithDeferred) {
      // The integration's own functions and classes are read where they write; an executor call is judged by the
      // call it makes (callsWithDeferred lists that too).
      if (file.deferredCall(call) || writtenPath(file, call, call.name ?? '')) continue;
      // Python's and Home Assistant's own functions are known: they read (load_json), log or build paths.
      if (NOT_A_LIBRARY.test(call.name ?? '') || /(^|\.)config\.path$/.test(call.name ?? '') || (call.name !== undefined && !call.name.includes('.') && file.isBuiltin(call.name))) continue;
      const keeps = call.method !== undefined && KEEPING_METHOD.test(call.method);
      const paths: PathArgument[] = [];
      for (const path of call.args) if (mayBeKeptPath(file, path)) paths.push({ path, named: keeps });
      for (const [keyword, path] of call.keywords) if (mayBeKeptPath(file, path)) paths.push({ path, named: keeps || KEPT_FILE.test(keyword) });
      if (paths.length > 0) found.set(call.callee.id, paths);
    }
    return found;
  });
}

const NOT_A_LIBRARY = /^(homeassistant|os|shutil|json|pathlib|logging|io|glob|tempfile|builtins)\./;

/**
 * A path argument that could lie in the config folder. Text without replacement fields does only when it names the
 * folder or is a bare file name (what fromConfigFolder asks of it): most calls pass words, not paths, and this is
 * asked of every argument of every call.
 */
function mayBeKeptPath(file: FileModel, path: Node): boolean {
  const target = unwrap(path);
  if (target.type === 'string' && !target.namedChildren.some((child) => child.type === 'interpolation')) {
    const text = literalString(target);
    return text !== undefined && (/hass\.config\.(path|config_dir)|STORAGE_DIR|\.storage/.test(target.text) || RELATIVE_FILE_NAME.test(text)) && !HA_DATABASE.test(target.text);
  }
  return isPathArgument(file, path);
}

/** A path as such (`hass.config.path(...)`, `os.path.join(...)`, `folder / name`, text), not data read from one. */
function isPathArgument(file: FileModel, value: Node): boolean {
  return file.origins(value).some((origin) => {
    const node = unwrap(origin.node);
    if (node.type === 'string' || node.type === 'binary_operator') return true;
    const site = node.type === 'call' ? file.callSite(node) : undefined;
    return site !== undefined && (/(^|\.)(config\.path|os\.path\.join|Path|PurePath)$/.test(site.name ?? '') || site.method === 'joinpath');
  });
}

/** The path a writing call writes to, if it is one the rule knows. */
function writtenPath(file: FileModel, call: CallSite, name: string): Node | undefined {
  if (FILE_WRITERS.has(name) || (name === 'open' && file.isBuiltin('open')) || name === 'aiofiles.open') return call.args[0];
  if (name === '.open' || call.method === 'write_text' || call.method === 'write_bytes') return call.callee.childForFieldName('object') ?? undefined;
  // A model saved with joblib (`joblib.dump(model, hass.config.path("model.pkl"))`).
  if (name === 'joblib.dump') return call.args[1] ?? call.keywords.get('filename');
  // A SQLite database file, created on first connect (`sqlite3.connect(hass.config.path(".storage", "demo.db"))`).
  if (/^(sqlite3|aiosqlite)\.connect$/.test(name)) return call.args[0] ?? call.keywords.get('database');
  // A file or folder copied into the config folder (`shutil.copy2(bundled, hass.config.path("dashboard.yaml"))`).
  if (/^shutil\.(copy|copy2|copyfile|copytree|move)$/.test(name)) return call.args[1] ?? call.keywords.get('dst');
  return commandOutputPath(file, call);
}

/** Programs run with an argument list, and the options after which they take the path they write into. */
const OUTPUT_OPTIONS: Record<string, RegExp> = {
  curl: /^(-o|--output)$/,
  wget: /^(-O|--output-document|-P|--directory-prefix)$/,
  tar: /^(-C|--directory)$/,
  unzip: /^-d$/,
};

/**
 * The path a program run as an argument list writes to: `subprocess.run(["curl", url, "--output", path])`, `wget -O`,
 * `tar -xf archive -C folder`, also through `asyncio.create_subprocess_exec("curl", ...)`.
 */
function commandOutputPath(file: FileModel, call: CallSite): Node | undefined {
  const argv = programArguments(file, call);
  const program = argv?.[0] ? literalString(argv[0])?.split('/').pop() : undefined;
  const option = program ? OUTPUT_OPTIONS[program] : undefined;
  if (!argv || !option) return undefined;
  const at = argv.findIndex((item) => option.test(literalString(item) ?? ''));
  return at >= 0 ? argv[at + 1] : undefined;
}

/** Whether a path lies in a shared asset folder: written so, or joined onto a folder that is (`www_dir / "logo.png"`). */
function underSharedAssets(file: FileModel, path: Node, depth = 3): boolean {
  return file.origins(path).some((origin) => {
    if (SHARED_ASSET_FOLDERS.test(origin.node.text)) return true;
    const base = depth > 0 ? joinedBase(file, unwrap(origin.node)) : undefined;
    return base !== undefined && underSharedAssets(file, base, depth - 1);
  });
}

/** A bare file name with a data file's extension (`calendars.yaml`), not a dotted name (`core.get_session_status`). */
const RELATIVE_FILE_NAME = /^[\w-][\w.-]*\.(json|ya?ml|txt|db|sqlite3?|pickle|pkl|csv|log|pem|key|crt|cache|dat|bin|xml|ini|conf|cfg|save|token)$/i;

const HA_DATABASE = /home-assistant_v2\.db|DEFAULT_DB_FILE/;

const SHARED_ASSET_FOLDERS = /["'/](themes|blueprints|www|custom_components)\b/;

/** `Path(path)`, `pathlib.Path(path)`: the path the object is made from. */
function pathObjectOf(file: FileModel, node: Node): Node | undefined {
  if (node.type !== 'call') return undefined;
  const site = file.callSite(node);
  return site?.name && /^pathlib\.(Pure)?Path$/.test(site.name) && site.args.length === 1 ? site.args[0] : undefined;
}

function fromConfigFolder(file: FileModel, expression: Node, integration: IntegrationModel, depth = 4, userNamed?: UserNamedWrites): boolean {
  for (const origin of file.origins(expression)) {
    const text = origin.node.text;
    // Home Assistant's own database, opened to read history (also through attributes and helpers), is not the
    // integration's to remove.
    if (HA_DATABASE.test(text)) continue;
    // A relative file name (`open("calendars.yaml", "w")`) lands in Home Assistant's working folder, the config folder.
    const relativeName = literalString(unwrap(origin.node));
    const inConfigFolder =
      /hass\.config\.(path|config_dir)|STORAGE_DIR|\.storage/.test(text) ||
      // Next to the module (`os.path.dirname(__file__)`): a custom integration's folder is inside the config folder.
      (/\b__file__\b/.test(text) && /(^|[\\/])custom_components[\\/]/.test(integration.root)) ||
      descendants(origin.node, ['call']).some((call) => /hass\.config\.path/.test(call.text)) ||
      (relativeName !== undefined && RELATIVE_FILE_NAME.test(relativeName));
    if (inConfigFolder) {
      if (!namedByUser(file, origin.node, integration)) return true;
      // A folder of the integration's own (`hass.config.path("www/upload", filename)`) holds what it writes there; a
      // path the user gives whole (`os.path.join(config_dir, filename)`, a notify target) is the user's file.
      if (userNamed && literalNames(file, origin.node, integration).size > 0) userNamed.seen = true;
    }
    if (depth <= 0) continue;
    // `Path(path)`: the same path as an object.
    const wrapped = pathObjectOf(file, unwrap(origin.node));
    if (wrapped && fromConfigFolder(file, wrapped, integration, depth - 1, userNamed)) return true;
    // `(media / name)` where `media = Path(hass.config.path("media")) / DOMAIN`: a path joined onto such a folder.
    const base = joinedBase(file, unwrap(origin.node));
    if (base && fromConfigFolder(file, base, integration, depth - 1, userNamed)) {
      if (!namedByUser(file, origin.node, integration)) return true;
      if (userNamed && literalNames(file, base, integration).size > 0) userNamed.seen = true;
    }
    // `path = _get_config_path(hass)`, `self.get_path(name)`: a function or method of the integration that returns such a path.
    const callee = unwrap(origin.node).type === 'call' ? unwrap(origin.node).childForFieldName('function') : null;
    const helpers = callee ? resolveCallables(file, callee, integration) : [];
    if (helpers.some((helper) => helper.file.returnedValues(helper.node).some((value) => fromConfigFolder(helper.file, value, integration, depth - 1, userNamed)))) return true;
    // `def _save(path): open(path, "w")`, called with such a path (also through the executor, also from another module).
    if (origin.kind === 'parameter' && origin.scope && origin.name) {
      if (callerArguments(file, origin.scope, origin.name, integration).some((argument) => fromConfigFolder(argument.file, argument.node, integration, depth - 1, userNamed))) return true;
    }
    // `self._cookie_file`, set to such a path in another method of the class (`__init__`, usually).
    const attribute = selfAttributeName(unwrap(origin.node));
    const cls = attribute ? classOfMethodAround(file, origin.node) : undefined;
    if (attribute && cls && file.selfAttributeWrites(cls, attribute).values.some((value) => fromConfigFolder(file, value, integration, depth - 1, userNamed))) return true;
  }
  return false;
}


/** `name` for `self.name`. */
function selfAttributeName(node: Node): string | undefined {
  if (node.type !== 'attribute' || node.childForFieldName('object')?.text !== 'self') return undefined;
  return node.childForFieldName('attribute')?.text;
}

/**
 * The folder a path is joined onto: `base` in `base / name`, `os.path.join(base, ...)`, `base.joinpath(...)`, and in
 * paths written as text, `base + "name.json"` and `f"{base}/name.json"`.
 */
function joinedBase(file: FileModel, node: Node): Node | undefined {
  if (node.type === 'binary_operator' && /^[/+]$/.test(node.childForFieldName('operator')?.text ?? '')) {
    // `base + "/" + "packets.dump"` nests to the left: the folder is the leftmost operand.
    let left = node.childForFieldName('left');
    while (left?.type === 'binary_operator' && /^[/+]$/.test(left.childForFieldName('operator')?.text ?? '')) left = left.childForFieldName('left');
    return left ?? undefined;
  }
  if (node.type === 'string') {
    const first = node.namedChildren.find((child) => child.type !== 'string_start');
    return first?.type === 'interpolation' ? (first.childForFieldName('expression') ?? undefined) : undefined;
  }
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  if (!site) return undefined;
  if (site.method === 'joinpath') return site.callee.childForFieldName('object') ?? undefined;
  return /(^|\.)(os\.path\.join|Path|PurePath)$/.test(site.name ?? '') ? site.args[0] : undefined;
}

/**
 * `os.path.join(hass.config.config_dir, self.filename)`, `Path(hass.config.path("exports")) / call.data["filename"]`:
 * a file the user named (a notify target, an export a service call asked for) is theirs to keep when the entry goes.
 * Its name comes from service or request data, or from an option or attribute called like a file name; names built
 * from literals, constants, the domain, the entry id or a device id are the integration's own.
 */
function namedByUser(file: FileModel, path: Node, integration: IntegrationModel): boolean {
  const target = unwrap(path);
  let parts: Node[];
  // The folder joined onto (`dest_path / "pkey"`, `os.path.join(base, ...)`) is judged where it was made; the
  // names joined to it say who named the file.
  if (target.type === 'binary_operator') {
    parts = [target.childForFieldName('right')].filter((part): part is Node => part !== null);
  } else if (target.type === 'string') {
    // `f"{base}/{name}.json"`: the values after the folder.
    parts = target.namedChildren
      .filter((child) => child.type === 'interpolation')
      .slice(1)
      .map((interpolation) => interpolation.childForFieldName('expression'))
      .filter((part): part is Node => part !== null);
  } else {
    const site = target.type === 'call' ? file.callSite(target) : undefined;
    if (!site || !/(^|\.)(os\.path\.join|config\.path|Path|joinpath)$/.test(site.name ?? site.method ?? '')) return false;
    parts = /(^|\.)os\.path\.join$/.test(site.name ?? '') ? site.args.slice(1) : site.args;
  }
  return parts.some((part) => namedPartByUser(file, part, integration));
}

/** Whether one part of a path is a name the user chose, not one the integration makes. */
function namedPartByUser(file: FileModel, part: Node, integration: IntegrationModel, depth = 3): boolean {
  if (literalString(part) !== undefined || /hass\.config|config_dir|STORAGE_DIR/.test(part.text)) return false;
  if (untrustedSource(file, part, integration) !== undefined) return true;
  if (namedByItsCallers(file, part, integration)) return false;
  const target = unwrap(part);
  if (depth > 0) {
    // A local the code sets to text it composes (`filename = f"snap_{timestamp}.json"`) is judged by that text; one
    // set to data (`entry.options[...]`) by its name, below.
    const origins = target.type === 'identifier' ? file.origins(target) : [];
    if (origins.length > 0 && origins.every((origin) => origin.kind === 'expression' && unwrap(origin.node).type === 'string')) {
      return origins.some((origin) => namedPartByUser(file, origin.node, integration, depth - 1));
    }
    if (target.type === 'string') {
      const values = target.namedChildren.filter((child) => child.type === 'interpolation').map((field) => field.childForFieldName('expression'));
      return values.some((value) => value !== null && namedPartByUser(file, value, integration, depth - 1));
    }
  }
  const names = (target.type === 'identifier' ? [target] : descendants(target, ['identifier'])).map((name) => name.text);
  // Constants (upper case) are the integration's, except option keys (`config[CONF_FILENAME]`).
  return names.some((name) => (!/^[A-Z][A-Z0-9_]*$/.test(name) || name.startsWith('CONF_')) && /file|path|name|dir|folder/i.test(name) && !ACCOUNT_OR_DEVICE_NAME.test(name));
}

/**
 * A user, host or device name in a path (`f"{config_path}.{slugify(username)}"`) tells whose file the integration
 * keeps, as an entry id would; it does not let the user pick the file.
 */
const ACCOUNT_OR_DEVICE_NAME = /^(CONF_)?_?(user|host|device|account|login|friendly|display|entity|unique)_?name$/i;

/**
 * `def write_asset(hass, filename, ...)` that every caller hands a literal name (`"hub-key.pem"`), or a parameter of
 * its own that every caller hands one (`get_path(name)` called from `write(name, obj)`): the integration's.
 */
function namedByItsCallers(file: FileModel, part: Node, integration: IntegrationModel, depth = 3): boolean {
  if (part.type !== 'identifier' || depth <= 0) return false;
  const origins = file.origins(part);
  if (origins.length !== 1 || origins[0].kind !== 'parameter' || !origins[0].scope) return false;
  const handed = callerArguments(file, origins[0].scope, part.text, integration);
  return handed.length > 0 && handed.every(({ file: caller, node }) => literalString(unwrap(node)) !== undefined || namedByItsCallers(caller, unwrap(node), integration, depth - 1));
}

function findRemoveEntry(integration: IntegrationModel): { file: FileModel; node: Node } | undefined {
  const init = integration.files.find((file) => /(^|\/)__init__\.py$/.test(file.path) && file.moduleName.split('.').length <= 3);
  if (!init) return undefined;
  const node = init.functions.find((fn) => fn.childForFieldName('name')?.text === 'async_remove_entry' && init.scopeOf(fn).type === 'module');
  return node ? { file: init, node } : undefined;
}

/** Collects what a function removes, looking into the integration's own helpers it calls (two levels). */
function removedBy(file: FileModel, fn: Node, integration: IntegrationModel, removal: Removal, depth = 2): void {
  for (const node of descendants(fn, ['call'])) {
    const site = file.callSite(node);
    if (!site) continue;
    const names = [site.name ?? '', site.method ? `.${site.method}` : '', ...site.args.map((argument) => file.qualifiedName(argument) ?? '')];
    for (const kind of Object.keys(REMOVERS) as PersistenceKind[]) {
      if (!names.some((name) => name && REMOVERS[kind](name))) continue;
      removal.kinds.add(kind);
      if (kind !== 'file') continue;
      // The removed path: the receiver of `path.unlink()`, else the arguments (also those given to the executor).
      const receiver = site.callee.type === 'attribute' && site.method && /^(unlink|rmdir)$/.test(site.method) ? site.callee.childForFieldName('object') : null;
      const targets = receiver ? [receiver] : site.args.filter((argument) => !REMOVERS.file(file.qualifiedName(argument) ?? ''));
      const found = new Set<string>();
      for (const target of targets) for (const name of literalNames(file, target, integration)) found.add(name);
      // `Path(entry.data[CONF_KEY_FILE]).unlink()`: the file the entry points to, whatever its name (the key is no name).
      const fromEntry = targets.some((target) => file.origins(target).some((origin) => ENTRY_VALUE.test(origin.node.text)));
      if (found.size === 0 || fromEntry) removal.removesUnknownFiles = true;
      for (const name of found) removal.fileNames.add(name);
    }
    // The integration's own helpers and methods (`coordinator.async_delete_config()` -> `self._store.async_remove()`).
    if (depth > 0) {
      // Also a helper run on the executor (`hass.async_add_executor_job(_remove_cache, path)`).
      const deferred = file.deferredCall(site);
      for (const target of [...resolveCallables(file, site.callee, integration), ...(deferred ? resolveCallables(file, deferred.callee, integration) : [])]) {
        if (target.node.id !== fn.id) removedBy(target.file, target.node, integration, removal, depth - 1);
      }
    }
  }
}

const ENTRY_VALUE = /\b(entry|config_entry)\.(data|options)\b/;

/** What one finding stands for: a file by its names (else by how its path is written in its module), or a Store. */
function reportKey(item: Persistence): string | undefined {
  if (item.kind === 'store') return `store:${item.what}`;
  if (item.kind !== 'file') return undefined;
  if (item.names && item.names.size > 0) return `file:${[...item.names].sort().join('|')}`;
  return item.pathText ? `path:${item.file.path}:${item.pathText}` : undefined;
}

function isRemoved(item: Persistence, removal: Removal): boolean {
  if (!removal.kinds.has(item.kind)) return false;
  if (item.kind !== 'file' || removal.removesUnknownFiles || !item.names || item.names.size === 0) return true;
  return [...item.names].some((name) => [...removal.fileNames].some((removed) => removed.includes(name) || name.includes(removed)));
}

/** The file and folder names (string literals and constants) a path expression is built from. */
function literalNames(file: FileModel, expression: Node, integration: IntegrationModel, depth = 3): Set<string> {
  const names = new Set<string>();
  if (depth <= 0) return names;
  for (const origin of file.origins(expression)) {
    for (const node of [origin.node, ...descendants(origin.node, ['string', 'identifier'])]) {
      if (node.type === 'string') {
        const text = literalString(node);
        if (text && /[\w.-]/.test(text) && !/\s/.test(text)) names.add(text);
      } else if (node.type === 'identifier' && node.id !== expression.id) {
        const value = file.stringValue(node, integration.constantString);
        if (value) names.add(value);
        else if (node.parent?.type !== 'attribute' || node.parent.childForFieldName('object')?.id === node.id) {
          for (const inner of literalNames(file, node, integration, depth - 1)) names.add(inner);
        }
      }
    }
  }
  return names;
}
