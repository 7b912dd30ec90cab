import type { Node } from '../python/syntaxTree';
import { descendants, literalString, unwrap } from '../python/syntax';
import { programArguments } from './commandLine';
import { derivedKey, type CallSite, type FileModel } from './fileModel';
import { ASYNC_OPEN, isPathlibOpen, isUnboundPathMethod, lastOutputArgument } from './fileOperations';
import type { IntegrationModel } from './integration';
import { isLoggingCall } from './secretFlow';
import { callerArguments, classOfMethodAround, resolveCallables, resolveClass, untrustedSource } from './untrusted';

/**
 * Files an integration keeps in Home Assistant's configuration folder: the paths its writes and the libraries it hands
 * a path to end up in, whether those lie in the configuration folder, and whether the user or the integration named
 * the file. Read by the data deletion rule (what is left behind) and the credential storage rule (what a library
 * keeps of a login).
 */
/** Home Assistant's helpers that write a file where they are told. */
export const FILE_WRITERS = new Set([
  'homeassistant.helpers.json.save_json', 'homeassistant.util.json.save_json', 'homeassistant.util.file.write_utf8_file',
  'homeassistant.util.file.write_utf8_file_atomic', 'homeassistant.util.yaml.save_yaml', 'homeassistant.util.ruamel_yaml.save_yaml',
]);

/** Whether a write into the configuration folder was passed over because the user names the file. */
export interface UserNamedWrites {
  seen: boolean;
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
export function libraryKeptFile(file: FileModel, call: CallSite, integration: IntegrationModel): Node | undefined {
  const candidates = libraryPathArguments(file).get(call.callee.id);
  if (!candidates) return undefined;
  // Asked by the data deletion and the credential storage rules of the same integration: answered once.
  let answers = keptFileAnswers.get(integration);
  if (!answers) {
    answers = new Map();
    keptFileAnswers.set(integration, answers);
  }
  const key = `${file.path}#${call.callee.id}`;
  if (answers.has(key)) return answers.get(key) ?? undefined;
  const answer = findKeptFile(file, call, integration, candidates);
  answers.set(key, answer ?? null);
  return answer;
}

const keptFileAnswers = new WeakMap<IntegrationModel, Map<string, Node | null>>();

function findKeptFile(file: FileModel, call: CallSite, integration: IntegrationModel, candidates: PathArgument[]): Node | undefined {
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
    return text !== undefined && (CONFIG_FOLDER_PATH.test(target.text) || RELATIVE_FILE_NAME.test(text)) && !HA_DATABASE.test(target.text);
  }
  return isPathArgument(file, path);
}

/** A path as such (`hass.config.path(...)`, `os.path.join(...)`, `folder / name`, text), not data read from one. */
function isPathArgument(file: FileModel, value: Node): boolean {
  return file.origins(value).some((origin) => {
    // `def _login(path, user, password): LWPCookieJar(path)`: a parameter named for a path, filled in by the callers.
    if (origin.kind === 'parameter') return /(^|_)(path|file|filename|file_path|dir|folder)$/i.test(origin.name ?? '');
    const node = unwrap(origin.node);
    if (node.type === 'string' || node.type === 'binary_operator') return true;
    const site = node.type === 'call' ? file.callSite(node) : undefined;
    return site !== undefined && (/(^|\.)(config\.path|os\.path\.join|Path|PurePath)$/.test(site.name ?? '') || site.method === 'joinpath');
  });
}

/** The path a writing call writes to, if it is one the rule knows. */
export function writtenPath(file: FileModel, call: CallSite, name: string): Node | undefined {
  if (FILE_WRITERS.has(name) || (name === 'open' && file.isBuiltin('open')) || ASYNC_OPEN.has(name)) return call.args[0];
  if ((call.method === 'write_text' || call.method === 'write_bytes') && isUnboundPathMethod(file, call)) return call.args[0];
  if (isPathlibOpen(file, call, name) || call.method === 'write_text' || call.method === 'write_bytes') return call.callee.childForFieldName('object') ?? undefined;
  // A model saved with joblib (`joblib.dump(model, hass.config.path("model.pkl"))`).
  if (name === 'joblib.dump') return call.args[1] ?? call.keywords.get('filename');
  // A SQLite database file, created on first connect (`sqlite3.connect(hass.config.path(".storage", "demo.db"))`).
  if (/^(sqlite3|aiosqlite)\.connect$/.test(name)) return call.args[0] ?? call.keywords.get('database');
  // A file or folder copied into the config folder (`shutil.copy2(bundled, hass.config.path("dashboard.yaml"))`).
  if (/^shutil\.(copy|copy2|copyfile|copytree|move)$/.test(name)) return call.args[1] ?? call.keywords.get('dst');
  // A download saved into the config folder (`urlretrieve(url, hass.config.path("www", "map.png"))`).
  if (name === 'urllib.request.urlretrieve') return call.args[1] ?? call.keywords.get('filename');
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
  // `ffmpeg -i url -c copy clip.mp4`: ffmpeg writes the file its list ends with.
  if (argv && program === 'ffmpeg') return lastOutputArgument(argv, (item) => literalString(item));
  const option = program ? OUTPUT_OPTIONS[program] : undefined;
  if (!argv || !option) return undefined;
  const at = argv.findIndex((item) => option.test(literalString(item) ?? ''));
  return at >= 0 ? argv[at + 1] : undefined;
}

/** A bare file name with a data file's extension (`calendars.yaml`), not a dotted name (`core.get_session_status`). */
const RELATIVE_FILE_NAME = /^[\w-][\w.-]*\.(json|ya?ml|txt|db|sqlite3?|pickle|pkl|csv|log|pem|key|crt|cache|dat|bin|xml|ini|conf|cfg|save|token)$/i;

/** A path built in the config folder: `hass.config.path(...)`, `STORAGE_DIR`, a `.storage` folder (not `self.storage_path`). */
const CONFIG_FOLDER_PATH = /hass\.config\.(path|config_dir)|STORAGE_DIR|(^|["'\/\\])\.storage(["'\/\\]|$)/;

const HA_DATABASE = /home-assistant_v2\.db|DEFAULT_DB_FILE/;

/** A literal path written from the root of the configuration folder of an installation (`"/config/acme/state.json"`). */
const CONFIG_FOLDER_ABSOLUTE = /^[rRuU]?[fF]?[rR]?["']\/config\/[^"'{]/;

/** `Path(path)`, `pathlib.Path(path)`, `str(path)`, `os.fspath(path)`: the path the object or text is made from. */
function pathObjectOf(file: FileModel, node: Node): Node | undefined {
  if (node.type !== 'call') return undefined;
  const site = file.callSite(node);
  const samePath = site?.name !== undefined && (/^(pathlib\.(Pure)?Path|os\.fspath|os\.path\.(abspath|normpath|realpath))$/.test(site.name) || (site.name === 'str' && file.isBuiltin('str')));
  return samePath && site.args.length === 1 ? site.args[0] : undefined;
}

export function fromConfigFolder(file: FileModel, expression: Node, integration: IntegrationModel, depth = 4, userNamed?: UserNamedWrites): boolean {
  for (const origin of file.origins(expression)) {
    const text = origin.node.text;
    // Home Assistant's own database, opened to read history (also through attributes and helpers), is not the
    // integration's to remove.
    if (HA_DATABASE.test(text)) continue;
    // A relative file name (`open("calendars.yaml", "w")`) lands in Home Assistant's working folder, the config folder.
    const relativeName = literalString(unwrap(origin.node));
    const inConfigFolder =
      CONFIG_FOLDER_PATH.test(text) ||
      // Next to the module (`os.path.dirname(__file__)`): a custom integration's folder is inside the config folder.
      (/\b__file__\b/.test(text) && /(^|[\\/])custom_components[\\/]/.test(integration.root)) ||
      descendants(origin.node, ['call']).some((call) => /hass\.config\.path/.test(call.text)) ||
      (relativeName !== undefined && RELATIVE_FILE_NAME.test(relativeName)) ||
      // `/config` is where Home Assistant OS and the container image keep the configuration folder.
      CONFIG_FOLDER_ABSOLUTE.test(unwrap(origin.node).text);
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
export function joinedBase(file: FileModel, node: Node): Node | undefined {
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
  // `"{}/p{}.jpg".format(directory, 1234)`: text that starts with its first value.
  const template = site.method === 'format' ? site.callee.childForFieldName('object') : null;
  if (template && /^\{0?\}[\\/]/.test(literalString(unwrap(template)) ?? '')) return site.args[0];
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
    // `Path(hass.config.path(msg["path"]))`: the path object of a path, named by whoever named that path.
    if (site && /(^|\.)(Path|PurePath)$/.test(site.name ?? '') && site.args.length === 1) return namedByUser(file, site.args[0], integration);
    // `"{}/{}.jpg".format(folder, name)`: the values after the folder.
    if (site?.method === 'format' && joinedBase(file, target)) return site.args.slice(1).some((part) => namedPartByUser(file, part, integration));
    if (!site || !/(^|\.)(os\.path\.join|config\.path|Path|joinpath)$/.test(site.name ?? site.method ?? '')) return false;
    parts = /(^|\.)os\.path\.join$/.test(site.name ?? '') ? site.args.slice(1) : site.args;
  }
  return parts.some((part) => namedPartByUser(file, part, integration));
}

/** Whether one part of a path is a name the user chose, not one the integration makes. */
function namedPartByUser(file: FileModel, part: Node, integration: IntegrationModel, depth = 3): boolean {
  if (literalString(part) !== undefined || /hass\.config|config_dir|STORAGE_DIR/.test(part.text)) return false;
  // `f"activity_{activity_id}.zip"`: a name the integration composes around an id a caller sent is still its own;
  // only a value named like a file or path (`f"{filename}.json"`) lets the caller name the file.
  const composed = composedName(file, part);
  if (!composed && untrustedSource(file, part, integration) !== undefined) return true;
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
      return values.some((value) => value !== null && (!composed || FILE_NAMING.test(value.text)) && namedPartByUser(file, value, integration, depth - 1));
    }
    // `"{}.jpg".format(basename)`: read as the f-string it spells.
    const formatted = target.type === 'call' ? file.callSite(target) : undefined;
    const template = formatted?.method === 'format' ? formatted.callee.childForFieldName('object') : null;
    const templateText = template ? literalString(template) : undefined;
    if (formatted && templateText !== undefined) {
      const composedTemplate = /\w/.test(templateText.replace(/\{[^}]*\}/g, ''));
      return [...formatted.args, ...formatted.keywords.values()].some((value) => (!composedTemplate || FILE_NAMING.test(value.text)) && namedPartByUser(file, value, integration, depth - 1));
    }
  }
  if (listedName(file, target)) return false;
  const names = (target.type === 'identifier' ? [target] : descendants(target, ['identifier'])).map((name) => name.text);
  // Constants (upper case) are the integration's, except option keys (`config[CONF_FILENAME]`).
  return names.some((name) => (!/^[A-Z][A-Z0-9_]*$/.test(name) || name.startsWith('CONF_')) && /file|path|name|dir|folder/i.test(name) && !ACCOUNT_OR_DEVICE_NAME.test(name));
}

const FILE_NAMING = /file|path|name|dir|folder/i;

/**
 * A name written as text with values in it (`f"activity_{activity_id}.{extension}"`, also through the local it is
 * assigned to), not a value alone.
 */
function composedName(file: FileModel, part: Node): boolean {
  const target = unwrap(part);
  const texts = target.type === 'identifier' ? file.origins(target).map((origin) => (origin.kind === 'expression' ? unwrap(origin.node) : undefined)) : [target];
  return texts.length > 0 && texts.every((text) => text?.type === 'string' && text.namedChildren.some((child) => child.type === 'string_content' && /\w/.test(child.text)));
}

/** Calls and methods that list a folder's entries. */
const FOLDER_LISTING = /(^|\.)(glob\.i?glob|os\.listdir|os\.scandir|glob|rglob|iterdir)$/;

/**
 * The name of a file the code found by listing a folder (`for file_path in glob.glob(...)`, then
 * `os.path.basename(file_path)` or `entry.name`): a name already there, not one the user picks.
 */
function listedName(file: FileModel, part: Node): boolean {
  let target = unwrap(part);
  const site = target.type === 'call' ? file.callSite(target) : undefined;
  const entry = target.type === 'attribute' && /^(name|stem)$/.test(target.childForFieldName('attribute')?.text ?? '') ? target.childForFieldName('object') : null;
  if (site && /(^|\.)os\.path\.basename$/.test(site.name ?? '') && site.args[0]) target = unwrap(site.args[0]);
  else if (entry) target = unwrap(entry);
  if (target.type !== 'identifier') return false;
  const bindings = file.bindingsOf(target);
  return (
    bindings.length > 0 &&
    bindings.every((binding) => {
      const iterable = binding.kind === 'for' && binding.value ? unwrap(binding.value) : undefined;
      const site = iterable?.type === 'call' ? file.callSite(iterable) : undefined;
      return site !== undefined && FOLDER_LISTING.test(site.name ?? site.method ?? '');
    })
  );
}

/**
 * A user, host or device name in a path (`f"{config_path}.{slugify(username)}"`) tells whose file the integration
 * keeps, as an entry id would; it does not let the user pick the file.
 */
const ACCOUNT_OR_DEVICE_NAME = /^(CONF_)?_?(user|host|device|account|login|friendly|display|entity|unique)_?name$/i;

/**
 * `def write_asset(hass, filename, ...)` that every caller hands a literal name (`"hub-key.pem"`) or one it composes
 * (`f"day_{now.date()}"`), or a parameter of its own that every caller hands one (`get_path(name)` called from
 * `write(name, obj)`): the integration's.
 */
function namedByItsCallers(file: FileModel, part: Node, integration: IntegrationModel, depth = 3): boolean {
  if (part.type !== 'identifier' || depth <= 0) return false;
  const origins = file.origins(part);
  if (origins.length !== 1 || origins[0].kind !== 'parameter' || !origins[0].scope) return false;
  const handed = callerArguments(file, origins[0].scope, part.text, integration);
  // `write_json(f"day_{now.date()}", rows)`: a name the caller composes from what is no file name of the user's.
  const composedByCaller = (caller: FileModel, node: Node) => composedName(caller, node) && !namedPartByUser(caller, node, integration, depth - 1);
  // `self.save_image(str(int(time.time())), data)`: a value the caller computes from no name at all.
  const computedByCaller = (caller: FileModel, node: Node) => unwrap(node).type === 'call' && !namedPartByUser(caller, node, integration, depth - 1);
  return handed.length > 0 && handed.every(({ file: caller, node }) => literalString(unwrap(node)) !== undefined || namedByItsCallers(caller, unwrap(node), integration, depth - 1) || composedByCaller(caller, node) || computedByCaller(caller, node));
}

/** The file and folder names (string literals and constants) a path expression is built from. */
export function literalNames(file: FileModel, expression: Node, integration: IntegrationModel, depth = 3): Set<string> {
  const names = new Set<string>();
  if (depth <= 0) return names;
  for (const origin of file.origins(expression)) {
    // A parameter is named by what its callers hand it (also through the executor).
    if (origin.kind === 'parameter' && origin.scope && origin.name) {
      for (const argument of callerArguments(file, origin.scope, origin.name, integration)) {
        for (const name of literalNames(argument.file, argument.node, integration, depth - 1)) names.add(name);
      }
      continue;
    }
    for (const node of [origin.node, ...descendants(origin.node, ['string', 'identifier'])]) {
      if (node.type === 'string') {
        const text = literalString(node);
        if (text && /[\w.-]/.test(text) && !/\s/.test(text)) names.add(text);
        // `f".storage/trips.{entry.entry_id}.json"`: the literal pieces name the file as well as a plain string would.
        if (text === undefined) for (const piece of node.namedChildren) if (piece.type === 'string_content' && /\w\w/.test(piece.text) && !/\s/.test(piece.text)) names.add(piece.text);
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
