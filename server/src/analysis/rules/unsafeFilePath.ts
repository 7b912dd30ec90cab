import type { Node } from '../python/syntaxTree';
import { addImport, replaceNode } from '../fixes';
import { isConstantExpression, mayBeNone } from '../model/constness';
import type { CallSite, FileModel } from '../model/fileModel';
import { decodedLiteral, programArguments } from '../model/commandLine';
import { FILE_OPERATIONS, isUnboundPathMethod, programPathArguments } from '../model/fileOperations';
import type { IntegrationModel } from '../model/integration';
import { selfAttributeValues } from '../model/secretFlow';
import { isSameValue, knownKeyGuard } from '../model/knownKeys';
import { callerArguments, callsTextReshapingHelper, distantUntrustedSource, isAdministratorFormInput, isFixedChoice, resolveCallables, serviceFieldValidators } from '../model/untrusted';
import { comparisonParts, descendants, interpolations, leavesBlock, parameterAnnotation, unwrap } from '../python/syntax';
import type { FileContext, ReportOptions, Rule } from '../rule';
import type { Fix, TextEdit } from '../types';
import { baseName, excerpt } from '../text';

/** Path methods that touch the file system through their receiver. */
const PATH_METHODS = new Set([
  'open', 'read_text', 'read_bytes', 'write_text', 'write_bytes', 'unlink', 'mkdir', 'rmdir', 'iterdir', 'touch',
  'rename', 'replace', 'glob', 'rglob',
]);
/** Calls that reduce a value to a safe file name. */
const NAME_SANITIZERS = /(^|\.)(os\.path\.basename|basename|secure_filename|slugify|sanitize_filename)$/;
/** Checks that keep a built path inside its base folder; their presence in the function is the guard. */
const CONTAINMENT_CHECKS = /(\.relative_to|\.is_relative_to|is_allowed_path|os\.path\.commonpath)$/;
/** Home Assistant's checks of one value: a file name without separators, or a path without `..` and `~`. */
const FILENAME_CHECK = /(^|\.)raise_if_invalid_filename$/;
/**
 * `raise_if_invalid_path` lets an absolute path through, and joining an absolute path onto a folder
 * (`os.path.join(base, "/etc")`, `base / "/etc"`) gives that path alone.
 */
const RELATIVE_PATH_CHECK = /(^|\.)raise_if_invalid_path$/;
const JOINS = /(^|\.)(os\.path\.join|posixpath\.join|Path|PurePath|PosixPath)$/;

export const unsafeFilePath: Rule = {
  meta: {
    id: 'unsafe-file-path',
    checklist: 'path-traversal',
    severity: 'error',
    fix: 'suggestion',
    cwe: 22,
    description: 'A file path built from service data, flow input or a request reaches a file operation unchecked.',
    docs: `A file name that comes from a service call, a websocket command, a config flow, a webhook or an HTTP view can contain \`../\` or
be absolute. Joined onto a base folder without a check, \`../../secrets.yaml\` reads or overwrites any file Home
Assistant can reach, including its credentials and its configuration.

Guard the path before using it: keep only the last component with \`Path(name).name\` (or
\`os.path.basename\`), or resolve the joined path and check that it stays inside the base folder
(\`target.resolve().relative_to(base.resolve())\`, \`hass.config.is_allowed_path(str(target))\`,
\`os.path.realpath(target).startswith(base + os.sep)\`), or restrict the
value to a fixed set in the service schema (\`vol.In([...])\`), or go on only when the value is the key of a record the
integration made itself (\`self.items.get(item_id)\`, \`next((i for i in self.items if i["id"] == item_id), None)\`,
\`item_id not in self.items\`, with a return or raise when it is not). Home Assistant's \`raise_if_invalid_filename(name)\`
checks that one value is a bare file name. \`raise_if_invalid_path(value)\` (or the test it makes, written out:
\`if value != sanitize_path(value): raise ...\`, or the value passed through \`sanitize_path\`, which removes them) rejects
\`..\` and \`~\` but not an absolute path, so it is enough
for a value formatted into a path after a folder (\`f"{base}/{value}"\`, \`"{}/{}".format(base, value)\`) but not
for one used as the path itself or joined onto a folder with \`os.path.join\` or \`/\`
(\`os.path.join(base, "/config/secrets.yaml")\` is \`/config/secrets.yaml\`). A check guards the operations that
come after it: a folder created before \`is_allowed_path\` is asked was created wherever the caller pointed. A
\`startswith\` test counts only on a resolved path (\`realpath\`, \`abspath\`, \`normpath\`, \`resolve()\`: otherwise
\`base/../secrets.yaml\` begins with the base) and against the folder with a separator after it; \`startswith(base)\`
alone is reported as a warning, as a sibling folder whose name begins the same way (\`www-private\` next to \`www\`)
passes it.

The value is followed through the integration's own functions: service, webhook and request data through up to
three of them (a handler handing its data to a manager method that passes a folder on twice more), config flow input
through two, and back out of a helper that returns it joined onto a folder (\`def build_path(name): return
os.path.join(BASE, name)\`, also with \`Path\`, \`joinpath\` or \`hass.config.path\`). A check made by a helper of the integration the path is handed to (\`_ensure_within_base(base, path)\`
calling \`relative_to\` and raising) counts as made. A path handed to another program counts like one opened here:
the file \`curl -o\`, \`wget -O\`, \`tar -C\` or ffmpeg (its last argument) writes is as much a file operation as \`open\`, and so is the local file
a library method is given (minio's \`fget_object\`/\`fput_object\`, boto3's \`upload_file\`/\`download_file\`, or any
library call's \`file_path=\`, \`local_path=\`, \`save_path=\`, \`output_path=\`, \`dest_path=\` keyword). One untrusted value
made into paths for several operations of a file (a folder created, then a file written in it, also by a helper it is
handed to) is reported once, at the first: the fix belongs where the value is taken in. A path an administrator types into a config flow's form
(\`user_input\`) is often a setting, such as the folder downloads go to: that is a review asking whether any path is
meant, not a finding. Discovery info reaching a path stays a finding.

Bad:
\`\`\`python
async def handle_export(call):
    path = Path(hass.config.path("exports")) / call.data["filename"]
    await hass.async_add_executor_job(path.write_text, report)
\`\`\`

Good:
\`\`\`python
async def handle_export(call):
    path = Path(hass.config.path("exports")) / Path(call.data["filename"]).name
    await hass.async_add_executor_job(path.write_text, report)
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    // A path checked with is_allowed_path is a path handled, whatever library then opens it.
    if (file.mentions(/is_allowed_path/) && file.calls.some((call) => /(^|\.)is_allowed_path$/.test(call.name ?? call.method ?? '') || call.method === 'is_allowed_path')) context.markUsed();
    // One untrusted value made into paths for several operations (a folder created, then a file written in it) is one
    // flaw with one fix where the value is taken in: reported at its first operation.
    const reportedLeaves = new Set<string>();
    for (const call of file.calls) {
      const targets = pathArguments(file, call);
      if (targets.length === 0) continue;
      context.markUsed();
      // Both ends of a copy or move: the source is read, the destination written.
      // A copy's checked source does not vouch for its unchecked destination: the first path that is not checked.
      const leaves = targets.map((target) => untrustedLeaf(context, target)).filter((leaf): leaf is UntrustedLeaf => leaf !== undefined);
      const unchecked = (leaf: UntrustedLeaf) => !(checkedAround(file, call.node, leaf.node, context.integration) === 'contained' || checkedByEveryCaller(context, leaf.node) || oneOfFixedNames(context, leaf.node));
      const found = leaves.find(unchecked) ?? leaves[0];
      if (!found) continue;
      const leaf = found.node;
      const keys = leafKeys(context, leaf);
      if (keys.every((key) => reportedLeaves.has(key))) continue;
      const report = (message: string, options: ReportOptions) => {
        for (const key of keys) reportedLeaves.add(key);
        context.report(call.node, message, options);
      };
      const check = found.relativeOnly ? strongerCheck(checkedAround(file, call.node, leaf, context.integration), 'relative-only') : checkedAround(file, call.node, leaf, context.integration);
      if (check === 'contained' || checkedByEveryCaller(context, leaf) || oneOfFixedNames(context, leaf)) continue;
      const source = distantUntrustedSource(file, leaf, context.integration);
      if (source && isAdministratorFormInput(source)) {
        // Only an administrator fills in a config flow's form, and a folder typed there is often a setting (where
        // downloads go): a person checks that the integration means to use any path they type, not a name under its own
        // folder. (Discovery info is the network's and stays an error.)
        for (const key of keys) reportedLeaves.add(key);
        context.review(`${baseName(file.path)} uses a path typed into a config flow's form (\`${excerpt(leaf.text, 50)}\`) for a file operation; only an administrator can enter it, so check that any path is meant here, or keep it inside a folder of the integration (hass.config.is_allowed_path, or a resolved path checked against its base).`);
        continue;
      }
      if (check === 'prefix-without-separator') {
        report(`This file path is built from ${source?.description ?? 'untrusted input'} (\`${excerpt(leaf.text, 50)}\`) and checked with startswith against its folder without a trailing separator, which a sibling folder whose name begins the same way also passes; compare against the folder plus os.sep, or use Path.is_relative_to.`, {
          severity: 'warning',
          suggestions: found.named ? nameOnlySuggestion(file, leaf, context.integration) : [],
        });
        continue;
      }
      if (check === 'relative-only') {
        if (!found.whole && !found.joined) continue;
        const how = found.whole ? 'is used as the path itself' : 'is joined onto a folder, which an absolute path replaces';
        report(`This file path is built from ${source?.description ?? 'untrusted input'} (\`${excerpt(leaf.text, 50)}\`), checked only for .. and ~ (as raise_if_invalid_path and sanitize_path do), not for an absolute path, and the value ${how}. Verify the resolved path stays inside its folder, or keep only the file name (Path(x).name).`, {
          suggestions: found.named ? nameOnlySuggestion(file, leaf, context.integration) : [],
        });
        continue;
      }
      report(`This file path is built from ${source?.description ?? 'untrusted input'} (\`${excerpt(leaf.text, 50)}\`) without a check; keep only the file name (Path(x).name) or verify the resolved path stays inside its folder.`, {
        suggestions: found.named ? nameOnlySuggestion(file, leaf, context.integration) : [],
      });
    }
  },
};

/**
 * What one untrusted value is known by, to report it once: the leaf, and for a helper's parameter the leaves its
 * callers pass (`os.makedirs(os.path.dirname(path))` in a handler, then `_write(path, data)` opening it).
 */
function leafKeys(context: FileContext, leaf: Node): string[] {
  const key = (file: FileModel, node: Node) => `${file.path}#${node.id}`;
  const parameters = leaf.type === 'identifier' ? context.file.origins(leaf).filter((origin) => origin.kind === 'parameter') : [];
  if (parameters.length !== 1 || !parameters[0].scope) return [key(context.file, leaf)];
  const passed = callerArguments(context.file, parameters[0].scope, leaf.text, context.integration).flatMap(({ file, node }) => {
    const found = untrustedLeaf({ ...context, file }, node);
    return found ? [key(file, found.node)] : [];
  });
  return passed.length > 0 ? passed : [key(context.file, leaf)];
}

const TWO_PATH_FUNCTIONS = /^(shutil\.(copy|copy2|copyfile|copytree|move)|os\.(rename|replace))$/;

/** The paths a file operation works on: one, or a copy's or move's source and destination. */
function pathArguments(file: FileModel, call: CallSite): Node[] {
  // `hass.async_add_executor_job(shutil.copy, source, destination)`, `loop.run_in_executor(None, Image.open, path)`:
  // the call made later, with the arguments given here.
  const deferred = file.deferredCall(call);
  if (deferred) return pathArguments(file, deferred);
  const name = call.name ?? '';
  if (TWO_PATH_FUNCTIONS.test(name)) {
    const destination = call.args[1] ?? call.keywords.get('dst');
    const source = call.args[0] ?? call.keywords.get('src');
    return [source, destination].filter((path): path is Node => path !== undefined);
  }
  // `create_subprocess_exec("curl", "-o", path, url)`: the child process writes the file.
  const program = programArguments(file, call);
  if (program) return programPathArguments(program, decodedLiteral);
  const one = pathArgument(file, call);
  return one && !isInMemoryBuffer(file, one) ? [one] : [];
}

/** `Image.open(BytesIO(response.content))`: a file object held in memory, no path at all. */
function isInMemoryBuffer(file: FileModel, expression: Node): boolean {
  const origins = file.origins(expression, 2);
  return origins.length > 0 && origins.every(({ node }) => node.type === 'call' && /(^|\.)(BytesIO|StringIO)$/.test(file.callSite(node)?.name ?? ''));
}

/** The path expression a call operates on, if it is a file operation. */
function pathArgument(file: FileModel, call: CallSite): Node | undefined {
  const name = call.name ?? '';
  if (FILE_OPERATIONS.has(name) && (name !== 'open' || file.isBuiltin('open'))) return call.args[0] ?? call.keywords.get('file') ?? call.keywords.get('path');
  // `urlretrieve(url, filename)` writes the download to its second argument.
  if (name === 'urllib.request.urlretrieve') return call.args[1] ?? call.keywords.get('filename');
  if (call.method && PATH_METHODS.has(call.method) && call.callee.type === 'attribute') {
    if (isUnboundPathMethod(file, call)) return call.args[0];
    const receiver = call.callee.childForFieldName('object');
    if (receiver && looksLikePath(file, receiver)) return receiver;
  }
  return libraryPathArgument(file, call);
}

/**
 * Library methods that read or write a local file they are given: minio's `fget_object(bucket, name, file_path)` and
 * `fput_object`, boto3's `upload_file(Filename, ...)` and `download_file(..., Filename)`: the position of the path, and
 * its keyword.
 */
const LIBRARY_PATH_METHODS: ReadonlyMap<string, { position: number; keyword: string }> = new Map([
  ['fget_object', { position: 2, keyword: 'file_path' }],
  ['fput_object', { position: 2, keyword: 'file_path' }],
  ['upload_file', { position: 0, keyword: 'Filename' }],
  ['download_file', { position: 2, keyword: 'Filename' }],
]);

/** Keywords that name a local file path whatever the library (`client.download(url, local_path=...)`). */
const PATH_KEYWORD = /^(file_?path|local_?path|save_?path|download_?path|output_?path|dest(ination)?_?path|target_?path)$/i;

/**
 * The local file a library call works on: a known method's path argument, or a keyword named as a path. Not a call of
 * the integration's own functions, whose file operations are judged where they are made.
 */
function libraryPathArgument(file: FileModel, call: CallSite): Node | undefined {
  const known = call.method ? LIBRARY_PATH_METHODS.get(call.method) : undefined;
  const argument = known ? (call.keywords.get(known.keyword) ?? call.args[known.position]) : [...call.keywords].find(([keyword]) => PATH_KEYWORD.test(keyword))?.[1];
  if (!argument || resolveCallables(file, call.callee, undefined, 2, false).length > 0) return undefined;
  return argument;
}

/** Path methods and attributes that give another path: `Path(__file__).with_name("data.json")`, `path.parent`. */
const PATH_DERIVING = new Set(['with_name', 'with_suffix', 'with_stem', 'joinpath', 'resolve', 'absolute', 'expanduser', 'parent']);

/**
 * Whether a receiver holds a `Path`: built as one, derived from one, a parameter annotated as one (`path: Path`), or
 * what the class keeps in `self._path` from any of these.
 */
function looksLikePath(file: FileModel, receiver: Node, depth = 4): boolean {
  if (depth <= 0) return false;
  return file.origins(receiver).some((origin) => {
    const node = unwrap(origin.node);
    if (origin.kind === 'parameter') return annotatedAsPath(origin.node);
    const derivedFrom = (attribute: Node | null | undefined) =>
      attribute?.type === 'attribute' && PATH_DERIVING.has(attribute.childForFieldName('attribute')?.text ?? '') && looksLikePath(file, attribute.childForFieldName('object')!, depth - 1);
    if (node.type === 'call') return /(^|\.)(pathlib\.)?(Path|PurePath)$/.test(file.callSite(node)?.name ?? '') || derivedFrom(node.childForFieldName('function'));
    if (node.type === 'attribute') return derivedFrom(node) || selfAttributeValues(file, node).some((value) => looksLikePath(file, value, depth - 1));
    return node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '/';
  });
}

/** `path: Path`, `path: Path | None = None`, `path: pathlib.Path`. */
function annotatedAsPath(parameter: Node): boolean {
  // The binding is the parameter node; an identifier inside it is accepted as well.
  const typed = parameter.type === 'identifier' ? parameter.parent : parameter;
  const annotation = typed ? parameterAnnotation(typed) : undefined;
  return annotation !== undefined && annotation.text.split(/[^\w]+/).some((word) => PATH_TYPES.has(word));
}

const PATH_TYPES = new Set(['Path', 'PurePath', 'PosixPath', 'WindowsPath', 'PurePosixPath', 'PureWindowsPath']);

interface UntrustedLeaf {
  node: Node;
  whole: boolean;
  joined: boolean;
  /** The piece names a file inside a folder: joined after it, or after a separator in an f-string (`f"{base}/{name}"`). */
  named: boolean;
  /** Passed through `sanitize_path`, which removes `..` and `~` but leaves an absolute path as it is. */
  relativeOnly?: boolean;
}

/** `f"{base}/{name}"`: a value that follows a separator in a string (an absolute value does not replace what precedes). */
function afterSeparatorInString(piece: Node): boolean {
  const field = piece.parent;
  return field?.type === 'interpolation' && /[\\/]$/.test(field.previousSibling?.text ?? '');
}

/**
 * The first untrusted piece the path is made of that no sanitizer reduced to a bare file name; `whole` when that
 * piece is the entire path, `joined` when it is joined onto a folder after the folder (see RELATIVE_PATH_CHECK).
 */
function untrustedLeaf(context: FileContext, expression: Node, depth = 5, whole = true, joined = false, named = false): UntrustedLeaf | undefined {
  const { file } = context;
  if (depth <= 0) return undefined;
  for (const origin of file.origins(expression)) {
    const node = unwrap(origin.node);
    // A parameter is judged by the name where it is used: its node in the signature may be `name: str = ...`.
    if (origin.kind === 'parameter' && expression.type === 'identifier') {
      if (distantUntrustedSource(file, expression, context.integration)) return { node: expression, whole, joined, named };
      continue;
    }
    if (isSanitized(file, node)) continue;
    const cleaned = node.type === 'call' ? file.callSite(node) : undefined;
    if (cleaned && SANITIZE_PATH.test(cleaned.name ?? '') && cleaned.args[0]) {
      const found = untrustedLeaf(context, cleaned.args[0], depth - 1, whole, joined, named);
      if (found) return { ...found, relativeOnly: true };
      continue;
    }
    for (const piece of piecesOf(file, node, context.integration)) {
      if (piece.id === node.id) {
        // A name is wrapped where its value was assigned; a parameter only where it is used, never in the signature.
        if (distantUntrustedSource(file, node, context.integration)) return { node: expression.type === 'identifier' && origin.kind !== 'parameter' ? node : expression, whole, joined, named };
        continue;
      }
      const after = joinedAfterBase(file, piece);
      const found = untrustedLeaf(context, piece, depth - 1, false, joined || after, named || after || afterSeparatorInString(piece));
      if (found) return found;
    }
  }
  return undefined;
}

/** The parts a path expression is joined from: `/` and `+` operands, f-string values, join/Path/config.path arguments. */
function piecesOf(file: FileModel, node: Node, integration: IntegrationModel | undefined): Node[] {
  if (node.type === 'binary_operator' && ['/', '+'].includes(node.childForFieldName('operator')?.text ?? '')) {
    return [node.childForFieldName('left'), node.childForFieldName('right')].filter((part): part is Node => part !== null);
  }
  if (node.type === 'string' || node.type === 'concatenated_string') return interpolations(node);
  // `"%s/www/%s" % (base, path)`: the values formatted into the text.
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '%' && unwrap(node.childForFieldName('left') ?? node).type === 'string') {
    const values = unwrap(node.childForFieldName('right') ?? node);
    return values.type === 'tuple' ? [...values.namedChildren] : [values];
  }
  // `target.parent`: the folder of a path is made of what the path is.
  if (node.type === 'attribute' && node.childForFieldName('attribute')?.text === 'parent') return [node.childForFieldName('object')!];
  if (node.type === 'call') {
    const site = file.callSite(node);
    const name = site?.name ?? '';
    // `target.with_suffix(".part")`, `Path(folder).glob("*")`: a path made from the receiver (and a new name), or the
    // entries of the receiver folder; a name sanitized in the receiver stays sanitized.
    const receiver = site?.callee.childForFieldName('object');
    if (site?.method && receiver && PATH_FROM_RECEIVER.has(site.method)) return [receiver, ...(site.method === 'with_name' || site.method === 'with_stem' ? site.args : [])];
    // `"{}/www/{}".format(base, path)`: the values formatted into the text.
    if (site?.method === 'format' && receiver && unwrap(receiver).type === 'string') return [...site.args, ...site.keywords.values()];
    if (site && (/(^|\.)(os\.path\.join|join|Path|PurePath|joinpath|config\.path|abspath|normpath|expanduser|dirname|str)$/.test(name) || site.method === 'joinpath')) {
      return site.method === 'joinpath' && site.callee.childForFieldName('object') ? [site.callee.childForFieldName('object')!, ...site.args] : site.args;
    }
    // `self.get_path(name)`, a helper of the integration that joins its arguments onto a folder: made of those, as
    // the same call to os.path.join would be (and a name sanitized before the call stays sanitized).
    if (site && site.args.length > 0 && callsTextReshapingHelper(file, node, integration)) return [...site.args, ...site.keywords.values()];
  }
  return [node];
}

const PATH_FROM_RECEIVER = new Set(['with_suffix', 'with_name', 'with_stem', 'resolve', 'absolute', 'expanduser', 'glob', 'rglob', 'iterdir', 'as_posix']);

function isSanitized(file: FileModel, node: Node): boolean {
  if (node.type === 'attribute' && /^(name|stem)$/.test(node.childForFieldName('attribute')?.text ?? '')) return true;
  if (node.type === 'call') return NAME_SANITIZERS.test(file.callSite(node)?.name ?? '');
  return false;
}

/**
 * A containment check in the function around the use, or made by a function around that one itself, before it
 * defines the function that opens the file (`if not is_allowed_path(path): raise ...` then `def _read(): open(path)`).
 * A check in a sibling handler does not count.
 */
function checkedAround(file: FileModel, node: Node, leaf: Node, integration: IntegrationModel | undefined): PathCheck | undefined {
  const fn = file.enclosingFunction(node);
  if (!fn) return undefined;
  if (knownKeyGuard(file, fn, leaf, node)) return 'contained';
  let found = containmentCheck(file, fn, leaf, integration, (check) => checksBefore(check, node));
  for (let inner = fn, outer = file.enclosingFunction(fn); outer && found !== 'contained'; inner = outer, outer = file.enclosingFunction(outer)) {
    // The inner function runs where it is used (`await hass.async_add_executor_job(_read)`), which may come after a
    // check made below its definition.
    const name = inner.childForFieldName('name');
    const lastUse = name ? Math.max(inner.startIndex, ...descendants(outer, ['identifier']).filter((identifier) => identifier.text === name.text && identifier.id !== name.id && identifier.startIndex > inner.endIndex).map((identifier) => identifier.startIndex)) : inner.startIndex;
    const own = (call: Node) => call.startIndex < lastUse && file.enclosingFunction(call)?.id === outer!.id;
    found = strongerCheck(found, containmentCheck(file, outer, leaf, integration, own));
  }
  return found;
}

/**
 * Whether a check in the same function runs before the file operation: written before it, or in the same statement
 * (`open(path) if is_allowed_path(path) else None`). A folder made before the check (`path.parent.mkdir()`, then `if
 * not is_allowed_path(path): raise`) was made wherever the caller pointed.
 */
function checksBefore(check: Node, operation: Node): boolean {
  if (check.startIndex < operation.startIndex) return true;
  const statement = statementAround(operation);
  return check.startIndex < statement.endIndex;
}

/** The statement a node is part of: the child of the block (or module) around it. */
function statementAround(node: Node): Node {
  let current = node;
  while (current.parent && current.parent.type !== 'block' && current.parent.type !== 'module') current = current.parent;
  return current;
}

/**
 * A helper's parameter (`def _write(path): open(path)`) whose every caller checked what it passes
 * (`if not hass.config.is_allowed_path(target): raise ...` then `async_add_executor_job(_write, target)`).
 */
function checkedByEveryCaller(context: FileContext, leaf: Node): boolean {
  if (leaf.type !== 'identifier') return false;
  const parameters = context.file.origins(leaf).filter((origin) => origin.kind === 'parameter');
  if (parameters.length !== 1 || !parameters[0].scope) return false;
  const passed = callerArguments(context.file, parameters[0].scope, leaf.text, context.integration);
  return (
    passed.length > 0 &&
    passed.every(({ file, node }) => {
      const found = untrustedLeaf({ ...context, file }, node);
      return !found || checkedAround(file, node, found.node, context.integration) === 'contained';
    })
  );
}

/**
 * `call.data["filename"]` of a service whose schema lets the field take only fixed values
 * (`vol.Required("filename"): vol.In(["a.jpg", "b.jpg"])`): the sender picks one of the integration's names.
 */
function oneOfFixedNames(context: FileContext, leaf: Node): boolean {
  const { file, integration } = context;
  return file.origins(leaf).some((origin) => {
    const node = unwrap(origin.node);
    const site = node.type === 'call' ? file.callSite(node) : undefined;
    const data = node.type === 'subscript' ? node.childForFieldName('value') : site?.method === 'get' ? site.callee.childForFieldName('object') : null;
    const keyNode = node.type === 'subscript' ? node.childForFieldName('subscript') : site?.args[0];
    const key = keyNode ? file.stringValue(keyNode, integration?.constantString) : undefined;
    const holder = data?.type === 'attribute' && data.childForFieldName('attribute')?.text === 'data' ? data.childForFieldName('object') : null;
    const parameter = holder?.type === 'identifier' ? file.origins(holder).find((found) => found.kind === 'parameter') : undefined;
    if (key === undefined || !parameter?.scope) return false;
    const validators = serviceFieldValidators(parameter.scope, key, file, integration);
    return validators.length > 0 && validators.every(({ file: owner, node: validator }) => isFixedChoice(owner, validator));
  });
}


/**
 * `contained`: a check that keeps the path in its folder (or the value a bare file name); `relative-only`: only
 * raise_if_invalid_path; `prefix-without-separator`: the resolved path tested with `startswith(base)`, which a
 * sibling folder whose name begins with the base's (`/config/www-private`) passes.
 */
type PathCheck = 'contained' | 'relative-only' | 'prefix-without-separator';

function strongerCheck(a: PathCheck | undefined, b: PathCheck | undefined): PathCheck | undefined {
  return a === 'contained' || b === 'contained' ? 'contained' : (a ?? b);
}

/**
 * A check of the whole path anywhere in `fn` guards it; Home Assistant's raise_if_invalid_* helpers guard only the
 * value they are given, so they count when that is the untrusted `leaf` (or the name it was assigned to).
 */
function containmentCheck(file: FileModel, fn: Node, leaf: Node, integration: IntegrationModel | undefined, counts: (call: Node) => boolean = () => true, depth = 2): PathCheck | undefined {
  let found: PathCheck | undefined;
  for (const node of descendants(fn, ['call'])) {
    if (!counts(node)) continue;
    const site = file.callSite(node);
    if (!site) continue;
    // `_ensure_within_base(base, path)`: a helper of the integration, handed the path, that makes the check itself;
    // also run on the executor (`await hass.async_add_executor_job(self.file_exists, image)`).
    const helperCall = file.deferredCall(site) ?? site;
    if (depth > 0 && helperCall.args.length > 0 && resolveCallables(file, helperCall.callee, integration).some((helper) => helper.node.id !== fn.id && containmentCheck(helper.file, helper.node, leaf, integration, () => true, depth - 1) === 'contained')) return 'contained';
    // `await hass.async_add_executor_job(hass.config.is_allowed_path, path)`: the check run in the executor.
    const job = site.method === 'async_add_executor_job' ? site.args[0] : site.method === 'run_in_executor' ? site.args[1] : undefined;
    if ((CONTAINMENT_CHECKS.test(site.name ?? `.${site.method ?? ''}`) || (job !== undefined && CONTAINMENT_CHECKS.test(job.text))) && !failureIgnored(node) && !checksOnlyFixedPath(file, site, job, integration)) return 'contained';
    if (site.method === 'startswith' && !failureIgnored(node)) {
      const prefixCheck = resolvedPrefixCheck(file, site, leaf);
      if (prefixCheck === 'contained') return 'contained';
      found = strongerCheck(found, prefixCheck);
      continue;
    }
    const name = site.name ?? '';
    // `if path != sanitize_path(path): raise ...`: raise_if_invalid_path written out (it makes the same comparison).
    if (SANITIZE_PATH.test(name) && site.args[0] && isSameValue(file, site.args[0], leaf) && rejectsWhenChanged(file, node, site.args[0])) {
      found = strongerCheck(found, 'relative-only');
      continue;
    }
    const checked = job ? site.args[job === site.args[0] ? 1 : 2] : site.args[0];
    if (!checked || !(FILENAME_CHECK.test(name) || RELATIVE_PATH_CHECK.test(name) || (job && (FILENAME_CHECK.test(job.text) || RELATIVE_PATH_CHECK.test(job.text))))) continue;
    if (!isSameValue(file, checked, leaf)) continue;
    if (FILENAME_CHECK.test(name) || (job && FILENAME_CHECK.test(job.text))) return 'contained';
    found = 'relative-only';
  }
  return found;
}

const SANITIZE_PATH = /(^|\.)sanitize_path$/;

const RESOLVERS = /(^|\.)(os\.path\.(realpath|abspath|normpath)|posixpath\.(realpath|abspath|normpath))$/;

/**
 * `os.path.realpath(os.path.join(base, name)).startswith(base + os.sep)`: a path with its `..` resolved, tested
 * against its folder and a separator, stays in that folder. Without the separator (`startswith(base)`) a sibling
 * folder passes too; without resolving, `base/../secrets.yaml` does.
 */
function resolvedPrefixCheck(file: FileModel, site: CallSite, leaf: Node): PathCheck | undefined {
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  const prefix = site.args[0];
  if (!receiver || !prefix || site.args.length > 1) return undefined;
  const tested = asText(file, unwrap(receiver));
  const resolved = [tested, ...file.origins(tested).map((origin) => asText(file, unwrap(origin.node)))].find((value) => resolvesPath(file, value));
  if (!resolved || !builtFrom(file, resolved, new RegExp(`(^|\\W)${escapeRegExp(leaf.text)}($|\\W)`))) return undefined;
  return endsWithSeparator(file, prefix) ? 'contained' : 'prefix-without-separator';
}

/** Whether an expression, or what its names were assigned, is written with the untrusted value. */
function builtFrom(file: FileModel, value: Node, leafPattern: RegExp, depth = 2): boolean {
  if (leafPattern.test(value.text)) return true;
  if (depth <= 0) return false;
  return [value, ...descendants(value, ['identifier'])]
    .filter((node) => node.type === 'identifier')
    .some((name) => file.origins(name, 1).some((origin) => origin.kind === 'expression' && origin.node.id !== name.id && builtFrom(file, unwrap(origin.node), leafPattern, depth - 1)));
}

/** `x` for `str(x)`: the path the text is of. */
function asText(file: FileModel, value: Node): Node {
  const site = value.type === 'call' ? file.callSite(value) : undefined;
  return site?.name === 'str' && site.args.length === 1 ? unwrap(site.args[0]) : value;
}

/** `os.path.realpath(x)`, `Path(x).resolve()`. */
function resolvesPath(file: FileModel, value: Node): boolean {
  const site = value.type === 'call' ? file.callSite(value) : undefined;
  return site !== undefined && (RESOLVERS.test(site.name ?? '') || site.method === 'resolve');
}

/** `base + os.sep`, `base + "/"`, `f"{base}/"`, `os.path.join(base, "")`, also through a local name. */
function endsWithSeparator(file: FileModel, prefix: Node, depth = 3): boolean {
  const value = unwrap(prefix);
  if (value.type === 'identifier' && depth > 0) {
    const origins = file.origins(value, 1);
    return origins.length > 0 && origins.every((origin) => origin.kind === 'expression' && origin.node.id !== value.id && endsWithSeparator(file, origin.node, depth - 1));
  }
  if (value.type === 'binary_operator' && value.childForFieldName('operator')?.text === '+') {
    const right = value.childForFieldName('right');
    return right !== null && endsWithSeparator(file, right, depth);
  }
  if (/^(os\.sep|os\.path\.sep|posixpath\.sep)$/.test(file.qualifiedName(value) ?? '')) return true;
  if (value.type === 'string') return /[\\/]["']+$/.test(value.text);
  const site = value.type === 'call' ? file.callSite(value) : undefined;
  return site !== undefined && /(^|\.)os\.path\.join$/.test(site.name ?? '') && site.args.length > 1 && /^[rbu]*(""|'')$/i.test(unwrap(site.args[site.args.length - 1]).text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `hass.config.is_allowed_path(base)` where `base` is a folder fixed in the code: it says that folder may be used, not
 * that a name joined onto it stays there. (`relative_to` and its kin are asked of the path built, and always count.)
 */
function checksOnlyFixedPath(file: FileModel, site: CallSite, job: Node | undefined, integration: IntegrationModel | undefined): boolean {
  if (!/(^|\.)(is_allowed_path|commonpath)$/.test(job?.text ?? site.name ?? `.${site.method ?? ''}`)) return false;
  const checked = job ? site.args[job === site.args[0] ? 1 : 2] : site.args[0];
  return checked !== undefined && distantUntrustedSource(file, checked, integration) === undefined && isConstantPath(file, checked, integration);
}

/** A path made only of constants and Home Assistant's config folder: `hass.config.path("exports")`, `BASE / "cache"`. */
function isConstantPath(file: FileModel, path: Node, integration: IntegrationModel | undefined, depth = 3): boolean {
  const node = unwrap(path);
  if (isConstantExpression(file, node, integration)) return true;
  if (depth <= 0) return false;
  if (node.type === 'identifier') {
    const origins = file.origins(node);
    return origins.length > 0 && origins.every((origin) => origin.kind === 'expression' && origin.node.id !== node.id && isConstantPath(file, origin.node, integration, depth - 1));
  }
  if (node.type === 'binary_operator') return [node.childForFieldName('left'), node.childForFieldName('right')].every((side) => side !== null && isConstantPath(file, side, integration, depth - 1));
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  return site !== undefined && (/(^|\.)config\.path$/.test(site.callee.text) || JOINS.test(site.name ?? '')) && site.keywords.size === 0 && site.args.every((argument) => isConstantPath(file, argument, integration, depth - 1));
}

/** `if path != sanitize_path(path): raise ...` (or `return`): the call in a `!=` test against its own argument, which leaves. */
function rejectsWhenChanged(file: FileModel, call: Node, argument: Node): boolean {
  const comparison = call.parent;
  const parts = comparison?.type === 'comparison_operator' ? comparisonParts(comparison) : undefined;
  if (!parts || parts.operator !== '!=') return false;
  const other = unwrap(parts.left).id === call.id ? parts.right : parts.left;
  if (unwrap(other).text !== unwrap(argument).text) return false;
  const branch = comparison!.parent;
  return (branch?.type === 'if_statement' || branch?.type === 'elif_clause') && branch.childForFieldName('condition')?.id === comparison!.id && leavesBlock(branch.childForFieldName('consequence'));
}

/**
 * `if not hass.config.is_allowed_path(path): _LOGGER.warning(...)` and the file opened all the same: a check whose
 * failing branch neither returns nor raises (nor leaves the loop) stops nothing.
 */
function failureIgnored(check: Node): boolean {
  let negated: Node | undefined;
  for (let node = check.parent; node && node.type !== 'block' && node.type !== 'module'; node = node.parent) {
    if (node.type === 'not_operator') negated = node;
    if (node.type !== 'if_statement' && node.type !== 'elif_clause') continue;
    const condition = node.childForFieldName('condition');
    // With an else branch, the file may well be opened only there.
    if (!negated || !condition || unwrap(condition).id !== negated.id || node.childForFieldName('alternative')) return false;
    return !leavesBlock(node.childForFieldName('consequence'));
  }
  return false;
}

/** A part of a path joined onto a folder after the folder, where an absolute value replaces the folder. */
function joinedAfterBase(file: FileModel, part: Node): boolean {
  const parent = part.parent;
  if (parent?.type === 'binary_operator') return parent.childForFieldName('operator')?.text === '/' && parent.childForFieldName('right')?.id === part.id;
  if (parent?.type !== 'argument_list' || parent.parent?.type !== 'call') return false;
  const site = file.callSite(parent.parent);
  if (!site) return false;
  if (site.method === 'joinpath') return site.args.some((arg) => arg.id === part.id);
  return JOINS.test(site.name ?? '') && site.args.slice(1).some((arg) => arg.id === part.id);
}

/**
 * `Path(x).name` for a value joined onto a folder. Not for a value that is the whole path or the folder itself
 * (`output_path` a service call names): cutting that to its last component changes where the file goes, which only
 * the author can judge.
 */
function nameOnlySuggestion(file: FileModel, leaf: Node, integration: IntegrationModel | undefined): Fix[] {
  // A helper's parameter its callers fill (`load_scene_file(hass.config.path("scenes", name))`) may be a whole path:
  // cutting it to its name here would break every caller; the guard belongs where they take the value in.
  if (filledByCallers(file, leaf, integration)) return [];
  // `Path(None)` raises: an optional field (`data.get(ATTR_SUBDIR)`) is tested where it is used, not where it is read.
  if (mayBeNone(file, leaf)) return [];
  const edits: TextEdit[] = [replaceNode(leaf, `Path(${leaf.text}).name`)];
  const pathImport = file.imports.get('Path') === 'pathlib.Path' ? undefined : addImport(file, 'pathlib', 'Path');
  if (file.imports.has('Path') && file.imports.get('Path') !== 'pathlib.Path') return [];
  if (pathImport) edits.push(pathImport);
  return [{ title: 'Keep only the file name (Path(...).name)', safe: false, edits }];
}

function filledByCallers(file: FileModel, leaf: Node, integration: IntegrationModel | undefined): boolean {
  if (leaf.type !== 'identifier') return false;
  return file.origins(leaf).some((origin) => origin.kind === 'parameter' && origin.scope !== undefined && callerArguments(file, origin.scope, leaf.text, integration).length > 0);
}

