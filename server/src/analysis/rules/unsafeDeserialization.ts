import type { Node } from '../python/syntaxTree';
import { removeArgument, replaceNode } from '../fixes';
import type { CallSite, FileModel } from '../model/fileModel';
import { literalString, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix } from '../types';

/** Loaders that rebuild arbitrary Python objects from their input. */
const PICKLE_LIKE = new Set([
  'pickle.load', 'pickle.loads', 'pickle.Unpickler', 'cPickle.load', 'cPickle.loads', 'cPickle.Unpickler',
  '_pickle.load', '_pickle.loads', 'dill.load', 'dill.loads', 'marshal.load', 'marshal.loads', 'shelve.open',
  'jsonpickle.decode', 'jsonpickle.loads', 'pandas.read_pickle', 'joblib.load', 'cloudpickle.load', 'cloudpickle.loads',
]);

const YAML_UNSAFE_ALWAYS = new Set(['yaml.unsafe_load', 'yaml.unsafe_load_all', 'yaml.full_load', 'yaml.full_load_all']);
const YAML_LOADER_CALLS = new Set(['yaml.load', 'yaml.load_all']);
/** PyYAML's safe loaders, and Home Assistant's (`homeassistant.util.yaml.loader`), which derive from them. */
const SAFE_LOADERS = new Set(['SafeLoader', 'CSafeLoader', 'BaseLoader', 'CBaseLoader', 'SafeLineLoader', 'FastSafeLoader', 'PythonSafeLoader']);
const SAFE_CALLS = new Set(['yaml.safe_load', 'yaml.safe_load_all', 'json.load', 'json.loads', 'orjson.loads']);

export const unsafeDeserialization: Rule = {
  meta: {
    id: 'unsafe-deserialization',
    checklist: 'unsafe-deserialization',
    severity: 'error',
    fix: 'safe',
    cwe: 502,
    banditIds: ['B301', 'B302', 'B506'],
    description: 'Deserializing with pickle, marshal, shelve or an unsafe YAML loader can run code hidden in the data.',
    docs: `Loaders such as \`pickle\`, \`marshal\`, \`shelve\`, \`dill\`, \`jsonpickle\` and PyYAML's full or unsafe
loaders rebuild Python objects from their input, and rebuilding an object can call any function the data names.
A file, a device response or a cloud payload that an attacker can influence then runs code inside Home Assistant.

**Fix:** store and exchange JSON (\`json.loads\`, Home Assistant's \`load_json\` helpers), and read YAML with
\`yaml.safe_load\` or \`Loader=yaml.SafeLoader\`. The quick fix turns \`yaml.load(...)\` into \`yaml.safe_load(...)\`.
A loader class of the module is judged by its bases: one derived from \`yaml.Loader\` (or the full or unsafe
loader) is reported, without the rewrite, since \`safe_load\` would drop what it adds; derive it from
\`yaml.SafeLoader\` instead.

Bad:
\`\`\`python
settings = yaml.load(text, Loader=yaml.FullLoader)
cache = pickle.loads(await store_file.read())
\`\`\`

Good:
\`\`\`python
settings = yaml.safe_load(text)
cache = json.loads(await store_file.read())
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    // `hass.async_add_executor_job(pickle.loads, data)`, `partial(yaml.load, text, Loader=yaml.UnsafeLoader)`: the
    // loader a later call runs, with what it is handed (callsWithDeferred lists that call too).
    for (const call of file.callsWithDeferred) {
      const name = call.name;
      if (!name) continue;
      if (SAFE_CALLS.has(name)) {
        context.markUsed();
      } else if (PICKLE_LIKE.has(name)) {
        context.markUsed();
        const module = name.split('.')[0];
        context.report(call.callee, `\`${name}\` can execute code embedded in the data it loads; use JSON (or another data-only format) instead of ${module}.`);
      } else if (YAML_UNSAFE_ALWAYS.has(name)) {
        context.markUsed();
        context.report(call.callee, `\`${name}\` builds arbitrary Python objects from YAML; use \`yaml.safe_load\`.`, {
          fix: yamlSafeFix(call, name),
        });
      } else if (YAML_LOADER_CALLS.has(name)) {
        context.markUsed();
        const loader = call.keywords.get('Loader') ?? call.args[1];
        const kind = loader ? loaderKind(file, loader) : 'unsafe';
        if (kind !== 'unsafe') continue;
        const subclass = loader !== undefined && localLoaderClass(file, loader) !== undefined;
        const detail = !loader ? 'without a safe Loader' : subclass ? `with \`${loader.text}\`, a subclass of an unsafe loader,` : `with \`${loader.text}\``;
        const advice = subclass ? `derive \`${loader.text}\` from \`yaml.SafeLoader\`` : `use \`yaml.safe_load\` or \`Loader=yaml.SafeLoader\``;
        // safe_load would drop what the subclass adds; deriving it from SafeLoader is the author's change to make.
        context.report(call.callee, `\`${name}\` ${detail} can construct arbitrary Python objects; ${advice}.`, subclass ? {} : { fix: yamlSafeFix(call, name) });
      } else if (name === 'ruamel.yaml.YAML' || name.endsWith('ruamel.yaml.YAML')) {
        const typ = call.keywords.get('typ');
        if (typ && /['"]unsafe['"]/.test(typ.text)) {
          context.markUsed();
          context.report(typ, "ruamel's `typ='unsafe'` loader constructs arbitrary Python objects; use `typ='safe'`.", {
            fix: { title: "Use typ='safe'", safe: true, edits: [replaceNode(typ, typ.text.replace('unsafe', 'safe'))] },
          });
        }
      }
    }
  },
};

function loaderName(file: FileModel, loader: Node): string {
  const qualified = file.qualifiedName(loader) ?? loader.text;
  return qualified.split('.').pop() ?? qualified;
}

/**
 * What a Loader builds: PyYAML's own loaders by name, a loader class of this module by its bases (an unsafe base
 * makes it unsafe whatever it adds), anything else unknown.
 */
function loaderKind(file: FileModel, loader: Node, depth = 3): 'safe' | 'unsafe' | 'unknown' {
  const local = localLoaderClass(file, loader);
  if (local && depth > 0) {
    const kinds = (local.childForFieldName('superclasses')?.namedChildren ?? []).map((base) => loaderKind(file, base, depth - 1));
    return kinds.includes('unsafe') ? 'unsafe' : kinds.includes('safe') ? 'safe' : 'unknown';
  }
  const target = unwrap(loader);
  // `YAML_LOADER = getattr(yaml, "CLoader", yaml.Loader)`, `yaml.CLoader if fast else yaml.Loader`: any loader it may be.
  const choices = depth > 0 ? loaderChoices(file, target) : undefined;
  if (choices) {
    const kinds = choices.map((choice) => loaderKind(file, choice, depth - 1));
    return kinds.includes('unsafe') ? 'unsafe' : kinds.every((kind) => kind === 'safe') ? 'safe' : 'unknown';
  }
  const name = target.type === 'string' ? (literalString(target) ?? '') : loaderName(file, loader);
  if (SAFE_LOADERS.has(name)) return 'safe';
  return /^(C?(Full|Unsafe)?Loader)$/.test(name) ? 'unsafe' : 'unknown';
}

/** The loaders a local name, a conditional or a `getattr(yaml, "Name", default)` may give; undefined for others. */
function loaderChoices(file: FileModel, target: Node): Node[] | undefined {
  if (target.type === 'conditional_expression') return [target.namedChild(0), target.namedChild(2)].filter((choice): choice is Node => choice !== null);
  if (target.type === 'call') {
    const site = file.callSite(target);
    if (site?.name !== 'getattr' || !file.isBuiltin('getattr') || !site.args[1]) return undefined;
    // The attribute named by text is the module's loader of that name: `yaml.CLoader`.
    const named = literalString(unwrap(site.args[1]));
    return [...(named !== undefined ? [site.args[1]] : []), ...(site.args[2] ? [site.args[2]] : [])];
  }
  if (target.type !== 'identifier' || file.imports.has(target.text) || localLoaderClass(file, target)) return undefined;
  const origins = file.origins(target);
  if (origins.length === 0 || origins.some((origin) => origin.kind !== 'expression' || origin.node.id === target.id)) return undefined;
  return origins.map((origin) => unwrap(origin.node));
}

/**
 * `class LineLoader(yaml.Loader)` of this module, when the loader is that name: the class its name is bound to where
 * it is used, at the top level or inside the function that loads.
 */
function localLoaderClass(file: FileModel, loader: Node): Node | undefined {
  const target = unwrap(loader);
  if (target.type !== 'identifier' || file.imports.has(target.text)) return undefined;
  const classes = file.bindingsOf(target).filter((binding) => binding.kind === 'def' && binding.node.type === 'class_definition');
  return classes.length === 1 ? classes[0].node : undefined;
}

/** `yaml.load(x, Loader=...)` -> `yaml.safe_load(x)`, only when the callee is written as an attribute of the module. */
function yamlSafeFix(call: CallSite, name: string): Fix | undefined {
  if (call.callee.type !== 'attribute') return undefined;
  const attribute = call.callee.childForFieldName('attribute');
  if (!attribute || call.hasSplat) return undefined;
  const safeName = name.endsWith('_all') ? 'safe_load_all' : 'safe_load';
  const edits = [replaceNode(attribute, safeName)];
  const loader = call.keywords.get('Loader') ?? call.args[1];
  if (loader) edits.push(removeArgument(loader));
  if (call.args.length === 0) return undefined;
  return { title: `Use yaml.${safeName}`, safe: true, edits };
}
