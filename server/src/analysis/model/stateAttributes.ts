import type { Node } from '../python/syntaxTree';
import { ancestorOfType, ancestors, contains, descendants, unwrap } from '../python/syntax';
import { derivedKey, type FileModel } from './fileModel';
import { dictAdditionValues } from './secretFlow';
import { methodsOf, resolveCallables } from './untrusted';

/**
 * The entries an entity publishes as state attributes: `extra_state_attributes` properties (returned dicts and
 * `attrs[KEY] = value` assignments), `_attr_extra_state_attributes = {...}`, `hass.states.async_set(...)`
 * attribute dicts and a legacy device tracker's `see(attributes=...)`. State attributes are recorded, shown and
 * exported, so several rules watch what goes in.
 */
export interface AttributeEntry {
  key: Node;
  value: Node | null;
  /** The pair or assignment statement, where a finding points. */
  at: Node;
  /** Whether `at` is a dict pair that a fix can remove with its comma. */
  removable: boolean;
  /** The node whose enclosing class decides what kind of entity this is. */
  owner: Node;
}

export interface AttributeScan {
  /** Whether the file publishes attributes at all. */
  publishes: boolean;
  entries: AttributeEntry[];
  /** Attributes published from a value whose keys cannot be read here (`attributes or {}`, `self._data`). */
  opaque: Node[];
  /**
   * Attributes published from `super().name` of a base class imported from another module (`value` the name that
   * holds them, `bases` the class's imported bases): if those are the integration's own classes, their modules'
   * scans read what they publish; if not, the keys cannot be read here.
   */
  inherited: { value: Node; bases: Node[] }[];
}

/** Several rules read the same file's attributes; computed once per file. */
const ATTRIBUTE_SCAN = derivedKey<AttributeScan>('state attributes');

const RAW_DUMPS = /^(raw|raw_data|rawdata|as_dict|asdict|to_dict|model_dump|__dict__|vars)$/i;

/** `pet.raw_data()`, `device.raw`, `vars(obj)`, `obj.__dict__`: every field an object or a cloud record has. */
function isRawDump(expression: Node): boolean {
  const node = unwrap(expression);
  const callee = node.type === 'call' ? node.childForFieldName('function') : node;
  const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.type === 'identifier' ? callee.text : undefined;
  return name !== undefined && RAW_DUMPS.test(name);
}

export function stateAttributeEntries(file: FileModel): AttributeScan {
  return file.derived(ATTRIBUTE_SCAN, () => scanStateAttributes(file));
}

function scanStateAttributes(file: FileModel): AttributeScan {
  const entries: AttributeEntry[] = [];
  const opaque: Node[] = [];
  const inherited: { value: Node; bases: Node[] }[] = [];
  let publishes = false;
  const resolving = new Set<number>();
  /** The dicts `value` may be; a value that may be something else (not None) has keys this scan cannot read. */
  const fromValue = (value: Node, owner: Node) => {
    // `attributes = {...}`, then `attributes.update(extra)` or `attributes[KEY] = v` before it is published.
    if (unwrap(value).type === 'identifier' && !resolving.has(value.id)) {
      resolving.add(value.id);
      for (const added of dictAdditionValues(file, unwrap(value), undefined)) {
        // At the write: `attributes[KEY] = value`, or `attributes.setdefault(KEY, value)`.
        const at = ancestors(added.node).find((node) => node.type === 'assignment' || node.type === 'call') ?? added.node;
        // `for key in ("firmware_version", "hardware_version"): attributes[key] = ...`: each name the loop goes through.
        if (added.key) for (const key of loopedKeys(file, added.key) ?? [added.key]) entries.push({ key, value: added.node, at, removable: false, owner });
        else fromValue(added.node, owner);
      }
      resolving.delete(value.id);
    }
    for (const origin of file.origins(value)) {
      const node = origin.node;
      // `{k: v for k, v in fields.items() if v is not None}`, `fields` a dict written out: some of its keys.
      const copied = node.type === 'dictionary_comprehension' ? filteredCopy(file, node) : undefined;
      if (node.type === 'dictionary') fromDictionary(node, owner);
      // `super().extra_state_attributes` of a class in this file: its own returns are read where it is defined.
      else if (node.type === 'attribute' && inheritedProperty(file, node)) continue;
      else if (node.type === 'attribute' && importedBases(file, node).length > 0) inherited.push({ value, bases: importedBases(file, node) });
      else if (node.type === 'attribute' && !resolving.has(node.id)) {
        // `return self._attrs`: what the class puts into that attribute, if every write is readable.
        const writes = selfAttributeWrites(file, node);
        if (!writes) {
          opaque.push(value);
          continue;
        }
        resolving.add(node.id);
        for (const assigned of writes.values) fromValue(assigned, owner);
        for (const entry of writes.entries) entries.push({ ...entry, owner });
        resolving.delete(node.id);
      }
      // `attrs = dict()`: an empty dict, filled by the writes read above.
      else if (node.type === 'call' && isEmptyDictCall(file, node)) continue;
      else if (node.type === 'call' && !resolving.has(node.id) && ownFunctionReturns(file, node) !== undefined) {
        // `return to_attributes(self._username, self._pce)`: the dicts a function of this file returns.
        resolving.add(node.id);
        for (const returned of ownFunctionReturns(file, node)!) fromValue(returned, owner);
        resolving.delete(node.id);
      }
      else if (node.type === 'call' && !resolving.has(node.id) && descriptionFieldValues(file, node) !== undefined) {
        // `self.entity_description.attributes_fn(self.coordinator.data)`: what each description gives that field.
        resolving.add(node.id);
        for (const given of descriptionFieldValues(file, node)!) fromValue(given, owner);
        resolving.delete(node.id);
      }
      else if (copied && !resolving.has(node.id)) {
        resolving.add(node.id);
        fromValue(copied, owner);
        resolving.delete(node.id);
      }
      // `{key: account.get(key) for key in ("plan", "owner_email")}`: one entry for each name the loop goes through.
      else if (node.type === 'dictionary_comprehension' && comprehensionKeys(file, node)) {
        const body = node.childForFieldName('body');
        for (const key of comprehensionKeys(file, node)!) entries.push({ key, value: body?.childForFieldName('value') ?? null, at: node, removable: false, owner });
      }
      else if (node.type === 'boolean_operator' || node.type === 'conditional_expression') {
        // `attributes or {}`, `data if data else {}`: each value, not the condition. Once per node: in
        // `attrs = {...} if ok else attrs` the name's values include this very expression.
        if (resolving.has(node.id)) continue;
        resolving.add(node.id);
        const sides = node.type === 'boolean_operator' ? [node.childForFieldName('left'), node.childForFieldName('right')] : [node.namedChild(0), node.namedChild(2)];
        for (const side of sides) if (side) fromValue(side, owner);
        resolving.delete(node.id);
      } else if (node.type !== 'none') opaque.push(value);
    }
  };
  const fromDictionary = (dict: Node, owner: Node) => {
    for (const pair of dict.namedChildren) {
      // `{**sender, "kind": ...}`: the keys of a dict spread in, where they can be read (one that cannot be read is
      // left as it was: a spread of a device's own mapping is the common case, and says nothing to a person).
      const spread = pair?.type === 'dictionary_splat' ? pair.namedChild(0) : null;
      if (spread) {
        const known = opaque.length;
        fromValue(spread, owner);
        // A whole record dumped in (`**pet.raw_data()`, `**vars(device)`) is as unread as when returned whole.
        if (!isRawDump(spread)) opaque.length = known;
        continue;
      }
      if (!pair || pair.type !== 'pair') continue;
      const key = pair.childForFieldName('key');
      if (key) entries.push({ key, value: pair.childForFieldName('value'), at: pair, removable: true, owner });
    }
  };
  // A function of that name spells it in the text; most files have none, and reading every function's name costs.
  for (const fn of file.mentions(STATE_ATTRIBUTES) ? file.functions : []) {
    if (!isAttributesProperty(fn)) continue;
    publishes = true;
    for (const statement of descendants(fn, ['return_statement'])) {
      const value = statement.namedChild(0);
      if (value) fromValue(value, fn);
    }
    for (const assignment of descendants(fn, ['assignment'])) {
      const left = assignment.childForFieldName('left');
      const key = left?.type === 'subscript' ? left.childForFieldName('subscript') : null;
      // `for name in ["email", "account_id"]: attrs[name] = ...`: one entry for each name the loop goes through.
      for (const each of key ? loopedKeys(file, key) ?? [key] : []) entries.push({ key: each, value: assignment.childForFieldName('right'), at: assignment, removable: false, owner: fn });
      // `(attrs[ATTR_TIME], attrs[ATTR_AREA]) = self.status()`: each key, its value one part of what is unpacked.
      if (left && left.type !== 'subscript') {
        for (const target of descendants(left, ['subscript'])) {
          const unpacked = target.childForFieldName('subscript');
          if (unpacked && target.parent?.type !== 'subscript') entries.push({ key: unpacked, value: null, at: assignment, removable: false, owner: fn });
        }
      }
    }
  }
  for (const { target, value, key, at } of attributeWrites(file)) {
    publishes = true;
    if (key && at) entries.push({ key, value, at, removable: false, owner: target });
    else fromValue(value, target);
  }
  for (const call of file.calls) {
    // `hass.states.async_set(entity_id, state, attributes)`, and an event entity's
    // `self._trigger_event(event_type, event_attributes)`, whose attributes become the entity's state attributes.
    const triggered = call.method === '_trigger_event' && call.callee.childForFieldName('object')?.text === 'self';
    // A legacy device tracker's `see(dev_id=..., gps=..., attributes=...)` callback sets the tracker's attributes.
    const seen = SEE_CALLBACK.test(call.method ?? call.callee.text) ? call.keywords.get('attributes') : undefined;
    if (seen) {
      publishes = true;
      fromValue(seen, call.node);
      continue;
    }
    if (!triggered && (!call.name || !/(^|\.)states\.(async_)?set$/.test(call.name))) continue;
    const attributes = triggered ? call.args[1] ?? call.keywords.get('event_attributes') : call.args[2] ?? call.keywords.get('attributes');
    if (!attributes) continue;
    publishes = true;
    fromValue(attributes, call.node);
  }
  return { publishes, entries, opaque, inherited };
}

const STATE_ATTRIBUTES = /state_attributes|get_extra_attributes|capability_attributes/;

/** `dict()`: a new, empty dict. */
function isEmptyDictCall(file: FileModel, call: Node): boolean {
  const site = file.callSite(call);
  return site !== undefined && site.name === 'dict' && file.isBuiltin('dict') && site.args.length === 0 && site.keywords.size === 0;
}

/**
 * The values a function or method defined in this file returns, for a call of it (`to_attributes(...)`,
 * `self._attributes()`, `Util.to_attributes(...)` of a class here): undefined for any other call.
 */
function ownFunctionReturns(file: FileModel, call: Node): Node[] | undefined {
  const callee = call.childForFieldName('function');
  const [definition, ...others] = callee ? resolveCallables(file, callee).filter((target) => target.file === file) : [];
  if (!definition || others.length > 0) return undefined;
  const returned = file.returnedValues(definition.node).filter((value) => unwrap(value).type !== 'none');
  return returned.length > 0 ? returned : undefined;
}

/**
 * For a call of a function an entity description holds (`self.entity_description.attributes_fn(data)`, also read
 * into a local first): what the descriptions written in this file return from that field, the bodies of their
 * lambdas and the returns of the functions they name. Undefined when the call is no such call, or no description here
 * gives the field.
 */
function descriptionFieldValues(file: FileModel, call: Node): Node[] | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  const attributes = callee.type === 'identifier' ? file.origins(callee).map((origin) => unwrap(origin.node)) : [callee];
  const fields = attributes.map((attribute) => (attribute.type === 'attribute' && /(^|_)description$/.test(attribute.childForFieldName('object')?.text.split('.').pop() ?? '') ? attribute.childForFieldName('attribute')?.text : undefined));
  const field = fields[0];
  if (field === undefined || fields.some((other) => other !== field)) return undefined;
  const returned: Node[] = [];
  for (const site of file.calls) {
    const given = /Description$/.test(site.callee.text) ? site.keywords.get(field) : undefined;
    if (!given) continue;
    const target = unwrap(given);
    if (target.type === 'lambda') {
      const body = target.childForFieldName('body');
      if (body) returned.push(body);
    } else if (target.type === 'identifier') {
      const definition = file.moduleFunction(target.text);
      if (!definition) return undefined;
      for (const statement of descendants(definition, ['return_statement'])) if (statement.namedChild(0)) returned.push(statement.namedChild(0)!);
    } else if (target.type !== 'none') return undefined;
  }
  return returned.length > 0 ? returned : undefined;
}

/**
 * For `{k: v for k, v in fields.items() if ...}`, which keeps keys of `fields` as they are, where `fields` is a local
 * dict written out: `fields`. Undefined for a comprehension that makes keys of its own or copies another mapping
 * (the rule reads those keys itself, or asks for a review).
 */
function filteredCopy(file: FileModel, comprehension: Node): Node | undefined {
  const body = comprehension.childForFieldName('body');
  const clauses = comprehension.namedChildren.filter((child) => child.type === 'for_in_clause');
  if (body?.type !== 'pair' || clauses.length !== 1) return undefined;
  const targets = clauses[0].childForFieldName('left');
  const iterable = clauses[0].childForFieldName('right');
  const names = targets?.type === 'pattern_list' || targets?.type === 'tuple_pattern' ? targets.namedChildren.map((target) => target.text) : [];
  if (names.length !== 2 || body.childForFieldName('key')?.text !== names[0]) return undefined;
  const items = iterable && unwrap(iterable).type === 'call' ? unwrap(iterable).childForFieldName('function') : null;
  if (items?.type !== 'attribute' || items.childForFieldName('attribute')?.text !== 'items') return undefined;
  const object = items.childForFieldName('object');
  if (object?.type !== 'identifier') return undefined;
  const origins = file.origins(object);
  return origins.length > 0 && origins.every((origin) => origin.kind === 'expression' && unwrap(origin.node).type === 'dictionary') ? object : undefined;
}

/** The callback a legacy device tracker platform is handed (`see`, `async_see`), however it is kept (`self._see`). */
const SEE_CALLBACK = /^_?(async_)?see$/;

/** `super().name` in a method of a class whose base, defined in this file, has a method or property `name`. */
function inheritedProperty(file: FileModel, attribute: Node): boolean {
  const object = attribute.childForFieldName('object');
  const name = attribute.childForFieldName('attribute')?.text;
  if (object?.type !== 'call' || object.text !== 'super()' || !name) return false;
  const cls = ancestors(attribute).find((node) => node.type === 'class_definition');
  const bases = cls?.childForFieldName('superclasses')?.namedChildren ?? [];
  return bases.some((base) => {
    const parent = base?.type === 'identifier' ? file.classes.find((candidate) => candidate.childForFieldName('name')?.text === base.text) : undefined;
    return parent !== undefined && methodsOf(parent).some((method) => method.childForFieldName('name')?.text === name);
  });
}

/** For `super().name`, the bases of the class around it that come from an import (`from .entity import RouterEntity`). */
function importedBases(file: FileModel, attribute: Node): Node[] {
  const object = attribute.childForFieldName('object');
  if (object?.type !== 'call' || object.text !== 'super()') return [];
  const cls = ancestors(attribute).find((node) => node.type === 'class_definition');
  const bases = cls?.childForFieldName('superclasses')?.namedChildren ?? [];
  return bases.filter((base): base is Node => base?.type === 'identifier' && file.imports.has(base.text));
}

/** The strings a loop variable takes from a literal list or tuple it iterates over, or undefined. */
/** The names a dict comprehension's key goes through, when it is its loop's variable over text written out. */
function comprehensionKeys(file: FileModel, comprehension: Node): Node[] | undefined {
  const key = comprehension.childForFieldName('body')?.childForFieldName('key');
  const clauses = comprehension.namedChildren.filter((child) => child.type === 'for_in_clause');
  if (key?.type !== 'identifier' || clauses.length !== 1 || clauses[0].childForFieldName('left')?.text !== key.text) return undefined;
  const right = clauses[0].childForFieldName('right');
  return right ? textItems(file, right) : undefined;
}

/** The strings a list or tuple written out holds (also through the one name it is bound to); undefined otherwise. */
function textItems(file: FileModel, value: Node): Node[] | undefined {
  let iterable = unwrap(value);
  // `keys = ("plan", "owner_email")`, then `for key in keys`: the tuple the name holds.
  if (iterable.type === 'identifier') {
    const origins = file.origins(iterable);
    if (origins.length === 1 && origins[0].kind === 'expression' && origins[0].node.id !== iterable.id) iterable = unwrap(origins[0].node);
  }
  if (iterable.type !== 'list' && iterable.type !== 'tuple') return undefined;
  const items = iterable.namedChildren.filter((item): item is Node => item !== null && item.type !== 'comment');
  return items.length > 0 && items.every((item) => item.type === 'string') ? items : undefined;
}

function loopedKeys(file: FileModel, key: Node): Node[] | undefined {
  if (key.type !== 'identifier') return undefined;
  const bindings = file.bindingsOf(key);
  // `for attr in [...]` twice in one function: the loop around this use is the one that gives it its value.
  const enclosing = bindings.length > 1 ? bindings.filter((binding) => binding.kind === 'for' && contains(binding.node, key)) : bindings;
  const around = enclosing.length === 1 && bindings.every((binding) => binding.kind === 'for') ? enclosing[0] : undefined;
  if (!around || around.kind !== 'for' || !around.value) return undefined;
  return textItems(file, around.value);
}

/**
 * What a class writes into `self.name`, as attribute entries: whole values (`self._attrs = {...}`) and keys
 * (`self._attrs[KEY] = value`). Undefined when `attribute` is not `self.name` in a class, when nothing is written, or
 * when some write cannot be read (`self._attrs.update(data)`).
 */
function selfAttributeWrites(file: FileModel, attribute: Node): { values: Node[]; entries: Omit<AttributeEntry, 'owner'>[] } | undefined {
  const name = attribute.childForFieldName('attribute')?.text;
  if (attribute.childForFieldName('object')?.text !== 'self' || !name) return undefined;
  const cls = ancestorOfType(attribute, ['class_definition']);
  if (!cls) return undefined;
  const writes = file.selfAttributeWrites(cls, name);
  if (writes.values.length === 0 || writes.mutated) return undefined;
  return { values: writes.values, entries: writes.keyed.map(({ key, value, assignment }) => ({ key, value, at: assignment, removable: false })) };
}

/**
 * `extra_state_attributes`, and in an entity class the older `device_state_attributes` and an override of
 * `state_attributes` (what the entity base class publishes): all end up in the state's attributes.
 */
function isAttributesProperty(fn: Node): boolean {
  const name = fn.childForFieldName('name')?.text;
  if (name === 'extra_state_attributes') return true;
  // A legacy DeviceScanner's `get_extra_attributes(device)`: the attributes of each tracked device's entity.
  // `capability_attributes` are published with the state too (a climate entity's temperature range, or anything else).
  if (name !== 'device_state_attributes' && name !== 'state_attributes' && name !== 'get_extra_attributes' && name !== 'capability_attributes') return false;
  const container = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  return container?.type === 'block' && container.parent?.type === 'class_definition';
}
const ATTRIBUTE_NAME = '_attr_extra_state_attributes';

/**
 * What is written to `_attr_extra_state_attributes`, in document order: `NAME = value`, `obj.NAME = value`,
 * `obj.NAME.update(value)` and `obj.NAME[key] = value` (with its key and assignment), each with the target. Such a
 * target ends with the name as an identifier, so each place the text spells the name is looked at instead of every
 * assignment of the tree.
 */
function attributeWrites(file: FileModel): { target: Node; value: Node; key?: Node; at?: Node }[] {
  const found: { target: Node; value: Node; key?: Node; at?: Node }[] = [];
  for (let at = file.text.indexOf(ATTRIBUTE_NAME); at >= 0; at = file.text.indexOf(ATTRIBUTE_NAME, at + 1)) {
    // Inside the name, so the smallest node there is the identifier spelling it (or a string, comment, longer name).
    const name = file.root.descendantForIndex(at, at + 1);
    if (name?.type !== 'identifier' || name.startIndex !== at || name.text !== ATTRIBUTE_NAME) continue;
    const parent = name.parent;
    const target = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === name.id ? parent : name;
    const assignment = target.id === name.id ? parent : target.parent;
    if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.id === target.id) {
      const value = assignment.childForFieldName('right');
      if (value) found.push({ target, value });
      continue;
    }
    // `self._attr_extra_state_attributes[ATTR_OWNER_EMAIL] = value`: one key written.
    const subscript = target.parent;
    const keyed = subscript?.parent;
    if (subscript?.type === 'subscript' && subscript.childForFieldName('value')?.id === target.id && keyed?.type === 'assignment' && keyed.childForFieldName('left')?.id === subscript.id) {
      const key = subscript.childForFieldName('subscript');
      const value = keyed.childForFieldName('right');
      if (key && value) found.push({ target, value, key, at: keyed });
      continue;
    }
    // `self._attr_extra_state_attributes.update(data)`
    const method = target.parent;
    const call = method?.parent;
    if (method?.type === 'attribute' && method.childForFieldName('attribute')?.text === 'update' && call?.type === 'call') {
      const value = file.callSite(call)?.args[0];
      if (value) found.push({ target, value });
    }
  }
  return found;
}
