import type { Node } from '../python/syntaxTree';
import { FILE_WRITERS, fromConfigFolder, joinedBase, libraryKeptFile, literalNames, writtenPath, type UserNamedWrites } from '../model/configFolder';
import { derivedKey, type CallSite, type FileModel } from '../model/fileModel';
import { segmentsOf } from '../model/commandLine';
import { ASYNC_OPEN, isPathlibOpen, WRITING_MODE } from '../model/fileOperations';
import type { IntegrationModel } from '../model/integration';
import { classLineage, isFlowBase, resolveCallables, untrustedSource } from '../model/untrusted';
import { descendants, inScriptMain, literalString, unwrap } from '../python/syntax';
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
  /** For stores: the key's shape (see storeKeyShape), when it can be read. */
  storeKey?: string;
}

/** What async_remove_entry removes: the kinds, and for files the names its removals mention. */
interface Removal {
  kinds: Set<PersistenceKind>;
  fileNames: Set<string>;
  /** A file removal whose target could not be read (a folder loop, a parameter): it may remove anything. */
  removesUnknownFiles: boolean;
  /** The shapes of the keys of the stores removed, while every store removal's key could be read. */
  storeKeys: Set<string>;
  /** A store removal whose store's key could not be read (`self._store.async_remove()`): it may remove any store. */
  removesUnknownStores: boolean;
}

const CLOUDHOOK_CREATE = /(^|\.)async_(get_or_)?create_cloudhook$/;
const REMOVERS: Record<PersistenceKind, (name: string) => boolean> = {
  store: (name) => /(^|\.)async_remove$/.test(name) || /(^|\.)async_remove_store$/.test(name),
  file: (name) => /^((aiofiles\.)?os\.(remove|unlink|rmdir|removedirs)|shutil\.rmtree)$/.test(name) || /\.(unlink|rmdir)$/.test(name) || /(^|\.)async_remove$/.test(name),
  cloudhook: (name) => /(^|\.)async_delete_cloudhook$/.test(name),
};
/** Home Assistant's registries and buses, whose `async_remove` forgets a service, an entity or a device. */
const NOT_PERSISTENCE = /(^|\.)(services|bus|states|config_entries)$|regist/i;

function forgetsRegistration(file: FileModel, site: CallSite): boolean {
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  if (!receiver) return false;
  const target = unwrap(receiver);
  // `er.async_get(hass).async_remove(entity_id)`: the registry as its module hands it out.
  const made = target.type === 'call' ? file.callSite(target)?.name ?? '' : '';
  return NOT_PERSISTENCE.test(target.text) || NOT_PERSISTENCE.test(made);
}
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
it creates there, what curl, wget, tar, unzip or ffmpeg (its last argument) run as an argument list write there; the folder is reached through
\`hass.config.path\`, \`.storage\`, a relative path, the integration's own folder, or a literal \`/config/...\` path,
where Home Assistant OS and the container image keep it), and cloudhooks
(\`async_create_cloudhook\`); not what a module does when run by hand as a script (\`if __name__ == "__main__":\`),
and one store made in several places for the same accounts is reported once. It then checks that \`async_remove_entry\` exists and removes each kind:
\`await store.async_remove()\`, \`os.remove\`/\`Path.unlink\`/\`shutil.rmtree\` (also through
\`hass.async_add_executor_job\`), \`async_delete_cloudhook\`; what \`async_unload_entry\` deletes counts too, since Home Assistant
unloads an entry before removing it (a page written at setup and deleted at unload). Stores are told apart by their keys where both the
store's and the removal's key can be read (\`f"{DOMAIN}.{entry.entry_id}"\` removed, \`f"{DOMAIN}.{entry.entry_id}.history"\`
left behind); a removal whose store cannot be read (\`self._store.async_remove()\`) counts for any store. An integration set up from YAML only (no config flow in
the manifest or the code: an \`async_setup_entry\` left from a template makes no entry) has no config entry, so no
\`async_remove_entry\` can run: its persisted data is put up for review instead. Files the user names
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
    // Set up from YAML only, the integration has no config entry whose removal could run async_remove_entry. (One that
    // defines async_remove_entry is written for entries, wherever they come from: it is judged by what that removes.)
    if (!hasConfigEntries(integration) && !findRemoveEntry(integration)) {
      context.review(`${integration.domain} persists ${persisted.map((item) => KIND_LABEL[item.kind]).filter((label, index, labels) => labels.indexOf(label) === index).join(', ')} but is set up from YAML only, so there is no async_remove_entry to clean it up; check that removing the integration's YAML does not leave the user's data behind.`);
      return;
    }
    const removal = findRemoveEntry(integration);
    const removed: Removal = { kinds: new Set(), fileNames: new Set(), removesUnknownFiles: false, storeKeys: new Set(), removesUnknownStores: false };
    if (removal) removedBy(removal.file, removal.node, integration, removed);
    // Home Assistant unloads an entry before removing it: what unloading deletes (a page written at setup) is gone too.
    const unload = findEntryFunction(integration, 'async_unload_entry');
    if (unload) removedBy(unload.file, unload.node, integration, removed);
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
      // A module run by hand as a script (`if __name__ == "__main__":`) does that part outside Home Assistant.
      if (inScriptMain(call.node)) continue;
      const name = call.name ?? genericClassName(file, call.callee) ?? (call.method ? `.${call.method}` : '');
      if (isStoreConstructor(name, storeClasses)) {
        const key = storeKeyArgument(call);
        found.push({ kind: 'store', file, node: call.node, what: `Store ${key?.text ?? ''}`.trim(), storeKey: key ? storeKeyShape(file, key, integration) : undefined });
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
        // `configuration.yaml`, `automations.yaml`...: Home Assistant's own configuration, edited for the user, never
        // the integration's to delete.
        if ([...names].some((written) => HOME_ASSISTANT_FILES.test(written))) continue;
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

const HOME_ASSISTANT_FILES = /^(configuration|automations|scripts|scenes|secrets|customize|groups|ui-lovelace|known_devices)\.yaml$/;

/** `Store[Any](...)` constructs a Store: the class a parameterised generic names. */
function genericClassName(file: FileModel, callee: Node): string | undefined {
  if (callee.type !== 'subscript') return undefined;
  const value = callee.childForFieldName('value');
  const name = value ? file.qualifiedName(value) : undefined;
  return name && /(^|\.)[A-Z]\w*$/.test(name) ? name : undefined;
}

/**
 * Whether the integration can have config entries: a config flow in the manifest, or a flow handler of its own (an
 * import or discovery flow needs no manifest key). Only a flow makes entries: an `async_setup_entry` left from a
 * template in a YAML-only integration never runs.
 */
function hasConfigEntries(integration: IntegrationModel): boolean {
  if (integration.manifest.configFlow) return true;
  return integration.files.some(
    (file) => baseName(file.path) === 'config_flow.py' || (file.mentions(/Flow/) && file.classes.some((cls) => classLineage(file, cls, integration).outsideBases.some(isFlowBase))),
  );
}

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
  if (((name === 'open' && file.isBuiltin('open')) || ASYNC_OPEN.has(name)) && !/[wax]/.test(mode(1))) return false;
  // `Path(path).open("w")`: pathlib's open takes the mode first.
  if (isPathlibOpen(file, call, name) && !WRITING_MODE.test(mode(0))) return false;
  const pathArgument = writtenPath(file, call, name);
  // Themes, blueprints and frontend files the integration copies in are assets the user may keep using, not data.
  if (pathArgument && /^shutil\./.test(name) && underSharedAssets(file, pathArgument)) return false;
  return pathArgument !== undefined && fromConfigFolder(file, pathArgument, integration, undefined, userNamed);
}

/** Whether a path lies in a shared asset folder: written so, or joined onto a folder that is (`www_dir / "logo.png"`). */
function underSharedAssets(file: FileModel, path: Node, depth = 3): boolean {
  return file.origins(path).some((origin) => {
    if (SHARED_ASSET_FOLDERS.test(origin.node.text)) return true;
    const base = depth > 0 ? joinedBase(file, unwrap(origin.node)) : undefined;
    return base !== undefined && underSharedAssets(file, base, depth - 1);
  });
}

const SHARED_ASSET_FOLDERS = /["'/](themes|blueprints|www|custom_components)\b/;

function findRemoveEntry(integration: IntegrationModel): { file: FileModel; node: Node } | undefined {
  return findEntryFunction(integration, 'async_remove_entry');
}

/** A module-level function of the integration's `__init__.py`. */
function findEntryFunction(integration: IntegrationModel, name: string): { file: FileModel; node: Node } | undefined {
  const init = integration.files.find((file) => /(^|\/)__init__\.py$/.test(file.path) && file.moduleName.split('.').length <= 3);
  if (!init) return undefined;
  const node = init.functions.find((fn) => fn.childForFieldName('name')?.text === name && init.scopeOf(fn).type === 'module');
  if (node) return { file: init, node };
  // `from .cleanup import async_remove_entry`: Home Assistant looks the name up on the package, wherever it is defined.
  const imported = init.imports.get(name);
  return imported ? integration.resolveFunction(imported) : undefined;
}

/** Collects what a function removes, looking into the integration's own helpers it calls (two levels). */
function removedBy(file: FileModel, fn: Node, integration: IntegrationModel, removal: Removal, depth = 2): void {
  for (const node of descendants(fn, ['call'])) {
    const called = file.callSite(node);
    if (!called) continue;
    // `hass.async_add_executor_job(Path(path).unlink, True)`: the call the executor makes, judged like a direct one.
    const deferredRemoval = file.deferredCall(called);
    // The executor call itself only names the removal it makes (`log.unlink`): the deferred call says what is removed.
    for (const site of deferredRemoval ? [deferredRemoval] : [called]) {
      const names = [site.name ?? '', site.method ? `.${site.method}` : '', ...site.args.map((argument) => file.qualifiedName(argument) ?? '')];
      for (const kind of Object.keys(REMOVERS) as PersistenceKind[]) {
        if (!names.some((name) => name && REMOVERS[kind](name))) continue;
        // `store.async_remove()` of a Store removes that store, not the files the integration writes.
        if (kind === 'file' && site.method === 'async_remove' && removesStore(file, site, integration)) continue;
        // `hass.services.async_remove(DOMAIN, name)`, a registry's `async_remove(entity_id)`: nothing persisted goes.
        if (site.method === 'async_remove' && forgetsRegistration(file, site)) continue;
        // `store.async_remove()` as a statement without `await`: the coroutine is made and never run.
        if (kind === 'store' && site.method === 'async_remove' && site.node.parent?.type === 'expression_statement') continue;
        removal.kinds.add(kind);
        if (kind === 'store') noteRemovedStore(file, site, integration, removal);
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
    }
    // The integration's own helpers and methods (`coordinator.async_delete_config()` -> `self._store.async_remove()`).
    if (depth > 0) {
      // Also a helper run on the executor (`hass.async_add_executor_job(_remove_cache, path)`).
      for (const target of [...resolveCallables(file, called.callee, integration), ...(deferredRemoval ? resolveCallables(file, deferredRemoval.callee, integration) : [])]) {
        if (target.node.id !== fn.id) removedBy(target.file, target.node, integration, removal, depth - 1);
      }
    }
  }
}

const ENTRY_VALUE = /\b(entry|config_entry)\.(data|options)\b/;

/** What one finding stands for: a file by its names (else by how its path is written in its module), or a Store. */
function reportKey(item: Persistence): string | undefined {
  // `Store(hass, 1, f"{PREFIX}_{entry.data['username']}")` and `Store(hass, 1, f"{PREFIX}_{username}")` in another
  // function are one store per account: the parts that vary are left out, the constants kept.
  if (item.kind === 'store') return `store:${item.what.replace(/\{([^{}]*)\}/g, (whole, inner: string) => (/^[A-Z][A-Z0-9_]*$/.test(inner.trim()) ? whole : '{}'))}`;
  if (item.kind !== 'file') return undefined;
  if (item.names && item.names.size > 0) return `file:${[...item.names].sort().join('|')}`;
  return item.pathText ? `path:${item.file.path}:${item.pathText}` : undefined;
}

function isRemoved(item: Persistence, removal: Removal): boolean {
  if (!removal.kinds.has(item.kind)) return false;
  // Two stores of which one is removed (`trk.<id>` removed, `trk.<id>.history` left): told apart by their keys.
  if (item.kind === 'store') return removal.removesUnknownStores || item.storeKey === undefined || removal.storeKeys.has(item.storeKey);
  if (item.kind !== 'file' || removal.removesUnknownFiles || !item.names || item.names.size === 0) return true;
  return [...item.names].some((name) => [...removal.fileNames].some((removed) => removed.includes(name) || name.includes(removed)));
}

/** `self._store.async_remove()`, `Store(...).async_remove()`: the receiver is (or is assigned) a Store of the integration. */
function removesStore(file: FileModel, site: CallSite, integration: IntegrationModel): boolean {
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  return receiver !== null && (/(^|[._])store$/i.test(unwrap(receiver).text) || receiverStores(file, receiver, integration).length > 0);
}

/** The Store constructions a receiver is bound to (`store = Store(...)`, or the construction itself). */
function receiverStores(file: FileModel, receiver: Node, integration: IntegrationModel): CallSite[] {
  const classes = storeSubclasses(integration);
  return file.origins(receiver).flatMap((origin) => {
    const value = unwrap(origin.node);
    const constructed = value.type === 'call' ? file.callSite(value) : undefined;
    return constructed !== undefined && isStoreConstructor(constructed.name ?? '', classes) ? [constructed] : [];
  });
}

/** The key argument of a Store construction: `Store(hass, version, key)`. */
function storeKeyArgument(store: CallSite): Node | undefined {
  return store.args[2] ?? store.keywords.get('key');
}

/**
 * The key of the store a removal removes: `Store(hass, 1, key).async_remove()`, `storage.async_remove_store(hass, key)`,
 * or a local bound to a new Store. Any other removal (`self._store.async_remove()`) may remove any store.
 */
function noteRemovedStore(file: FileModel, site: CallSite, integration: IntegrationModel, removal: Removal): void {
  let key: Node | undefined;
  if (/(^|\.)async_remove_store$/.test(site.name ?? '')) {
    key = site.args[1] ?? site.keywords.get('key');
  } else if (site.method === 'async_remove' && site.callee.type === 'attribute') {
    const receiver = site.callee.childForFieldName('object');
    // Bound to one construction only: with several, which store this removes depends on the path taken.
    const stores = receiver ? receiverStores(file, receiver, integration) : [];
    const origins = receiver ? file.origins(receiver).length : 0;
    if (stores.length === 1 && origins === 1) key = storeKeyArgument(stores[0]);
  }
  const shape = key ? storeKeyShape(file, key, integration) : undefined;
  if (shape === undefined) removal.removesUnknownStores = true;
  else removal.storeKeys.add(shape);
}

/**
 * A store key as text, constants read (also from other modules) and every other value as `{}`: `f"{DOMAIN}.{entry.entry_id}"`
 * is `trk.{}` wherever it is written. Undefined when the key is not built from strings here.
 */
function storeKeyShape(file: FileModel, key: Node, integration: IntegrationModel, depth = 2): string | undefined {
  const whole = file.stringValue(key, integration.constantString);
  if (whole !== undefined) return whole;
  // `readings_key(entry.entry_id)`, a function of the module that returns the key: the shape of what it returns.
  const target = unwrap(key);
  const callee = target.type === 'call' ? target.childForFieldName('function') : null;
  const helper = callee?.type === 'identifier' ? file.moduleFunction(callee.text) : undefined;
  const returned = helper ? file.returnedValues(helper) : [];
  if (helper && depth > 0) return returned.length === 1 ? storeKeyShape(file, returned[0], integration, depth - 1) : undefined;
  const segments = segmentsOf(file, key);
  if (!segments) return undefined;
  let shape = '';
  for (const segment of segments) {
    if ('literal' in segment) {
      shape += segment.literal;
      continue;
    }
    const text = file.stringValue(segment.value, integration.constantString);
    // A constant whose value cannot be read here (`DOMAIN` from a module not analysed) could be any text.
    if (text === undefined && /^_?[A-Z][A-Z0-9_]*$/.test(unwrap(segment.value).text.split('.').pop() ?? '')) return undefined;
    shape += text ?? '{}';
  }
  return shape;
}
