import type { Node } from '../python/syntaxTree';
import type { CallSite, FileModel } from './fileModel';
import { literalString, unwrap } from '../python/syntax';
import { ASYNC_OPEN, isPathlibOpen, isUnboundPathMethod, WRITING_MODE } from './fileOperations';
import { resolveCallables } from './untrusted';

/** Where a call keeps data beyond the running process. */
export type PersistenceKind = 'store' | 'file';

export interface PersistedData {
  kind: PersistenceKind;
  /** The argument holding what is kept. */
  data: Node;
}

const STORE_SAVES = new Set(['async_save', 'async_delay_save']);
const FILE_WRITERS = /(^|\.)(json\.dump|yaml\.dump|yaml\.safe_dump|pickle\.dump|save_json|write_utf8_file(_atomic)?)$/;

/**
 * What a call writes to a Store or a file: `store.async_save(data)`, `json.dump(data, handle)`, `save_json(path, data)`,
 * `path.write_text(text)`, `handle.write(text)` on a file `open` returned. Undefined for any other call.
 */
export function persistedData(file: FileModel, call: CallSite): PersistedData | undefined {
  if (call.method && STORE_SAVES.has(call.method)) {
    const data = call.args[0] ?? call.keywords.get('data') ?? call.keywords.get('data_func');
    if (!data) return undefined;
    // `store.async_delay_save(self._data_to_save, 10)` keeps what the function returns when it runs.
    return { kind: 'store', data: call.method === 'async_delay_save' ? (savedByFunction(file, data) ?? data) : data };
  }
  let data: Node | undefined;
  if (call.name && FILE_WRITERS.test(call.name)) {
    data = call.name.endsWith('save_json') || call.name.includes('write_utf8') ? call.args[1] : call.args[0];
  } else if (call.method === 'write_text' || call.method === 'write_bytes' || (call.method === 'write' && writesToOpenedFile(file, call.callee))) {
    data = isUnboundPathMethod(file, call) ? call.args[1] : call.args[0];
  } else if (call.method === 'write' && call.args.length === 1 && isOpenedFile(file, call.args[0])) {
    // `config.write(handle)`: a ConfigParser (or the like) writing itself into a file opened for it.
    data = call.callee.childForFieldName('object') ?? undefined;
  }
  return data ? { kind: 'file', data } : undefined;
}

function writesToOpenedFile(file: FileModel, callee: Node): boolean {
  const receiver = callee.childForFieldName('object');
  return receiver !== null && isOpenedFile(file, receiver);
}

/** A handle `open` (or pathlib's open, in a writing mode) returned. */
function isOpenedFile(file: FileModel, handle: Node): boolean {
  return file.origins(handle).some((origin) => {
    const node = unwrap(origin.node);
    if (node.type !== 'call') return false;
    const site = file.callSite(node);
    const name = site?.name ?? '';
    // pathlib's open only in a writing mode: other objects' open() (a device, a connection) also hand back writers.
    const pathlibWrite = site !== undefined && isPathlibOpen(file, site, name) && WRITING_MODE.test(literalString(site.keywords.get('mode') ?? site.args[0] ?? node) ?? '');
    return (name === 'open' && file.isBuiltin('open')) || ASYNC_OPEN.has(name) || name.endsWith('.open_text') || pathlibWrite;
  });
}

/** What a function handed to `async_delay_save` returns: a lambda's body, or the return of a method of the class. */
function savedByFunction(file: FileModel, reference: Node): Node | undefined {
  const target = unwrap(reference);
  if (target.type === 'lambda') return target.childForFieldName('body') ?? undefined;
  const [method] = resolveCallables(file, target);
  return method ? method.file.returnedValues(method.node)[0] : undefined;
}
