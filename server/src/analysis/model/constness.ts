import type { Node } from '../python/syntaxTree';
import { ancestorOfType, interpolations, unwrap } from '../python/syntax';
import type { FileModel } from './fileModel';
import { constantExpression, type IntegrationModel } from './integration';
import { resolveClass } from './untrusted';

/**
 * Whether an expression can only hold a value fixed in the source: literals, module constants (also those of
 * other modules of the integration, and UPPER_CASE names imported from libraries), and strings built from them.
 * Rules use it to tell `f"SELECT * FROM {TABLE}"` (a constant table name) from interpolated data.
 */
export function isConstantExpression(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth = 5): boolean {
  const node = unwrap(expression);
  if (depth <= 0) return false;
  switch (node.type) {
    case 'string':
    case 'concatenated_string':
      return interpolations(node).every((part) => isConstantExpression(file, part, integration, depth - 1));
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return true;
    case 'unary_operator':
      return node.childForFieldName('argument') !== null && isConstantExpression(file, node.childForFieldName('argument')!, integration, depth - 1);
    case 'binary_operator': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (left === null || right === null) return false;
      // `"?" * len(ids)`, `["?"] * count`: a constant repeated, however often, holds nothing else.
      if (node.childForFieldName('operator')?.text === '*' && [left, right].some((side) => isRepeatable(side) && isConstantExpression(file, side, integration, depth - 1))) return true;
      return isConstantExpression(file, left, integration, depth - 1) && isConstantExpression(file, right, integration, depth - 1);
    }
    case 'tuple':
    case 'list':
      return node.namedChildren.every((child) => child !== null && isConstantExpression(file, child, integration, depth - 1));
    case 'conditional_expression':
      // `ON_COMMAND if enabled else OFF_COMMAND`: one of two constants, whatever the condition.
      return [node.namedChild(0), node.namedChild(2)].every((branch) => branch !== null && isConstantExpression(file, branch, integration, depth - 1));
    case 'identifier': {
      const origins = file.origins(node);
      if (origins.length > 0 && origins.every((origin) => origin.kind === 'expression' && origin.node.id !== node.id)) {
        return origins.every((origin) => isConstantExpression(file, origin.node, integration, depth - 1)) && listAdditions(file, node).every((added) => isConstantExpression(file, added, integration, depth - 1));
      }
      const constant = constantExpression(file, node, integration);
      if (constant) return isConstantExpression(constant.file, constant.node, integration, depth - 1);
      // An UPPER_CASE name imported from a library is a constant by convention.
      return file.imports.has(node.text) && /^[A-Z][A-Z0-9_]*$/.test(node.text);
    }
    case 'subscript': {
      // `SORT_COLUMNS[order]`: whatever the index, the value is one of the table's constants (or a KeyError).
      const table = node.childForFieldName('value');
      return table !== null && isConstantTable(file, table, integration, depth - 1);
    }
    case 'call': {
      // `SORT_COLUMNS.get(order, "ts")`: one of the table's constants, the constant default or None.
      const site = file.callSite(node);
      // `", ".join("?" for _ in ids)`: constant pieces joined by constant text (SQL placeholders, mostly).
      if (site?.method === 'join' && site.args.length === 1 && site.keywords.size === 0) {
        const separator = site.callee.childForFieldName('object');
        if (separator && isConstantExpression(file, separator, integration, depth - 1) && hasOnlyConstantItems(file, site.args[0], integration, depth - 1)) return true;
      }
      const table = site?.method === 'get' ? site.callee.childForFieldName('object') : null;
      const fallback = site?.args[1] ?? site?.keywords.get('default');
      return table !== null && table !== undefined && isConstantTable(file, table, integration, depth - 1) && (fallback === undefined || isConstantExpression(file, fallback, integration, depth - 1));
    }
    case 'attribute': {
      const attribute = node.childForFieldName('attribute')?.text ?? '';
      const object = node.childForFieldName('object');
      // `Table.NAME`, `const.TABLE`: an UPPER_CASE attribute of a module or class.
      if (/^[A-Z][A-Z0-9_]*$/.test(attribute) && object !== null && object.type !== 'call' && !/^self\b/.test(object.text)) return true;
      // `self.TABLE`, where the class body sets `TABLE = "kv"` and no method assigns `self.TABLE`.
      if (/^[A-Z][A-Z0-9_]*$/.test(attribute) && object?.text === 'self') {
        const value = classConstant(file, node, attribute);
        return value !== undefined && isConstantExpression(file, value, integration, depth - 1);
      }
      // `Reading.__tablename__`, `Model.__name__`: what a class (a CamelCase name, or an all-caps one the integration
      // defines as a class, `class LTSS(Base)`) declares about itself.
      return /^__\w+__$/.test(attribute) && object?.type === 'identifier' && (/^[A-Z]\w*[a-z]\w*$/.test(object.text) || resolveClass(file, object, integration) !== undefined);
    }
    default:
      return false;
  }
}

/** The value the class around `node` gives `name` in its body, unless one of its methods assigns `self.name`. */
export function classConstant(file: FileModel, node: Node, name: string): Node | undefined {
  const cls = ancestorOfType(node, ['class_definition']);
  if (!cls || file.selfAttributeWrites(cls, name).values.length > 0) return undefined;
  return classBodyValue(cls, name);
}

/** What a class body assigns `name` (`TABLE = "kv"`, a dataclass field's default `schema: object = None`), if it does. */
export function classBodyValue(cls: Node, name: string): Node | undefined {
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === name) return assignment.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

/** A string, list or tuple written in the source: repeating it repeats its text or items. */
function isRepeatable(side: Node): boolean {
  return ['string', 'concatenated_string', 'list', 'tuple'].includes(unwrap(side).type);
}

/** An iterable of constants: one built as a constant, or a comprehension whose every item is a constant. */
/**
 * What a function adds to the local list a name holds (`fields.append(f"{key} = ?")`, `.extend(...)`, `.insert(0, x)`,
 * `fields += [...]`): a list written empty is as constant as what goes into it.
 */
function listAdditions(file: FileModel, name: Node): Node[] {
  const scope = file.enclosingFunction(name);
  if (!scope) return [];
  const added = file.listAdditions(name).map(({ value }) => value);
  if (!file.mentions(/\+=/)) return added;
  for (const assignment of file.nodesOfType('augmented_assignment')) {
    const right = assignment.childForFieldName('right');
    if (assignment.childForFieldName('left')?.text === name.text && right && file.enclosingFunction(assignment)?.id === scope.id) added.push(right);
  }
  return added;
}

function hasOnlyConstantItems(file: FileModel, iterable: Node, integration: IntegrationModel | undefined, depth: number): boolean {
  const node = unwrap(iterable);
  if (node.type === 'generator_expression' || node.type === 'list_comprehension') {
    const body = node.childForFieldName('body');
    return body !== null && isConstantExpression(file, body, integration, depth);
  }
  return isConstantExpression(file, node, integration, depth);
}

/**
 * A dict, list, tuple or set written in the source whose values are all constants, or a name every assignment of
 * which is one (also a module constant imported from another module of the integration).
 */
export function isConstantTable(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth = 5): boolean {
  const node = unwrap(expression);
  if (depth <= 0) return false;
  switch (node.type) {
    case 'dictionary':
      return node.namedChildren.every((pair) => {
        const value = pair?.type === 'pair' ? pair.childForFieldName('value') : null;
        return value !== null && isConstantExpression(file, value, integration, depth - 1);
      });
    case 'list':
    case 'tuple':
    case 'set':
      return node.namedChildren.every((child) => child !== null && isConstantExpression(file, child, integration, depth - 1));
    case 'identifier': {
      const origins = file.origins(node);
      if (origins.length > 0 && origins.every((origin) => origin.kind === 'expression' && unwrap(origin.node).id !== node.id)) {
        return origins.every((origin) => isConstantTable(file, origin.node, integration, depth - 1));
      }
      const constant = constantExpression(file, node, integration);
      return constant !== undefined && constant.file !== file && isConstantTable(constant.file, constant.node, integration, depth - 1);
    }
    default:
      return false;
  }
}

/** A `.get(key)` without a default (directly or through a local variable), or a value that may be None. */
export function mayBeNone(file: FileModel, side: Node): boolean {
  return file.origins(side).some((origin) => {
    const node = unwrap(origin.node);
    if (origin.kind !== 'expression') return false;
    if (node.type === 'none') return true;
    if (node.type !== 'call') return false;
    const site = file.callSite(node);
    if (!site || !(site.method === 'get' || site.method === 'pop' || site.name === 'getattr')) return false;
    // `d.get(k)`, and any of them given None as the default (`d.pop(k, None)`); `d.pop(k)` raises instead.
    const position = site.name === 'getattr' ? 2 : 1;
    const fallback = site.args[position] ?? site.keywords.get('default');
    return fallback ? unwrap(fallback).type === 'none' : site.method === 'get';
  });
}
