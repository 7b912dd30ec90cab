import type { Node, SyntaxTree } from '../python/syntaxTree';
import { contains, dottedName, literalString, unwrap } from '../python/syntax';
import { HA_CONSTANTS, homeAssistantConstant } from './haConstants';

/**
 * What one Python file says about itself: its imports and aliases, module constants, functions, call sites,
 * and the local assignments of each scope, so rules can ask what a name refers to and where a value came from.
 * Built lazily from a tree the caller owns; it never outlives that tree.
 */

export interface CallSite {
  node: Node;
  callee: Node;
  /** The callee as a dotted name with imports resolved (`sp.run` -> `subprocess.run`), when it has one. */
  name: string | undefined;
  /** For `x.y(...)` the attribute called (`y`), even when `x` is not a plain name (`Path(p).unlink()`). */
  method: string | undefined;
  args: Node[];
  keywords: Map<string, Node>;
  /** `*args` or `**kwargs` present: arguments may be hidden. */
  hasSplat: boolean;
}

export interface Binding {
  name: string;
  /** The assigned expression; for `for x in xs` the iterable, for `with f() as x` the context expression. */
  value: Node | null;
  kind: 'assign' | 'augmented' | 'for' | 'with' | 'walrus' | 'parameter' | 'import' | 'def';
  /** The statement or parameter node that binds the name. */
  node: Node;
}

export type ScopeNode = Node;

/**
 * The text a constant of another module holds (`const.CONF_SECRET`), or with `entry`, the text its dict of key names
 * holds under that key (`const.CONF["SECRET_KEY"]`).
 */
export type ConstantLookup = (qualifiedName: string, entry?: string) => string | undefined;

/** The node types the file model indexes. */
const INDEXED_TYPES = [
  'call', 'import_statement', 'import_from_statement', 'function_definition', 'class_definition', 'assignment',
  'augmented_assignment', 'named_expression', 'for_statement', 'with_item', 'lambda', 'global_statement',
];
/**
 * Node types several rules visit on every file. Finding a type means scanning every node of the file, so the index
 * scan collects these too and `nodesOfType` hands them out.
 */
const VISITED_TYPES = [
  'default_parameter', 'typed_default_parameter', 'keyword_argument', 'pair', 'comparison_operator', 'while_statement',
  'delete_statement', 'decorated_definition', 'subscript', 'string_start', 'return_statement',
];
const WALKED_TYPES = [...INDEXED_TYPES, ...VISITED_TYPES];
const WALKED = new Set(WALKED_TYPES);
const INDEXED = new Set(INDEXED_TYPES);

/** Where a value may come from, following local assignments. */
/** What a class writes into one `self` attribute (see FileModel.selfAttributeWrites). */
export interface SelfAttributeWrites {
  /** `self.name = value`. */
  values: Node[];
  /** `self.name[key] = value`, with the assignment. */
  keyed: { key: Node; value: Node | null; assignment: Node }[];
  /** Changed in place by a call (`self.name.update(data)`, `setdefault`). */
  mutated: boolean;
  /** What `self.name.update(value)` calls merge in, when every in-place change is one of those. */
  updates: Node[] | undefined;
}

export interface Origin {
  node: Node;
  kind: 'expression' | 'parameter' | 'unknown';
  /** For parameters: the parameter name; the function is `scope`. */
  name?: string;
  scope?: Node;
}

const HASS_HELPERS = /^(self\.)?_?hass\.helpers\.(?=\w+\.\w)/;

/**
 * Libraries reached through a Home Assistant module that imports them (`from homeassistant.util.yaml import loader`,
 * then `loader.yaml.load(...)`): named by the library itself, as its own import would name them.
 */
const REEXPORTED_MODULES: readonly [string, string][] = [['homeassistant.util.yaml.loader.yaml.', 'yaml.']];

function reexported(name: string): string {
  for (const [through, library] of REEXPORTED_MODULES) if (name.startsWith(through)) return library + name.slice(through.length);
  return name;
}

/** What names one kind of value FileModel.derived keeps; each kind is one key object, made by derivedKey. */
export interface DerivedKey<T> {
  readonly description: string;
  /** Only carries the value's type. */
  readonly valueType?: T;
}

export function derivedKey<T>(description: string): DerivedKey<T> {
  return { description };
}

export class FileModel {
  readonly imports = new Map<string, string>();
  /** Top-level `NAME = value` (the last assignment wins). */
  readonly constants = new Map<string, Node>();
  readonly functions: Node[] = [];
  readonly classes: Node[] = [];
  readonly calls: CallSite[] = [];
  /** Modules this file imports every public name of (`from .const import *`), by absolute module name. */
  readonly starImports: string[] = [];
  /** The names `starImports` bound in `imports`, so that the next binding replaces them (see bindStarImports). */
  private readonly starBound = new Set<string>();
  private readonly bindingsByScope = new Map<number, Map<string, Binding[]>>();
  private readonly callByNodeId = new Map<number, CallSite>();
  private readonly moduleDefinitions = new Set<string>();
  private readonly derivedValues = new Map<DerivedKey<unknown>, unknown>();

  constructor(
    readonly path: string,
    readonly text: string,
    readonly tree: SyntaxTree,
    /** Dotted module path inside the integration (`custom_components.acme.const`), for relative imports. */
    readonly moduleName: string = '',
  ) {
    this.index();
  }

  get root(): Node {
    return this.tree.rootNode;
  }

  /**
   * While indexing: the functions, lambdas and classes around the current capture, innermost last. Captures come in
   * document order, so this stack answers "which scope, and is it a class body" without walking up each node.
   */
  private enclosing: Node[] = [];
  private enclosingEnds: number[] = [];
  private enclosingClasses: boolean[] = [];

  private index(): void {
    const nodes = this.root.descendantsOfType(WALKED_TYPES);
    const pendingCalls: Node[] = [];
    for (const type of WALKED_TYPES) this.walked.set(type, []);
    for (const node of nodes) {
      const type = node.type;
      this.walked.get(type)!.push(node);
      this.walkOrder.push(node);
      if (!INDEXED.has(type)) continue;
      const start = node.startIndex;
      while (this.enclosingEnds.length > 0 && this.enclosingEnds[this.enclosingEnds.length - 1] <= start) {
        this.enclosingEnds.pop();
        this.enclosing.pop();
        this.enclosingClasses.pop();
      }
      switch (type) {
        case 'call':
          pendingCalls.push(node);
          break;
        case 'import_statement':
        case 'import_from_statement':
          this.addImport(node);
          break;
        case 'function_definition':
          this.functions.push(node);
          this.addBinding({ name: node.childForFieldName('name')?.text ?? '', value: null, kind: 'def', node });
          this.addParameters(node);
          this.enter(node, type);
          break;
        case 'lambda':
          this.enter(node, type);
          break;
        case 'global_statement': {
          const scope = this.currentScope();
          for (const name of node.namedChildren) if (name?.type === 'identifier') this.declaredGlobal.add(`${scope.id}:${name.text}`);
          break;
        }
        case 'class_definition':
          this.classes.push(node);
          this.addBinding({ name: node.childForFieldName('name')?.text ?? '', value: null, kind: 'def', node });
          this.enter(node, type);
          break;
        case 'assignment':
          this.addAssignment(node);
          break;
        case 'augmented_assignment': {
          const left = node.childForFieldName('left');
          if (left?.type === 'identifier') {
            this.addBinding({ name: left.text, value: node.childForFieldName('right'), kind: 'augmented', node });
          }
          break;
        }
        case 'named_expression': {
          const target = node.childForFieldName('name');
          if (target) this.addBinding({ name: target.text, value: node.childForFieldName('value'), kind: 'walrus', node });
          break;
        }
        case 'for_statement': {
          const left = node.childForFieldName('left');
          const right = node.childForFieldName('right');
          for (const target of left ? identifiersIn(left) : []) {
            this.addBinding({ name: target.text, value: right, kind: 'for', node });
          }
          break;
        }
        case 'with_item': {
          const value = node.childForFieldName('value');
          if (value?.type === 'as_pattern') {
            const alias = value.childForFieldName('alias');
            const context = value.namedChild(0);
            for (const target of alias ? identifiersIn(alias) : []) {
              this.addBinding({ name: target.text, value: context, kind: 'with', node });
            }
          }
          break;
        }
      }
    }
    this.enclosing = [];
    this.enclosingEnds = [];
    this.enclosingClasses = [];
    // Home Assistant's own constants are known without its source; other modules' names come from the integration.
    if (this.starImports.includes('homeassistant.const')) {
      for (const qualified of HA_CONSTANTS.keys()) {
        const name = qualified.slice('homeassistant.const.'.length);
        if (!this.imports.has(name) && !this.moduleDefinitions.has(name)) this.imports.set(name, qualified);
      }
    }
    // Calls are resolved after every import is known (imports may follow their first use in a function).
    for (const node of pendingCalls) {
      const site = this.toCallSite(node);
      this.calls.push(site);
      this.callByNodeId.set(node.id, site);
    }
  }

  private enter(container: Node, type: string): void {
    this.enclosing.push(container);
    this.enclosingEnds.push(container.endIndex);
    this.enclosingClasses.push(type === 'class_definition');
  }

  /** The scope of the capture being indexed: the innermost enclosing function or lambda, else the module. */
  private currentScope(): ScopeNode {
    for (let index = this.enclosing.length - 1; index >= 0; index--) {
      if (!this.enclosingClasses[index]) return this.enclosing[index];
    }
    return this.root;
  }

  /** Whether the capture being indexed sits directly in a class body. */
  private inClassBody(): boolean {
    return this.enclosingClasses[this.enclosingClasses.length - 1] === true;
  }

  private addImport(node: Node): void {
    if (node.type === 'import_statement') {
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'dotted_name') {
          // `import os.path` binds `os`.
          const first = child.text.split('.')[0];
          this.imports.set(first, first);
          this.addBinding({ name: first, value: null, kind: 'import', node });
        } else if (child.type === 'aliased_import') {
          const name = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (name && alias) {
            this.imports.set(alias, name);
            this.addBinding({ name: alias, value: null, kind: 'import', node });
          }
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    const module = this.absoluteModule(moduleNode);
    if (node.namedChildren.some((child) => child.type === 'wildcard_import')) this.starImports.push(module);
    for (const child of node.childrenForFieldName('name')) {
      if (!child) continue;
      let name: string | undefined;
      let alias: string | undefined;
      if (child.type === 'aliased_import') {
        name = child.childForFieldName('name')?.text;
        alias = child.childForFieldName('alias')?.text;
      } else {
        name = child.text;
        alias = name;
      }
      if (!name || !alias) continue;
      this.imports.set(alias, module ? `${module}.${name}` : name);
      this.addBinding({ name: alias, value: null, kind: 'import', node });
    }
  }

  /** Resolves `from .const import X` against this file's module path; absolute modules pass through. */
  private absoluteModule(moduleNode: Node): string {
    if (moduleNode.type !== 'relative_import') return moduleNode.text;
    const text = moduleNode.text;
    const dots = text.length - text.replace(/^\.+/, '').length;
    const rest = text.slice(dots);
    const packageParts = this.moduleName ? this.moduleName.split('.').slice(0, -1) : [];
    const base = packageParts.slice(0, Math.max(0, packageParts.length - (dots - 1)));
    return [...base, ...(rest ? [rest] : [])].join('.') || rest;
  }

  private addAssignment(node: Node): void {
    // `a = b = value` nests assignments on the right. The outermost one walks the chain once and binds every target
    // to the final value; handling each link separately would walk the rest of the chain again (quadratic in its
    // length, and chains of hundreds exist).
    if (node.parent?.type === 'assignment') return;
    const links: { assignment: Node; left: Node }[] = [];
    let value: Node | null = node;
    while (value?.type === 'assignment') {
      const left = value.childForFieldName('left');
      if (left) links.push({ assignment: value, left });
      value = value.childForFieldName('right');
    }
    const scope = this.currentScope();
    const inClassBody = this.inClassBody();
    for (const { assignment, left } of links) {
      if (left.type === 'identifier') {
        this.addBinding({ name: left.text, value, kind: 'assign', node: assignment }, scope, inClassBody);
        if (value && scope.type === 'module') this.constants.set(left.text, value);
      } else if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
        // Tuple unpacking: the value of each name is unknown, but it flows from the right side.
        for (const target of identifiersIn(left)) {
          this.addBinding({ name: target.text, value, kind: 'assign', node: assignment }, scope, inClassBody);
        }
      }
    }
  }

  private addParameters(fn: Node): void {
    const parameters = fn.childForFieldName('parameters');
    if (!parameters) return;
    for (const parameter of parameters.namedChildren) {
      if (!parameter) continue;
      const nameNode =
        parameter.type === 'identifier'
          ? parameter
          : parameter.childForFieldName('name') ?? parameter.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      if (!nameNode || nameNode.type !== 'identifier') continue;
      const scope = this.bindingsFor(fn);
      const list = scope.get(nameNode.text) ?? [];
      list.push({ name: nameNode.text, value: parameter.childForFieldName('value'), kind: 'parameter', node: parameter });
      scope.set(nameNode.text, list);
    }
  }

  /** Binds a name in the scope of the capture being indexed (for a def or class: the scope containing it). */
  private addBinding(binding: Binding, scope: ScopeNode = this.currentScope(), inClassBody = this.inClassBody()): void {
    if (!binding.name) return;
    // `global DB_PATH` in a function: its assignments set the module's name, which every function then reads.
    if (scope.type !== 'module' && this.declaredGlobal.has(`${scope.id}:${binding.name}`)) {
      scope = this.root;
      inClassBody = false;
    }
    // A method or class attribute (`def open(self)` of a lock entity) does not rebind the builtin of that name.
    if (scope.type === 'module' && !inClassBody && (binding.kind === 'def' || binding.kind === 'assign' || binding.kind === 'import')) {
      this.moduleDefinitions.add(binding.name);
    }
    const bindings = this.bindingsFor(scope);
    const list = bindings.get(binding.name) ?? [];
    list.push(binding);
    bindings.set(binding.name, list);
  }

  private bindingsFor(scope: Node): Map<string, Binding[]> {
    let bindings = this.bindingsByScope.get(scope.id);
    if (!bindings) {
      bindings = new Map();
      this.bindingsByScope.set(scope.id, bindings);
    }
    return bindings;
  }

  private toCallSite(node: Node): CallSite {
    const callee = node.childForFieldName('function') ?? node;
    const method = callee.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
    return new IndexedCallSite(node, callee, this.qualifiedName(callee), method);
  }

  /**
   * For a call that runs a function later with the arguments given after it (`hass.async_add_executor_job(save_json,
   * path, data)`, `loop.run_in_executor(None, f, x)`, `functools.partial(f, x)`): that later call, `save_json(path,
   * data)`, placed at the deferring call.
   */
  deferredCall(site: CallSite): CallSite | undefined {
    const index = (site.method !== undefined ? DEFERRING_METHODS.get(site.method) : undefined) ?? (site.name !== undefined ? DEFERRING_NAMES.get(site.name) : undefined);
    const given = index === undefined ? undefined : site.args[index];
    if (index === undefined || !given) return undefined;
    const callee = unwrap(given);
    return {
      node: site.node,
      callee,
      name: this.qualifiedName(callee),
      method: callee.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined,
      args: site.args.slice(index + 1),
      keywords: site.name === 'functools.partial' ? site.keywords : new Map(),
      hasSplat: site.hasSplat,
    };
  }

  private withDeferred: CallSite[] | undefined;

  /** Every call, each deferring one followed by the call it defers (see `deferredCall`). */
  get callsWithDeferred(): readonly CallSite[] {
    this.withDeferred ??= this.calls.flatMap((site) => {
      const deferred = this.deferredCall(site);
      return deferred ? [site, deferred] : [site];
    });
    return this.withDeferred;
  }

  /** The call site for a `call` node of this file. */
  callSite(node: Node): CallSite | undefined {
    return this.callByNodeId.get(node.id);
  }

  /** Calls whose resolved name satisfies `match` (a set of exact names, or a predicate). */
  callsTo(match: ReadonlySet<string> | ((name: string) => boolean)): CallSite[] {
    const test = typeof match === 'function' ? match : (name: string) => match.has(name);
    return this.calls.filter((site) => site.name !== undefined && test(site.name));
  }

  /**
   * A dotted name for an expression of names and attributes, with the leading name resolved through imports:
   * `sp.run` -> `subprocess.run`, `aiohttp_client.async_get_clientsession` ->
   * `homeassistant.helpers.aiohttp_client.async_get_clientsession`. Names defined in this module are left as they are.
   */
  qualifiedName(node: Node): string | undefined {
    const dotted = dottedName(node);
    if (dotted === undefined) return undefined;
    // `hass.helpers.event.async_track_time_interval(...)`: older code reached the helpers through the hass object.
    const throughHass = HASS_HELPERS.exec(dotted);
    if (throughHass) return `homeassistant.helpers.${dotted.slice(throughHass[0].length)}`;
    const dot = dotted.indexOf('.');
    const imported = this.imports.get(dot < 0 ? dotted : dotted.slice(0, dot));
    if (imported === undefined) return dotted;
    return reexported(dot < 0 ? imported : imported + dotted.slice(dot));
  }

  private readonly selfWritesCache = new Map<number, Map<string, SelfAttributeWrites>>();

  /** What the methods of class `cls` write into `self.name`; read in one pass over the class, once. */
  selfAttributeWrites(cls: Node, name: string): SelfAttributeWrites {
    let byName = this.selfWritesCache.get(cls.id);
    if (!byName) {
      byName = new Map();
      this.selfWritesCache.set(cls.id, byName);
      const writesOf = (attribute: string) => {
        let writes = byName!.get(attribute);
        if (!writes) byName!.set(attribute, (writes = { values: [], keyed: [], mutated: false, updates: [] }));
        return writes;
      };
      const selfName = (node: Node | null) => (node?.type === 'attribute' && node.childForFieldName('object')?.text === 'self' ? node.childForFieldName('attribute')?.text : undefined);
      for (const assignment of cls.descendantsOfType('assignment')) {
        const left = assignment.childForFieldName('left');
        const right = assignment.childForFieldName('right');
        const whole = selfName(left);
        if (whole !== undefined && right) writesOf(whole).values.push(right);
        const keyed = left?.type === 'subscript' ? selfName(left.childForFieldName('value')) : undefined;
        const key = keyed !== undefined ? left!.childForFieldName('subscript') : null;
        if (keyed !== undefined && key) writesOf(keyed).keyed.push({ key, value: right, assignment });
      }
      for (const call of cls.descendantsOfType('call')) {
        const callee = call.childForFieldName('function');
        const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text ?? '' : '';
        const target = IN_PLACE_CHANGES.test(method) ? selfName(callee!.childForFieldName('object')) : undefined;
        if (target === undefined) continue;
        const writes = writesOf(target);
        writes.mutated = true;
        const args = call.childForFieldName('arguments')?.namedChildren.filter((child) => child !== null && child.type !== 'comment') ?? [];
        if (method === 'update' && args.length === 1 && args[0]!.type !== 'keyword_argument' && args[0]!.type !== 'dictionary_splat') writes.updates?.push(args[0]!);
        else writes.updates = undefined;
      }
    }
    return byName.get(name) ?? { values: [], keyed: [], mutated: false, updates: [] };
  }

  /** The module-level function this file defines under `name`, when it defines exactly one and does not import the name. */
  moduleFunction(name: string): Node | undefined {
    if (this.imports.has(name)) return undefined;
    let found: Node | undefined;
    for (const fn of this.functions) {
      if (fn.childForFieldName('name')?.text !== name || !definedInModuleBody(fn)) continue;
      if (found) return undefined;
      found = fn;
    }
    return found;
  }

  /** What a function returns: the values of its own return statements (not those of functions nested in it). */
  returnedValues(fn: Node): Node[] {
    const values: Node[] = [];
    for (const statement of fn.descendantsOfType('return_statement')) {
      const value = statement.namedChild(0);
      if (value && this.enclosingFunction(statement)?.id === fn.id) values.push(value);
    }
    return values;
  }

  /**
   * What the function around `name` puts into the local list it names (`items.append(x)`, `.extend(xs)`,
   * `.insert(0, x)`), in document order, each with the call that adds it.
   */
  listAdditions(name: Node): { value: Node; call: Node }[] {
    const scope = this.enclosingFunction(name);
    if (!scope || !this.mentions(LIST_ADDING)) return [];
    const added: { value: Node; call: Node }[] = [];
    for (const site of this.calls) {
      if (!site.method || !LIST_ADDING_METHODS.has(site.method) || site.callee.childForFieldName('object')?.text !== name.text) continue;
      if (this.enclosingFunction(site.node)?.id !== scope.id) continue;
      const value = site.method === 'insert' ? site.args[1] : site.args[0];
      if (value) added.push({ value, call: site.node });
    }
    return added;
  }

  /** The first import (local name, qualified name) whose qualified name is `match` or matches it. */
  importOf(match: string | RegExp): [string, string] | undefined {
    for (const [local, qualified] of this.imports) if (typeof match === 'string' ? qualified === match : match.test(qualified)) return [local, qualified];
    return undefined;
  }

  /**
   * The names `from <this module> import *` binds, each with what it refers to: the names listed in a literal
   * `__all__`, else every public module-level name. A name this module imported refers to what it imported.
   */
  starExports(): Map<string, string> {
    const listed = this.constants.get('__all__');
    const names =
      listed && (listed.type === 'list' || listed.type === 'tuple')
        ? listed.namedChildren.map((item) => literalString(item)).filter((name): name is string => name !== undefined)
        : [...this.moduleDefinitions, ...this.starBound].filter((name) => !name.startsWith('_'));
    return new Map(names.map((name) => [name, this.imports.get(name) ?? `${this.moduleName}.${name}`]));
  }

  /**
   * Binds what this file's star imports bring in (the integration knows the other modules: see buildIntegration),
   * replacing what an earlier binding brought, as the other module may have changed since. A name this module binds
   * itself keeps its meaning. Call sites naming a name that changed are resolved again. Says whether anything changed.
   */
  bindStarImports(names: ReadonlyMap<string, string>): boolean {
    const changed = new Set<string>();
    for (const name of this.starBound) {
      if (names.get(name) === this.imports.get(name)) continue;
      this.imports.delete(name);
      this.starBound.delete(name);
      changed.add(name);
    }
    for (const [name, qualified] of names) {
      if (this.imports.has(name) || this.moduleDefinitions.has(name)) continue;
      this.imports.set(name, qualified);
      this.starBound.add(name);
      changed.add(name);
    }
    if (changed.size === 0) return false;
    for (const site of this.calls) {
      const dotted = dottedName(site.callee);
      if (dotted !== undefined && changed.has(dotted.split('.')[0])) (site as IndexedCallSite).name = this.qualifiedName(site.callee);
    }
    this.withDeferred = undefined;
    return true;
  }

  /**
   * Called once the integration has bound every star import (each build binds them afresh, from none): values
   * derived from this file are forgotten if a star import now binds a name to something else than at the last build.
   */
  settleStarBindings(): void {
    const bindings = [...this.starBound].sort().map((name) => `${name}=${this.imports.get(name)}`).join('\n');
    if (bindings === this.settledStarBindings) return;
    this.settledStarBindings = bindings;
    this.derivedValues.clear();
  }

  private settledStarBindings = '';

  /**
   * A value computed from this file alone, kept with the file's model: the editor keeps the models of the files that
   * were not edited from one keystroke to the next, and their derived values with them. Forgotten when a star import
   * binds a name to something else (settleStarBindings), since names may then resolve differently.
   */
  derived<T>(key: DerivedKey<T>, compute: () => T): T {
    if (this.derivedValues.has(key)) return this.derivedValues.get(key) as T;
    const value = compute();
    this.derivedValues.set(key, value);
    return value;
  }

  /**
   * A keyword argument handed over inside a `**` spread: `run(cmd, **{"shell": True})`, or `**options` where the
   * local `options` is only ever one dict literal (`{"shell": True}`) or `dict(shell=True)`. Keywords written out in
   * the call are `call.keywords`; this is only what the spreads say.
   */
  spreadKeyword(call: CallSite, name: string): Node | undefined {
    if (!call.hasSplat) return undefined;
    for (const argument of call.node.childForFieldName('arguments')?.namedChildren ?? []) {
      const spread = argument.type === 'dictionary_splat' ? argument.namedChild(0) : null;
      if (!spread) continue;
      const origins = spread.type === 'identifier' ? this.origins(spread) : [{ kind: 'expression' as const, node: spread }];
      if (origins.length !== 1 || origins[0].kind !== 'expression') continue;
      const value = unwrap(origins[0].node);
      if (value.type === 'dictionary') {
        for (const pair of value.namedChildren) {
          const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
          if (key && literalString(key) === name) return pair.childForFieldName('value') ?? undefined;
        }
      } else if (value.type === 'call' && this.callSite(value)?.name === 'dict') {
        const found = this.callSite(value)!.keywords.get(name);
        if (found) return found;
      }
    }
    return undefined;
  }

  /**
   * The decorators of a function or class definition, each with the name it calls, imports resolved
   * (`@websocket_api.require_admin` -> `homeassistant.components.websocket_api.require_admin`, `@dataclass(frozen=True)`
   * -> `dataclasses.dataclass`), and the decorator's expression.
   */
  decoratorsOf(definition: Node): { name: string | undefined; expression: Node }[] {
    if (definition.parent?.type !== 'decorated_definition') return [];
    return definition.parent.namedChildren
      .filter((child) => child.type === 'decorator')
      .map((decorator) => {
        const expression = unwrap(decorator.namedChild(0) ?? decorator);
        const callee = expression.type === 'call' ? expression.childForFieldName('function') : expression;
        return { name: callee ? this.qualifiedName(callee) : undefined, expression };
      });
  }

  /** True when `name` is not rebound by this module, so it still means the Python builtin. */
  isBuiltin(name: string): boolean {
    return !this.imports.has(name) && !this.moduleDefinitions.has(name);
  }

  /** The function, lambda or module whose local scope holds names used at `node`. */
  scopeOf(node: Node): ScopeNode {
    for (let current = node.parent; current; current = current.parent) {
      if (current.type === 'function_definition' || current.type === 'lambda' || current.type === 'module') return current;
    }
    return this.root;
  }

  /** The function definition enclosing `node`, if any. */
  enclosingFunction(node: Node): Node | undefined {
    for (let current = node.parent; current; current = current.parent) if (current.type === 'function_definition') return current;
    return undefined;
  }

  /**
   * Whether a function around `node` binds `name` (a local variable, a parameter), hiding the module's. The climb
   * stops at the tree's root whatever its type: a file that fails to parse as a whole has an ERROR root.
   */
  isBoundAround(node: Node, name: string): boolean {
    for (let scope = this.scopeOf(node); scope.id !== this.root.id; scope = this.scopeOf(scope)) {
      if (this.bindingsIn(scope).has(name)) return true;
    }
    return false;
  }

  /** The names bound in a scope (function or module), each with every binding in document order. */
  bindingsIn(scope: ScopeNode): ReadonlyMap<string, Binding[]> {
    return this.bindingsByScope.get(scope.id) ?? new Map();
  }

  /**
   * The bindings an identifier use may see: those of its own scope (preferring the ones before the use),
   * else the module's. Class bodies are skipped, as in Python.
   */
  bindingsOf(identifier: Node): readonly Binding[] {
    // Rules following values ask about the same identifiers many times over.
    let found = this.bindingsOfCache.get(identifier.id);
    if (!found) {
      found = this.findBindings(identifier);
      this.bindingsOfCache.set(identifier.id, found);
    }
    return found;
  }

  private readonly bindingsOfCache = new Map<number, Binding[]>();
  /** `scope id:name` for each name a function declares `global`. */
  private readonly declaredGlobal = new Set<string>();

  private findBindings(identifier: Node): Binding[] {
    const name = identifier.text;
    const own = this.scopeOf(identifier);
    let scope: Node | null = own;
    while (scope) {
      const bindings = this.bindingsByScope.get(scope.id)?.get(name);
      if (bindings && bindings.length > 0) {
        // A function reads an outer name when it runs, after any of the outer scope's bindings, wherever written.
        if (scope.id !== own.id) return this.reaching(identifier, own, bindings);
        // `name = hass.config.path(name)` reads the name before binding it again: its own value holds an earlier one.
        const before = bindings.filter((binding) => binding.node.startIndex < identifier.startIndex && !(binding.value && contains(binding.value, identifier)));
        return before.length > 0 ? this.reaching(identifier, own, before) : bindings;
      }
      if (scope.type === 'module') break;
      scope = scope.parent ? this.scopeOf(scope) : null;
    }
    return [];
  }

  /**
   * `token = ""` run on every path to the use, in the same function: what was bound before it no longer reaches
   * the use (`DB_PATH = new_path` then `log(DB_PATH)`, for a global too). Bindings between that assignment and the
   * use, in branches, still may.
   */
  private reaching(identifier: Node, own: ScopeNode, bindings: Binding[]): Binding[] {
    let latest: Binding | undefined;
    for (const binding of bindings) {
      if (binding.kind !== 'assign' || (latest && binding.node.startIndex <= latest.node.startIndex)) continue;
      if (this.alwaysRunsBefore(binding.node, identifier, own)) latest = binding;
    }
    if (!latest) return bindings;
    const from = latest.node.startIndex;
    return bindings.filter((binding) => binding === latest || (binding.node.startIndex > from && binding.node.startIndex < identifier.startIndex && this.scopeOf(binding.node).id === own.id));
  }

  /** Whether the statement holding `node` runs, and ends, before `use` on every path through the function `own`. */
  private alwaysRunsBefore(node: Node, use: Node, own: ScopeNode): boolean {
    let statement: Node = node;
    while (statement.parent && statement.parent.type !== 'block' && statement.parent.type !== 'module') {
      if (statement.parent.type === 'function_definition' || statement.parent.type === 'lambda' || statement.parent.type === 'class_definition') return false;
      statement = statement.parent;
    }
    const block = statement.parent;
    if (!block || statement.endIndex > use.startIndex || block.startIndex > use.startIndex || block.endIndex < use.endIndex) return false;
    // The block holds the use, in the same function: nothing but an exception leaves it between the two.
    return this.scopeOf(statement).id === own.id;
  }

  /**
   * Where the value of `expression` may come from: identifiers are followed through local assignments
   * (transitively, up to `depth`), parameters and unknown names are reported as such.
   */
  origins(expression: Node, depth = 6): Origin[] {
    const result: Origin[] = [];
    const seen = new Set<number>();
    const visit = (node: Node, remaining: number): void => {
      const target = unwrap(node);
      if (seen.has(target.id)) return;
      seen.add(target.id);
      if (target.type !== 'identifier' || remaining <= 0) {
        result.push({ node: target, kind: 'expression' });
        return;
      }
      const bindings = this.bindingsOf(target);
      if (bindings.length === 0) {
        result.push({ node: target, kind: 'unknown', name: target.text });
        return;
      }
      for (const binding of bindings) {
        if (binding.kind === 'parameter') {
          const fn = binding.node.parent?.parent ?? undefined;
          result.push({ node: binding.node, kind: 'parameter', name: binding.name, scope: fn ?? undefined });
        } else if (binding.value && binding.kind !== 'def' && binding.kind !== 'import') {
          visit(binding.value, remaining - 1);
        } else {
          result.push({ node: target, kind: 'unknown', name: target.text });
        }
      }
    };
    visit(expression, depth);
    return result;
  }

  /**
   * The string an expression certainly holds: a literal, a module constant, or a Home Assistant constant
   * imported from `homeassistant.const` (`CONF_PASSWORD` is "password"). `lookup` resolves constants of
   * other modules of the integration (`from .const import CONF_SECRET`), and entries of their dicts of key names.
   */
  stringValue(expression: Node, lookup?: ConstantLookup, depth = 4): string | undefined {
    const target = unwrap(expression);
    const literal = literalString(target);
    if (literal !== undefined) return literal;
    if (depth <= 0) return undefined;
    if (target.type === 'identifier') {
      const imported = this.imports.get(target.text);
      if (imported !== undefined) {
        const known = homeAssistantConstant(imported);
        if (known !== undefined) return known;
        return lookup?.(imported);
      }
      const constant = this.constants.get(target.text);
      if (constant) return this.stringValue(constant, lookup, depth - 1);
      return undefined;
    }
    if (target.type === 'attribute') {
      const qualified = this.qualifiedName(target);
      if (qualified !== undefined) {
        const known = homeAssistantConstant(qualified);
        if (known !== undefined) return known;
        return lookup?.(qualified);
      }
    }
    // `CONF["SECRET_KEY"]`: an entry of a module's dict of key names.
    const object = target.type === 'subscript' ? target.childForFieldName('value') : null;
    const key = target.type === 'subscript' ? target.childForFieldName('subscript') : null;
    if (object?.type === 'identifier' && key) {
      const keyText = this.stringValue(key, lookup, depth - 1);
      if (keyText === undefined) return undefined;
      const imported = this.imports.get(object.text);
      if (imported !== undefined) return lookup?.(imported, keyText);
      const constant = this.constants.get(object.text);
      return constant ? this.dictionaryEntry(constant, keyText, lookup, depth - 1) : undefined;
    }
    return undefined;
  }

  /** The text a dict literal (`{"SECRET_KEY": "secret_key"}`) holds under `key`, if it holds text there. */
  dictionaryEntry(dictionary: Node, key: string, lookup?: ConstantLookup, depth = 3): string | undefined {
    const node = unwrap(dictionary);
    if (node.type !== 'dictionary' || depth <= 0) return undefined;
    for (const pair of node.namedChildren) {
      if (pair.type !== 'pair') continue;
      const pairKey = pair.childForFieldName('key');
      const value = pair.childForFieldName('value');
      if (pairKey && value && this.stringValue(pairKey, lookup, depth - 1) === key) return this.stringValue(value, lookup, depth - 1);
    }
    return undefined;
  }

  /**
   * Test code (`test_*.py`, `*_test.py`, `conftest.py`, a `tests/` folder), judged inside the integration for its
   * files, so that an integration that happens to live under some `test/` folder is still analysed.
   */
  get isTestFile(): boolean {
    const parts = this.moduleName ? this.moduleName.split('.').slice(2) : this.path.replace(/\\/g, '/').split('/');
    const name = (parts[parts.length - 1] ?? '').replace(/\.py$/, '');
    return /^test_|_test$|^conftest$/.test(name) || parts.slice(0, -1).some((part) => part === 'tests' || part === 'test');
  }

  /** The nodes of each walked type, in document order, from the index walk. */
  private readonly walked = new Map<string, Node[]>();
  private readonly walkOrder: Node[] = [];

  /** The walked nodes of the given types, all in one document order, each with its type. */
  walkedInOrder(types: ReadonlySet<string>): { node: Node; type: string }[] {
    const found: { node: Node; type: string }[] = [];
    for (const node of this.walkOrder) {
      const type = node.type;
      if (types.has(type)) found.push({ node, type });
    }
    return found;
  }
  private readonly nodesCache = new Map<string, Node[]>();

  /**
   * Every node of the given types in document order, shared by all rules: one walked type comes from the index walk,
   * other lists from one scan each, remembered.
   */
  nodesOfType(...types: string[]): readonly Node[] {
    if (types.length === 1 && WALKED.has(types[0])) return this.walked.get(types[0])!;
    const key = types.join(' ');
    let nodes = this.nodesCache.get(key);
    if (!nodes) {
      nodes = this.root.descendantsOfType(types);
      this.nodesCache.set(key, nodes);
    }
    return nodes;
  }

  /**
   * The outermost string literals (an implicit concatenation counts as one) whose source text holds a match of
   * `hint`, in document order, docstrings included. Rules looking for a textual pattern search the text first and
   * visit only these few strings instead of every string of the file; `hint` must match inside any string the rule
   * could report.
   */
  stringsContaining(hint: RegExp): Node[] {
    const global = new RegExp(hint.source, hint.flags.includes('g') ? hint.flags : `${hint.flags}g`);
    const found = new Map<number, Node>();
    for (const match of this.text.matchAll(global)) {
      let node: Node | null = this.root.descendantForIndex(match.index);
      while (node && node.type !== 'string') {
        // Past a statement the hit was in a comment or code, not in a literal.
        if (node.type.endsWith('statement') || node.type === 'module' || node.type === 'block') node = null;
        else node = node.parent;
      }
      if (!node) continue;
      if (node.parent?.type === 'concatenated_string') node = node.parent;
      found.set(node.id, node);
    }
    return [...found.values()].sort((a, b) => a.startIndex - b.startIndex);
  }

  private readonly mentionsCache = new Map<RegExp, boolean>();

  /**
   * Whether the source text matches `pattern` (not global, not sticky). A cheap guard before walking the tree: a
   * construct whose own text matches can only sit in a file whose text does, so a miss skips the walk safely.
   */
  mentions(pattern: RegExp): boolean {
    let found = this.mentionsCache.get(pattern);
    if (found === undefined) {
      found = pattern.test(this.text);
      this.mentionsCache.set(pattern, found);
    }
    return found;
  }

  /**
   * The text of one line, without its line break: the pieces `text.split(/\r?\n/)` would give, cut one at a time
   * (splitting a whole file for a line or two made a good part of an edit's garbage). Empty past the last line.
   */
  lineText(line: number): string {
    const starts = this.tree.lineStarts;
    if (line < 0 || line >= starts.length) return '';
    const start = starts[line];
    if (line + 1 === starts.length) return this.text.slice(start);
    const end = starts[line + 1] - 1;
    return this.text.slice(start, end > start && this.text.charCodeAt(end - 1) === CARRIAGE_RETURN ? end - 1 : end);
  }

  /** How many lines `lineText` numbers (a text ending in a line break ends with an empty line). */
  get lineCount(): number {
    return this.tree.lineStarts.length;
  }

  /** The indentation the file uses for one level (four spaces unless the file says otherwise). */
  get indentUnit(): string {
    for (let index = 0; index < this.lineCount; index++) {
      const match = /^([ \t]+)\S/.exec(this.lineText(index));
      if (match) return match[1].startsWith('\t') ? '\t' : match[1].length <= 4 ? match[1] : '    ';
    }
    return '    ';
  }
}

const CARRIAGE_RETURN = 13;
const IN_PLACE_CHANGES = /^(update|setdefault|__setitem__)$/;

/**
 * A call of the file, its arguments sorted out on first use: most calls are passed over on their name alone, and
 * sorting every call's arguments up front made a good part of each analysis's garbage.
 */
class IndexedCallSite implements CallSite {
  private sorted: { args: Node[]; keywords: Map<string, Node>; hasSplat: boolean } | undefined;

  constructor(
    readonly node: Node,
    readonly callee: Node,
    /** Resolved again when the integration binds a star import (FileModel.bindStarImports). */
    public name: string | undefined,
    readonly method: string | undefined,
  ) {}

  get args(): Node[] {
    return this.arguments().args;
  }

  get keywords(): Map<string, Node> {
    return this.arguments().keywords;
  }

  get hasSplat(): boolean {
    return this.arguments().hasSplat;
  }

  private arguments(): { args: Node[]; keywords: Map<string, Node>; hasSplat: boolean } {
    if (this.sorted) return this.sorted;
    const argumentList = this.node.childForFieldName('arguments');
    const sorted = { args: [] as Node[], keywords: new Map<string, Node>(), hasSplat: false };
    if (argumentList && argumentList.type === 'argument_list') {
      for (const argument of argumentList.namedChildren) {
        if (argument.type === 'comment') continue;
        if (argument.type === 'keyword_argument') {
          const name = argument.childForFieldName('name')?.text;
          const value = argument.childForFieldName('value');
          if (name && value) sorted.keywords.set(name, value);
        } else if (argument.type === 'list_splat' || argument.type === 'dictionary_splat') {
          sorted.hasSplat = true;
        } else {
          sorted.args.push(argument);
        }
      }
    } else if (argumentList) {
      sorted.args.push(argumentList);
    }
    this.sorted = sorted;
    return sorted;
  }
}

const LIST_ADDING_METHODS = new Set(['append', 'extend', 'insert']);
const LIST_ADDING = /\.(append|extend|insert)\(/;

/** Methods that call the function at this argument position later, with the arguments after it. */
const DEFERRING_METHODS = new Map([['async_add_executor_job', 0], ['async_add_job', 0], ['add_job', 0], ['run_in_executor', 1], ['submit', 0]]);
const DEFERRING_NAMES = new Map([['asyncio.to_thread', 0], ['functools.partial', 0]]);

/**
 * Whether a definition is a module's own (`def f():` at the top level, also decorated or under an `if` or `try`), not
 * a method in a class body nor a function nested in another.
 */
function definedInModuleBody(definition: Node): boolean {
  for (let current = definition.parent; current; current = current.parent) {
    if (current.type === 'module') return true;
    if (current.type === 'class_definition' || current.type === 'function_definition' || current.type === 'lambda') return false;
  }
  return true;
}

/** Whether a statement sits directly in a class body (not inside a method of that class). */
export function isInClassBody(statement: Node): boolean {
  for (let current = statement.parent; current; current = current.parent) {
    if (current.type === 'class_definition') return true;
    if (current.type === 'function_definition' || current.type === 'lambda' || current.type === 'module') return false;
  }
  return false;
}

/**
 * The names a target binds: `a`, each name of `a, (b, *c)`. A subscript or attribute in a target
 * (`(attrs[KEY], self.area) = ...`) stores into an object and binds no name.
 */
function identifiersIn(node: Node): Node[] {
  if (node.type === 'identifier') return [node];
  if (!TARGET_GROUPS.has(node.type)) return [];
  return node.namedChildren.flatMap((child) => (child ? identifiersIn(child) : []));
}

const TARGET_GROUPS = new Set(['as_pattern_target', 'pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'parenthesized_expression', 'list_splat_pattern', 'list_splat', 'expression_list']);
