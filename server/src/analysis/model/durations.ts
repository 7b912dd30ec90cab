import type { Node } from '../python/syntaxTree';
import { ancestorOfType, unwrap } from '../python/syntax';
import type { CallSite, FileModel } from './fileModel';
import { classConstant } from './constness';
import { constantExpression, type IntegrationModel } from './integration';
import { argumentsForParameter } from './untrusted';

/**
 * Evaluating the few expressions that state time spans: `timedelta(minutes=5)`, `timedelta(0, 30)`, constants
 * holding them (also from const.py), and `entry.options.get(CONF_SCAN_INTERVAL, 30)`'s default. A bare number's
 * unit is unknown (seconds for one helper, minutes for another), so it is never guessed.
 */

const TIMEDELTA_UNITS: Record<string, number> = {
  weeks: 604800, days: 86400, hours: 3600, minutes: 60, seconds: 1, milliseconds: 0.001, microseconds: 0.000001,
};
const TIMEDELTA_POSITIONAL = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];

export function numberValue(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth = 4): number | undefined {
  const node = unwrap(expression);
  if (node.type === 'integer' || node.type === 'float') {
    const value = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(value) ? value : undefined;
  }
  if (depth <= 0) return undefined;
  if (node.type === 'unary_operator' && node.child(0)?.type === '-') {
    const inner = node.childForFieldName('argument');
    const value = inner ? numberValue(file, inner, integration, depth - 1) : undefined;
    return value === undefined ? undefined : -value;
  }
  if (node.type === 'binary_operator') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const operator = node.childForFieldName('operator')?.text;
    const a = left ? numberValue(file, left, integration, depth - 1) : undefined;
    const b = right ? numberValue(file, right, integration, depth - 1) : undefined;
    if (a === undefined || b === undefined) return undefined;
    if (operator === '*') return a * b;
    if (operator === '+') return a + b;
    if (operator === '-') return a - b;
    if (operator === '/' && b !== 0) return a / b;
    return undefined;
  }
  if (node.type === 'identifier') {
    const constant = constantExpression(file, node, integration);
    return constant ? numberValue(constant.file, constant.node, integration, depth - 1) : undefined;
  }
  if (node.type === 'conditional_expression') return leastOfBranches(node, (branch) => numberValue(file, branch, integration, depth - 1));
  // `max(scan_interval, 60)`: never below the largest bound that is known, whatever the rest is.
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  if (site?.name === 'max' && file.isBuiltin('max') && site.args.length > 1 && !site.hasSplat) {
    const known = site.args.map((argument) => numberValue(file, argument, integration, depth - 1)).filter((value): value is number => value !== undefined);
    return known.length > 0 ? Math.max(...known) : undefined;
  }
  return undefined;
}

/** `120 if linked else 15`: the lesser of the two values, when both are known (the shorter interval is the one that counts). */
function leastOfBranches(conditional: Node, read: (branch: Node) => number | undefined): number | undefined {
  const [whenTrue, , whenFalse] = conditional.namedChildren;
  const values = [whenTrue, whenFalse].map((branch) => (branch ? read(branch) : undefined));
  return values.every((value): value is number => value !== undefined) ? Math.min(...values) : undefined;
}

/** Seconds a `timedelta` expression (or a constant holding one) spans; undefined when it cannot be known. */
export function durationSeconds(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth = 6): number | undefined {
  const node = unwrap(expression);
  if (depth <= 0) return undefined;
  if (node.type === 'identifier') {
    const constant = constantExpression(file, node, integration);
    if (constant) return durationSeconds(constant.file, constant.node, integration, depth - 1);
    // A local variable (`update_interval = timedelta(seconds=5)`) or a parameter (`def __init__(self, hass,
    // update_interval)`): the shortest interval it is set to or handed, if all are known.
    return knownValues(file, node, integration, depth, (valueFile, value) => durationSeconds(valueFile, value, integration, depth - 1)) ?? undefined;
  }
  if (node.type === 'attribute' && node.childForFieldName('object')?.text === 'self') {
    // `self._scan_interval = timedelta(minutes=15)` in `__init__`, used as `Throttle(self._scan_interval)`: the
    // shortest of what the class's methods set it to, if all are known (else its class body's value).
    const cls = ancestorOfType(node, ['class_definition']);
    const name = node.childForFieldName('attribute')?.text ?? '';
    if (!cls) return undefined;
    const written = file.selfAttributeWrites(cls, name);
    const declared = written.values.length === 0 ? classConstant(file, node, name) : undefined;
    const assigned = declared ? [declared] : written.values;
    if (assigned.length === 0 || written.mutated) return undefined;
    const values = assigned.map((value) => durationSeconds(file, value, integration, depth - 1));
    return values.every((value): value is number => value !== undefined) ? Math.min(...values) : undefined;
  }
  const object = node.type === 'attribute' ? node.childForFieldName('object') : null;
  if (object?.type === 'identifier' && object.text !== 'self') {
    // `config.update_interval`, where `config` is (or is handed) `WxConfig(..., update_interval=timedelta(minutes=5))`:
    // what the record was built with.
    const field = node.childForFieldName('attribute')?.text ?? '';
    return (
      knownValues(file, object, integration, depth, (valueFile, value) => {
        // The record itself, or a name it was built into first (`config = WxConfig(...)`, then `Coordinator(hass, config)`).
        const origins = unwrap(value).type === 'identifier' ? valueFile.origins(unwrap(value), 2) : [{ kind: 'expression' as const, node: value }];
        const spans = origins.map((origin) => {
          const built = unwrap(origin.node);
          const given = origin.kind === 'expression' && built.type === 'call' ? valueFile.callSite(built)?.keywords.get(field) : undefined;
          return given ? durationSeconds(valueFile, given, integration, depth - 1) : undefined;
        });
        return spans.length > 0 && spans.every((span): span is number => span !== undefined) ? Math.min(...spans) : undefined;
      }) ?? undefined
    );
  }
  if (node.type === 'conditional_expression') return leastOfBranches(node, (branch) => durationSeconds(file, branch, integration, depth - 1));
  if (node.type === 'binary_operator') {
    // `timedelta(seconds=10) * 3`
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (node.childForFieldName('operator')?.text !== '*' || !left || !right) return undefined;
    const span = durationSeconds(file, left, integration, depth - 1) ?? durationSeconds(file, right, integration, depth - 1);
    const factor = numberValue(file, right, integration) ?? numberValue(file, left, integration);
    return span !== undefined && factor !== undefined ? span * factor : undefined;
  }
  if (node.type !== 'call') return undefined;
  const site = file.callSite(node);
  // `config.get(CONF_SCAN_INTERVAL, SCAN_INTERVAL)`: an option users start from its default.
  const fallback = site?.method === 'get' ? site.args[1] ?? site.keywords.get('default') : undefined;
  if (fallback) return durationSeconds(file, fallback, integration, depth - 1);
  if (!site || (site.name !== 'datetime.timedelta' && site.name !== 'timedelta') || site.hasSplat) return undefined;
  let total = 0;
  for (const [index, argument] of site.args.entries()) {
    const value = numericArgument(file, argument, integration);
    const unit = TIMEDELTA_POSITIONAL[index];
    if (value === undefined || !unit) return undefined;
    total += value * TIMEDELTA_UNITS[unit];
  }
  for (const [name, argument] of site.keywords) {
    const value = numericArgument(file, argument, integration);
    if (value === undefined || !(name in TIMEDELTA_UNITS)) return undefined;
    total += value * TIMEDELTA_UNITS[name];
  }
  return total;
}

/** A number, or the default of a `.get(KEY, default)` read of a user option (the value users start with). */
function numericArgument(file: FileModel, argument: Node, integration: IntegrationModel | undefined, depth = 5): number | undefined {
  const direct = numberValue(file, argument, integration);
  if (direct !== undefined) return direct;
  const node = unwrap(argument);
  if (node.type === 'identifier' && depth > 0) {
    // `interval = 1`, or a parameter (`def __init__(self, api, interval)`): the least of what it is set to or handed.
    const values = knownValues(file, node, integration, depth, (valueFile, value) => numericArgument(valueFile, value, integration, depth - 1));
    if (values !== null) return values;
  }
  const site = optionRead(file, argument);
  const fallback = site ? site.args[1] ?? site.keywords.get('default') : undefined;
  return fallback && depth > 0 ? numericArgument(file, fallback, integration, depth - 1) : undefined;
}

/**
 * The least of what a local name holds: every value assigned to it, or every argument the function's callers hand
 * it for a parameter, read by `read`. Undefined when one of them cannot be read; null when the name is neither.
 */
function knownValues(
  file: FileModel,
  name: Node,
  integration: IntegrationModel | undefined,
  depth: number,
  read: (file: FileModel, value: Node) => number | undefined,
): number | undefined | null {
  const origins = file.origins(name, 2);
  if (origins.length === 0) return null;
  let values: (number | undefined)[];
  const handed = argumentsForParameter(file, name, integration);
  if (handed) {
    if (handed.length === 0) return undefined;
    values = handed.map((argument) => read(argument.file, argument.node));
  } else if (origins.every((origin) => origin.kind === 'expression' && origin.node.id !== name.id)) {
    values = origins.map((origin) => read(file, origin.node));
  } else {
    return undefined;
  }
  return depth > 0 && values.every((value): value is number => value !== undefined) ? Math.min(...values) : undefined;
}

/**
 * The `.get(KEY, default)` read a number comes from: the argument itself, inside `int(...)`/`float(...)`, or the one
 * value of a local variable (`minutes = entry.options.get(CONF_SCAN_INTERVAL, 15)`, then `timedelta(minutes=minutes)`).
 */
export function optionRead(file: FileModel, argument: Node, depth = 2): CallSite | undefined {
  const node = unwrap(argument);
  if (node.type === 'identifier' && depth > 0) {
    const origins = file.origins(node, 2);
    if (origins.length !== 1 || origins[0].kind !== 'expression' || origins[0].node.id === node.id) return undefined;
    return optionRead(file, origins[0].node, depth - 1);
  }
  if (node.type !== 'call') return undefined;
  const site = file.callSite(node);
  if (!site) return undefined;
  if ((site.name === 'int' || site.name === 'float') && site.args.length === 1 && depth > 0) return optionRead(file, site.args[0], depth - 1);
  return site.callee.type === 'attribute' && site.callee.childForFieldName('attribute')?.text === 'get' ? site : undefined;
}
