import type { Node } from '../python/syntaxTree';
import type { CallSite, FileModel } from './fileModel';

/** Functions whose first argument is a file's path: they open, change or list it. */
export const FILE_OPERATIONS: ReadonlySet<string> = new Set([
  'open', 'io.open', 'aiofiles.open', 'os.open', 'os.remove', 'os.unlink', 'os.rename', 'os.replace', 'os.makedirs',
  'os.mkdir', 'os.rmdir', 'os.listdir', 'os.scandir', 'os.walk', 'os.stat', 'os.lstat', 'os.chmod', 'os.chown', 'os.truncate', 'shutil.copy', 'shutil.copy2',
  'shutil.copyfile', 'shutil.copytree', 'shutil.move', 'shutil.rmtree', 'aiohttp.web.FileResponse',
  'homeassistant.util.json.load_json', 'homeassistant.helpers.json.save_json', 'homeassistant.util.json.save_json',
  'homeassistant.util.yaml.load_yaml', 'homeassistant.util.yaml.save_yaml', 'homeassistant.util.ruamel_yaml.load_yaml',
  'homeassistant.util.ruamel_yaml.save_yaml', 'homeassistant.util.file.write_utf8_file', 'homeassistant.util.file.write_utf8_file_atomic',
  'aiofiles.os.remove', 'aiofiles.os.unlink', 'aiofiles.os.rename', 'aiofiles.os.replace', 'aiofiles.os.makedirs', 'aiofiles.os.mkdir',
  'aiofiles.os.rmdir', 'aiofiles.os.listdir', 'aiofiles.os.scandir', 'aiofiles.os.stat', 'aiofiles.os.walk', 'tarfile.open', 'zipfile.ZipFile', 'sqlite3.connect', 'aiosqlite.connect', 'pandas.read_csv',
  'pandas.read_json', 'pandas.read_excel', 'pandas.read_parquet', 'joblib.load', 'PIL.Image.open', 'cv2.imread',
  'cv2.imwrite', 'anyio.open_file',
]);

/** Async counterparts of the builtin open, taking a path and a mode the same way. */
export const ASYNC_OPEN: ReadonlySet<string> = new Set(['aiofiles.open', 'anyio.open_file']);


/**
 * Options of download, archive and media programs whose value is a file or folder the child process writes or reads:
 * `curl -o <file>`, `wget -O <file>`, `tar -xf <archive> -C <folder>`, the `<output>` of `ffmpeg -i <input> ... <output>` (ffmpeg
 * writes the last argument). A path from a caller handed to one of these is a file operation like `open`, done by
 * another process.
 */
const PROGRAM_PATH_OPTIONS: ReadonlyMap<string, { short: string; long: readonly string[]; lastIsOutput?: boolean }> = new Map([
  ['curl', { short: 'oTK', long: ['--output', '--upload-file', '--config', '--output-dir', '--cookie-jar', '--dump-header'] }],
  ['wget', { short: 'OPoai', long: ['--output-document', '--directory-prefix', '--output-file', '--append-output', '--input-file'] }],
  ['tar', { short: 'fCT', long: ['--file', '--directory', '--files-from'] }],
  ['ffmpeg', { short: '', long: [], lastIsOutput: true }],
]);

/**
 * The items of a program's argument list that name files for the program, given the list as written
 * (`["curl", "-L", "-o", path, url]`): the item after an option that takes a path, clusters such as `-xzf` included.
 * Forms that carry the value inside the word (`--output=x`) hold no separate item to judge and are left out.
 */
export function programPathArguments(items: readonly Node[], literal: (item: Node) => string | undefined): Node[] {
  const program = (items[0] && literal(items[0]))?.split('/').pop();
  const options = program ? PROGRAM_PATH_OPTIONS.get(program) : undefined;
  if (!options) return [];
  const paths: Node[] = [];
  for (let index = 1; index + 1 < items.length; index++) {
    const word = literal(items[index]);
    if (word === undefined) continue;
    const takesPath = word.startsWith('--') ? options.long.includes(word) : /^-[A-Za-z]+$/.test(word) && options.short.includes(word[word.length - 1]);
    if (takesPath) paths.push(items[++index]);
  }
  const output = options.lastIsOutput ? lastOutputArgument(items, literal) : undefined;
  if (output && !paths.includes(output)) paths.push(output);
  return paths;
}

/**
 * `ffmpeg -i in -c copy -y out.mp4`: the output file that closes a media program's argument list (an option's value
 * would follow its option), if the list ends with one.
 */
export function lastOutputArgument(items: readonly Node[], literal: (item: Node) => string | undefined): Node | undefined {
  const last = items[items.length - 1];
  const beforeLast = items.length > 2 ? literal(items[items.length - 2]) : undefined;
  if (!last || items.length < 2 || literal(last)?.startsWith('-')) return undefined;
  return beforeLast === undefined || !/^-(?!y$|n$)/.test(beforeLast) || beforeLast.startsWith('--') ? last : undefined;
}

/**
 * pathlib's open on a path object (`media_file.open("wb")`, `Path(p).open(mode="w")`), which takes the mode first:
 * not a module's open (`gzip.open(name, "wb")`), which takes the path.
 */
export function isPathlibOpen(file: FileModel, call: CallSite, name: string): boolean {
  if (name === '.open') return true;
  if (call.method !== 'open' || call.callee.type !== 'attribute') return false;
  let root = call.callee.childForFieldName('object');
  while (root?.type === 'attribute') root = root.childForFieldName('object');
  return root?.type !== 'identifier' || !file.imports.has(root.text);
}

/**
 * A path method called through its class, as the executor is handed it: `hass.async_add_executor_job(Path.write_bytes,
 * target, data)` runs `Path.write_bytes(target, data)`, whose first argument is the path.
 */
export function isUnboundPathMethod(file: FileModel, call: CallSite): boolean {
  const owner = call.method !== undefined && call.callee.type === 'attribute' ? call.callee.childForFieldName('object') : null;
  return owner !== null && /^pathlib\.(Pure)?(Posix|Windows)?Path$/.test(file.qualifiedName(owner) ?? '');
}

/** A mode string that writes: `"w"`, `"wb"`, `"a"`, `"x"`, `"r+"`. */
export const WRITING_MODE = /^(?=.*[wax+])[rwaxbt+]+$/;
