import type { Node } from '../python/syntaxTree';
import { descendants } from '../python/syntax';
import type { FileModel } from './fileModel';

/**
 * The entries an entity publishes as state attributes: `extra_state_attributes` properties (returned dicts and
 * `attrs[KEY] = value` assignments), `_attr_extra_state_attributes = {...}`, and `hass.states.async_set(...)`
 * attribute dicts. State attributes are recorded, shown and exported, so several rules watch what goes in.
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
}

/** Several rules read the same file's attributes; computed once per file. */
const scans = new WeakMap<FileModel, AttributeScan>();

export function stateAttributeEntries(file: FileModel): AttributeScan {
  let scan = scans.get(file);
  if (!scan) {
    scan = scanStateAttributes(file);
    scans.set(file, scan);
  }
  return scan;
}

function scanStateAttributes(file: FileModel): AttributeScan {
  const entries: AttributeEntry[] = [];
  let publishes = false;
  const fromDictionary = (dict: Node, owner: Node) => {
    for (const pair of dict.namedChildren) {
      if (!pair || pair.type !== 'pair') continue;
      const key = pair.childForFieldName('key');
      if (key) entries.push({ key, value: pair.childForFieldName('value'), at: pair, removable: true, owner });
    }
  };
  // A function of that name spells it in the text; most files have none, and reading every function's name costs.
  for (const fn of file.mentions(EXTRA_STATE_ATTRIBUTES) ? file.functions : []) {
    if (fn.childForFieldName('name')?.text !== 'extra_state_attributes') continue;
    publishes = true;
    for (const statement of descendants(fn, ['return_statement'])) {
      const value = statement.namedChild(0);
      if (!value) continue;
      for (const origin of file.origins(value)) if (origin.node.type === 'dictionary') fromDictionary(origin.node, fn);
    }
    for (const assignment of descendants(fn, ['assignment'])) {
      const left = assignment.childForFieldName('left');
      const key = left?.type === 'subscript' ? left.childForFieldName('subscript') : null;
      if (key) entries.push({ key, value: assignment.childForFieldName('right'), at: assignment, removable: false, owner: fn });
    }
  }
  for (const { target, dict } of attributeAssignments(file)) {
    if (!/(^|\.)_attr_extra_state_attributes$/.test(target.text)) continue;
    publishes = true;
    fromDictionary(dict, target);
  }
  for (const call of file.calls) {
    if (!call.name || !/(^|\.)states\.(async_)?set$/.test(call.name)) continue;
    const attributes = call.args[2] ?? call.keywords.get('attributes');
    if (!attributes) continue;
    publishes = true;
    for (const origin of file.origins(attributes)) if (origin.node.type === 'dictionary') fromDictionary(origin.node, call.node);
  }
  return { publishes, entries };
}

const EXTRA_STATE_ATTRIBUTES = /extra_state_attributes/;
const ATTRIBUTE_NAME = '_attr_extra_state_attributes';

/**
 * `NAME = {...}` and `obj.NAME = {...}` for NAME `_attr_extra_state_attributes`, in document order: the target and
 * the dict. Such a target ends with the name as an identifier, so each place the text spells the name is looked at
 * instead of every assignment of the tree.
 */
function attributeAssignments(file: FileModel): { target: Node; dict: Node }[] {
  const found: { target: Node; dict: Node }[] = [];
  for (let at = file.text.indexOf(ATTRIBUTE_NAME); at >= 0; at = file.text.indexOf(ATTRIBUTE_NAME, at + 1)) {
    // Inside the name, so the smallest node there is the identifier spelling it (or a string, comment, longer name).
    const name = file.root.descendantForIndex(at, at + 1);
    if (name?.type !== 'identifier' || name.startIndex !== at || name.text !== ATTRIBUTE_NAME) continue;
    const parent = name.parent;
    const target = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === name.id ? parent : name;
    const assignment = target.id === name.id ? parent : target.parent;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.id !== target.id) continue;
    const dict = assignment.childForFieldName('right');
    if (dict?.type === 'dictionary') found.push({ target, dict });
  }
  return found;
}
