import type { Node } from 'web-tree-sitter';
import { pythonQuery } from '../python/parser';
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
  for (const fn of file.functions) {
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
  const assignsAttributes = file.mentions(/_attr_extra_state_attributes\b/);
  for (const { node } of assignsAttributes ? pythonQuery('(assignment left: [(identifier) (attribute)] right: (dictionary) @value)').captures(file.root) : []) {
    const target = node.parent?.childForFieldName('left');
    if (!target || !/(^|\.)_attr_extra_state_attributes$/.test(target.text)) continue;
    publishes = true;
    fromDictionary(node, target);
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
