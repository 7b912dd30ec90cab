import type { Node } from '../python/syntaxTree';
import { replaceNode } from '../fixes';
import { durationSeconds, numberValue, optionRead } from '../model/durations';
import type { CallSite, FileModel } from '../model/fileModel';
import { constantExpression, type IntegrationModel } from '../model/integration';
import { argumentsForParameter, classLineage, classOfMethodAround, isEntityBase, methodsOf, parametersOf, resolveCallables, resolveClass } from '../model/untrusted';
import { selfAttributeValues } from '../model/secretFlow';
import { ancestorOfType, callTakingArgument, comparisonParts, contains, descendants, identifiersMatching, literalString, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import type { Fix } from '../types';
import { baseName, excerpt } from '../text';

const THROTTLE = /^homeassistant\.util\.Throttle$/;
const SCHEMA_KEY = /(^|\.)(Optional|Required)$/;
const TIMEDELTA_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 };

/**
 * `timedelta(seconds=entry.options.get(CONF_SCAN_INTERVAL, 30))`: the user picks the interval, which is fine with a
 * sane minimum. When the option's schema lets the user go below the minimum (`vol.Clamp(min=0)`, no bound at all),
 * a person should look; the default is judged as the interval itself.
 */
/** What the old config flow attribute `CONNECTION_CLASS = config_entries.CONN_CLASS_CLOUD_POLL` says, as an iot_class. */
const CONNECTION_CLASSES: Record<string, string> = {
  CONN_CLASS_CLOUD_POLL: 'cloud_polling',
  CONN_CLASS_CLOUD_PUSH: 'cloud_push',
  CONN_CLASS_LOCAL_POLL: 'local_polling',
  CONN_CLASS_LOCAL_PUSH: 'local_push',
  CONN_CLASS_ASSUMED: 'assumed_state',
};

/**
 * The integration's iot_class: its manifest's, or for an integration older than that key, what its config flow
 * declared as `CONNECTION_CLASS` (the same classes, the way Home Assistant asked for them before 2021).
 */
function iotClassOf(integration: IntegrationModel): string | undefined {
  if (integration.manifest.iotClass) return integration.manifest.iotClass;
  for (const file of integration.files) {
    if (!file.mentions(/CONNECTION_CLASS\s*=/)) continue;
    for (const assignment of file.nodesOfType('assignment')) {
      if (assignment.childForFieldName('left')?.text !== 'CONNECTION_CLASS') continue;
      const value = assignment.childForFieldName('right')?.text.split('.').pop() ?? '';
      if (CONNECTION_CLASSES[value]) return CONNECTION_CLASSES[value];
    }
  }
  return undefined;
}

/** An entry's settings read directly (`entry.options`, `self.config_entry.data`) or through a name (`options`). */
const ENTRY_SETTINGS = /(^|(^|[._])entry\.)(options|data)$/;

function reviewOptionMinimum(context: FileContext, expression: Node, minimum: number): boolean {
  const { file } = context;
  const node = unwrap(expression);
  // `interval = timedelta(seconds=entry.options.get(...))` first, then `update_interval=interval`.
  const origins = node.type === 'identifier' ? file.origins(node, 2) : [];
  const assigned = origins.filter((origin) => origin.kind === 'expression' && origin.node.id !== node.id).map((origin) => unwrap(origin.node));
  if (node.type !== 'identifier') return reviewOptionInterval(context, expression, node, minimum);
  if (origins.length === 1 && assigned.length === 1) return reviewOptionInterval(context, expression, assigned[0], minimum);
  // `global SCAN_INTERVAL` set from an option in the setup, besides its default: the option is reviewed, and the
  // other values are still judged as intervals.
  for (const value of assigned) reviewOptionInterval(context, expression, value, minimum);
  return false;
}

/** reviewOptionMinimum for one value: `timedelta(...)` of an option. Whether it is one. */
function reviewOptionInterval(context: FileContext, expression: Node, node: Node, minimum: number): boolean {
  const { file, integration } = context;
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  if (!site || !/(^|\.)timedelta$/.test(site.name ?? '')) return false;
  let fromOption = false;
  for (const [unit, argument] of site.keywords) {
    const read = optionKeyRead(file, argument, integration);
    if (!read || !(unit in TIMEDELTA_SECONDS)) continue;
    const key = read.file.stringValue(read.key, integration?.constantString);
    if (!key) continue;
    // `entry.options.get(KEY, 30)`, `entry.data[KEY]`, also through any dict (`config.get(...)`) holding what a form
    // of the flow asks for.
    const receiver = read.receiver;
    const schemaLowest = optionMinimum(context, key);
    // `if minutes > 0:` around the scheduling: 0 turns the task off, so the least interval it runs at is 1.
    const lowest = schemaLowest !== undefined && schemaLowest < 1 && scheduledOnlyAbove0(expression, argument) ? 1 : schemaLowest;
    if (lowest === Number.POSITIVE_INFINITY && !ENTRY_SETTINGS.test(receiver)) continue;
    fromOption = true;
    // `vol.Optional(CONF_DELAY, default=10)` read as `entry.data[CONF_DELAY]`: what users get unless they change it.
    // A read with its own fallback (`data.get(KEY, DEFAULT)`) gives that when the entry holds none; an interval whose
    // value is read here already (`entry.options.get(KEY, 10)`) is judged as such.
    const fallback = optionRead(file, argument)?.args[1];
    const given = durationSeconds(file, node, integration) !== undefined ? undefined : fallback ? numberValue(file, fallback, integration) : schemaDefault(context, key);
    if (given !== undefined && given > 0 && given * TIMEDELTA_SECONDS[unit] < minimum) {
      context.report(node, `The polling interval comes from the option "${key}", whose form offers ${formatSeconds(given * TIMEDELTA_SECONDS[unit])} by default, below the ${formatSeconds(minimum)} minimum for a ${context.integration ? iotClassOf(context.integration) ?? 'cloud' : 'cloud'} integration; default to at least the minimum.`);
    }
    if (lowest === undefined || lowest * TIMEDELTA_SECONDS[unit] < minimum) {
      context.review(`The polling interval comes from the option "${key}", whose schema ${lowest === undefined ? 'sets no minimum' : `allows ${formatSeconds(lowest * TIMEDELTA_SECONDS[unit])}`}; give it a minimum of at least ${formatSeconds(minimum)} (vol.Range(min=...)).`);
    }
  }
  return fromOption;
}

/**
 * Whether the interval (at `use`) is only set up inside `if minutes > 0:` (or `if minutes:`, `>= 1`), with `minutes`
 * the name the interval is made of: a value of 0 then means "never", not "at once".
 */
function scheduledOnlyAbove0(use: Node, argument: Node): boolean {
  const name = unwrap(argument);
  if (name.type !== 'identifier') return false;
  const guard = new RegExp(`^${name.text}(\\s*(>\\s*0(\\.0)?|>=\\s*1|!=\\s*0))?$`);
  for (let node: Node | null = use; node && node.type !== 'function_definition'; node = node.parent) {
    const statement = node.parent;
    if (statement?.type === 'if_statement' && statement.childForFieldName('consequence')?.id === node.id && guard.test(unwrap(statement.childForFieldName('condition') ?? statement).text)) return true;
  }
  return false;
}

/**
 * The key an option is read under and what it is read from: `entry.options.get(KEY, 30)` (also inside `int(...)` or
 * through a local name, see optionRead) or `entry.data[KEY]`.
 */
function optionKeyRead(file: FileModel, argument: Node, integration: IntegrationModel | undefined, depth = 1): { file: FileModel; key: Node; receiver: string } | undefined {
  const get = optionRead(file, argument);
  if (get?.args[0]) return { file, key: get.args[0], receiver: get.callee.type === 'attribute' ? get.callee.childForFieldName('object')?.text ?? '' : '' };
  let node = unwrap(argument);
  // `def __init__(self, hass, update_interval)` handed `entry.options.get(CONF_SCAN_INTERVAL, 30)` by its callers.
  const handed = depth > 0 ? argumentsForParameter(file, node, integration) : undefined;
  if (handed) {
    for (const passed of handed) {
      const read = optionKeyRead(passed.file, passed.node, integration, depth - 1);
      if (read) return read;
    }
    return undefined;
  }
  // `interval = user_input[KEY]` first: the read the name holds.
  const origins = node.type === 'identifier' ? file.origins(node, 2) : [];
  if (origins.length === 1 && origins[0].kind === 'expression' && origins[0].node.id !== node.id) node = unwrap(origins[0].node);
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  if ((site?.name === 'int' || site?.name === 'float') && site.args.length === 1) node = unwrap(site.args[0]);
  const key = node.type === 'subscript' ? node.childForFieldName('subscript') : null;
  const object = node.type === 'subscript' ? node.childForFieldName('value') : null;
  return key && object ? { file, key, receiver: object.text } : undefined;
}

/** The smallest value a flow's schema accepts for `key` (`vol.Range(min=...)`, `vol.Clamp(min=...)`), if any is set. */
function optionMinimum(context: FileContext, key: string): number | undefined {
  let lowest: number | undefined;
  let seen = false;
  for (const { file, call } of schemaMarkers(context, key)) {
    const pair = call.node.parent?.type === 'pair' && call.node.parent.childForFieldName('key')?.id === call.node.id ? call.node.parent : undefined;
    const validator = pair?.childForFieldName('value');
    if (!validator) continue;
    seen = true;
    const value = schemaMinimum(file, validator, context.integration);
    if (value === undefined) return checkedMinimum(context, key);
    lowest = lowest === undefined ? value : Math.min(lowest, value);
  }
  // An option no form of the integration asks for is not the user's to set.
  return seen ? lowest : Number.POSITIVE_INFINITY;
}

/** The least number the integration's forms offer for `key` by default (`vol.Optional(KEY, default=10)`), if any. */
function schemaDefault(context: FileContext, key: string): number | undefined {
  let lowest: number | undefined;
  for (const { file, call } of schemaMarkers(context, key)) {
    const given = call.keywords.get('default');
    const value = given ? numberValue(file, given, context.integration) : undefined;
    if (value !== undefined) lowest = lowest === undefined ? value : Math.min(lowest, value);
  }
  return lowest;
}

/** The schema markers of the integration that name `key` (`vol.Optional(CONF_DELAY, default=10)`). */
function schemaMarkers(context: FileContext, key: string): { file: FileModel; call: CallSite }[] {
  return (context.integration?.files ?? [context.file]).flatMap((file) =>
    file.calls.filter((call) => SCHEMA_KEY.test(call.name ?? '') && call.args[0] !== undefined && file.stringValue(call.args[0], context.integration?.constantString) === key).map((call) => ({ file, call })),
  );
}

/**
 * The least value the flow's own code lets through for `key`, where its schema sets none: a check that rejects what
 * is below a number (`if not MIN <= user_input[KEY] <= MAX: raise SchemaFlowError(...)`, `if interval < MIN:
 * errors[KEY] = ...`). Undefined when no such check is found.
 */
function checkedMinimum(context: FileContext, key: string): number | undefined {
  const { integration } = context;
  let lowest: number | undefined;
  for (const file of integration?.files ?? [context.file]) {
    for (const comparison of file.nodesOfType('comparison_operator')) {
      const statement = comparison.parent?.type === 'not_operator' ? comparison.parent.parent : comparison.parent;
      const negated = comparison.parent?.type === 'not_operator';
      if ((statement?.type !== 'if_statement' && statement?.type !== 'elif_clause') || !rejects(statement.childForFieldName('consequence'))) continue;
      const operands = comparison.namedChildren;
      const operators = comparison.children.filter((child) => !child.isNamed).map((child) => child.text);
      for (let index = 0; index + 1 < operands.length && index < operators.length; index++) {
        const [left, right, operator] = [operands[index], operands[index + 1], operators[index]];
        // A value is kept when `N <= value` holds (so the branch rejects it when negated) or rejected when `value < N`.
        const bound = negated
          ? (operator === '<=' || operator === '<') && readsOption(file, right, key, integration) ? left : (operator === '>=' || operator === '>') && readsOption(file, left, key, integration) ? right : undefined
          : (operator === '<' || operator === '<=') && readsOption(file, left, key, integration) ? right : (operator === '>' || operator === '>=') && readsOption(file, right, key, integration) ? left : undefined;
        const value = bound ? numberValue(file, bound, integration) : undefined;
        if (value !== undefined) lowest = lowest === undefined ? value : Math.min(lowest, value);
      }
    }
  }
  return lowest;
}

/** A branch that turns the input away: it raises, records an error, or shows the form again. */
function rejects(branch: Node | null): boolean {
  return branch !== null && /\braise\b|\berrors\s*\[|async_show_form|async_abort/.test(branch.text);
}

/** `user_input[KEY]`, `user_input.get(KEY)`, or a name bound to one of them. */
function readsOption(file: FileModel, expression: Node, key: string, integration: IntegrationModel | undefined): boolean {
  const read = optionKeyRead(file, expression, integration, 0);
  return read !== undefined && read.file.stringValue(read.key, integration?.constantString) === key;
}
/**
 * The least value a validator lets through: `vol.Range(min=MIN_SCAN_INTERVAL)` (constants read), a number selector's
 * `NumberSelectorConfig(min=1)`, `cv.positive_int`.
 */
function schemaMinimum(file: FileModel, validator: Node, integration: IntegrationModel | undefined): number | undefined {
  for (const node of descendants(validator, ['call'])) {
    const site = file.callSite(node);
    const name = site?.name ?? '';
    const bound = /(^|\.)(Range|Clamp)$/.test(name) ? site!.keywords.get('min') ?? site!.args[0] : /(^|\.)NumberSelectorConfig$/.test(name) ? site!.keywords.get('min') : undefined;
    const value = bound ? numberValue(file, bound, integration) : /(^|\.)In$/.test(name) && site!.args[0] ? leastChoice(file, site!.args[0], integration) : undefined;
    if (value !== undefined) return value;
  }
  return /\bpositive_(?:int|float)\b/.test(validator.text) ? 1 : undefined;
}

/** `vol.In([30, 60, 120])`, also through a constant: the least of the choices, when every one is a number. */
function leastChoice(file: FileModel, choices: Node, integration: IntegrationModel | undefined): number | undefined {
  let list = unwrap(choices);
  let listFile = file;
  if (list.type === 'identifier') {
    const constant = constantExpression(file, list, integration);
    if (!constant) return undefined;
    list = unwrap(constant.node);
    listFile = constant.file;
  }
  if (!['list', 'tuple', 'set'].includes(list.type)) return undefined;
  const values = list.namedChildren.map((item) => numberValue(listFile, item, integration));
  return values.length > 0 && values.every((value): value is number => value !== undefined) ? Math.min(...values) : undefined;
}

const CALL_LATER = /^homeassistant\.helpers\.event\.async_call_later$/;
/** A delay that grows with the failures (`2 ** min(self.attempts, 5) * 5`): a backoff, which is what retries need. */
const BACKOFF = /\*\*|attempt|retr|backoff|fail|tries|count/i;

/** `async_call_later(hass, delay, self._update)` inside `_update` (also through `partial(...)`): a polling loop. */
function reschedulesItself(file: FileModel, call: CallSite): boolean {
  const fn = file.enclosingFunction(call.node);
  const name = fn?.childForFieldName('name')?.text;
  let action = unwrap(call.args[2]);
  if (action.type === 'call' && /(^|\.)partial$/.test(file.callSite(action)?.name ?? '')) action = unwrap(file.callSite(action)?.args[0] ?? action);
  const target = action.type === 'attribute' ? action.childForFieldName('attribute')?.text : action.type === 'identifier' ? action.text : undefined;
  return name !== undefined && target === name && !waitsWithoutRequest(call.node, fn!);
}

/**
 * `if self._device is None: async_call_later(hass, 1, _wait); return`: a function that checks a local value and
 * schedules itself again until it is set, making its request only after that, waits; it does not poll the service.
 */
function waitsWithoutRequest(schedule: Node, fn: Node): boolean {
  for (let node = schedule.parent; node && node.id !== fn.id; node = node.parent) {
    if (node.type !== 'block' || node.parent?.type !== 'if_statement') continue;
    const last = node.namedChildren[node.namedChildren.length - 1];
    const awaits = descendants(node, ['await']).length > 0;
    return last?.type === 'return_statement' && !awaits;
  }
  return false;
}

const RERUN_DELAY = 'The delay before the function runs itself again';

const POINT_IN_TIME = /^homeassistant\.helpers\.event\.async_track_point_in_(utc_)?time$/;
const NOW = /(^|\.)(utcnow|now)$/;

/** `td` of `dt_util.utcnow() + td` (also through a local name, `nxt = dt_util.utcnow() + td`). */
function delayFromNow(file: FileModel, when: Node, depth = 2): Node | undefined {
  const node = unwrap(when);
  if (node.type === 'identifier' && depth > 0) {
    const origins = file.origins(node, 1);
    return origins.length === 1 && origins[0].kind === 'expression' && origins[0].node.id !== node.id ? delayFromNow(file, origins[0].node, depth - 1) : undefined;
  }
  if (node.type !== 'binary_operator' || node.childForFieldName('operator')?.text !== '+') return undefined;
  const sides = [node.childForFieldName('left'), node.childForFieldName('right')];
  const isNow = (side: Node | null) => side !== null && unwrap(side).type === 'call' && NOW.test(file.callSite(unwrap(side))?.name ?? '');
  if (isNow(sides[0]) && sides[1]) return sides[1];
  if (isNow(sides[1]) && sides[0]) return sides[0];
  return undefined;
}

/**
 * The action a point-in-time timer runs arms the timer again: it is the function that sets the timer, or it calls that
 * function (`self.schedule_update(...)`).
 */
function rearmedByAction(file: FileModel, call: CallSite, integration: IntegrationModel | undefined): boolean {
  const arming = file.enclosingFunction(call.node);
  const armingName = arming?.childForFieldName('name')?.text;
  if (!arming || !armingName) return false;
  return resolveCallables(file, call.args[1], integration).some(
    (action) => action.node.id === arming.id || descendants(action.node, ['call']).some((inner) => inner.childForFieldName('function')?.text.split('.').pop() === armingName),
  );
}

interface PollingInterval {
  expression: Node;
  /** How a message names it. */
  what: string;
  /** Undefined when it cannot be evaluated. */
  seconds: number | undefined;
}

/**
 * Where a file sets how often the integration polls: SCAN_INTERVAL, `update_interval=` and `.update_interval = `, a
 * tracked interval, Throttle, a function that schedules itself again (not a diagnostics key called update_interval).
 */
/**
 * Whether the `SCAN_INTERVAL` a module names is a constant of the integration (here, or in the module it is imported
 * from), which is judged where it is defined; one a library defines (`from pollx.const import SCAN_INTERVAL`, also
 * re-exported through const.py) is judged where it is used, as an interval that cannot be read.
 */
function scanIntervalDefinedByIntegration(file: FileModel, integration: IntegrationModel | undefined): boolean {
  if (!file.imports.has('SCAN_INTERVAL')) return file.constants.has('SCAN_INTERVAL');
  const qualified = file.imports.get('SCAN_INTERVAL')!;
  const module = integration?.files.find((candidate) => `${candidate.moduleName}.SCAN_INTERVAL` === qualified);
  return module !== undefined && module.constants.has('SCAN_INTERVAL') && !module.imports.has('SCAN_INTERVAL');
}

function pollingIntervals(file: FileModel, integration: IntegrationModel | undefined): PollingInterval[] {
  const found: PollingInterval[] = [];
  const add = (expression: Node, what: string, seconds = durationSeconds(file, expression, integration)) => {
    // `update_interval=None`: a coordinator that never polls, refreshed by pushes.
    if (unwrap(expression).type !== 'none') found.push({ expression, what, seconds });
  };
  const scanInterval = file.constants.get('SCAN_INTERVAL');
  // A plain number (`SCAN_INTERVAL = 60`, a data handler's own constant) counts seconds; in a module that is no entity
  // platform (const.py) its unit is the one of the code that reads it (`timedelta(minutes=SCAN_INTERVAL)`), judged there.
  if (scanInterval && !file.imports.has('SCAN_INTERVAL') && !unusedOutsidePlatform(file, integration)) {
    const span = durationSeconds(file, scanInterval, integration);
    const platform = !integration || !NOT_A_PLATFORM.test(baseName(file.path));
    if (span !== undefined || platform) add(scanInterval, 'SCAN_INTERVAL', span ?? numberValue(file, scanInterval, integration));
    // `global SCAN_INTERVAL` set again in a function (`SCAN_INTERVAL = timedelta(seconds=entry.options.get(...))`):
    // each value it is given is an interval too.
    for (const binding of file.bindingsIn(file.root).get('SCAN_INTERVAL') ?? []) {
      if (binding.kind === 'assign' && binding.value && binding.value.id !== scanInterval.id && file.enclosingFunction(binding.node)) add(binding.value, 'SCAN_INTERVAL');
    }
  }
  for (const call of file.calls) {
    if (call.name && (TRACK_INTERVAL.has(call.name) || call.name.endsWith('async_track_time_interval'))) {
      // `hass.helpers.event.async_track_time_interval(action, interval)` passes hass through the object.
      const hassBound = /(^|\.)_?hass\.helpers\./.test(call.callee.text);
      const interval = call.keywords.get('interval') ?? call.args[hassBound ? 1 : 2];
      if (interval) add(interval, 'The tracked time interval');
    } else if (call.name && TIME_PATTERN.test(call.name)) {
      // `async_track_utc_time_change(hass, refresh, second=range(0, 60, 2))`: runs at every matching time.
      const period = timePatternPeriod(file, call, integration);
      if (period !== undefined && !runsOnlyLocalCode(file, call.args[1] ?? call.keywords.get('action'), integration)) add(call.node, 'The time pattern the function runs at', period);
    } else if (call.name && THROTTLE.test(call.name) && call.args[0]) {
      // `@Throttle(MIN_TIME_BETWEEN_UPDATES)` on an update method: the fastest it lets the integration poll.
      add(call.args[0], 'The Throttle interval');
    } else if (call.name && CALL_LATER.test(call.name) && call.args[1] && call.args[2] && !BACKOFF.test(call.args[1].text) && reschedulesItself(file, call)) {
      // A function that schedules itself again (`async_call_later(hass, 20, self._update)`) polls at that delay;
      // async_call_later takes seconds when given a number.
      const delay = call.args[1];
      add(delay, RERUN_DELAY, durationSeconds(file, delay, integration) ?? numberValue(file, delay, integration));
    } else if (call.name && POINT_IN_TIME.test(call.name) && call.args[1] && call.args[2]) {
      // `async_track_point_in_utc_time(hass, self.async_update, dt_util.utcnow() + td)`, armed again by the action
      // itself (`async_update` ends with `self.schedule_update(SCHEDULE_OK)`): it polls at that delay.
      const delay = delayFromNow(file, call.args[2]);
      if (delay && !BACKOFF.test(delay.text) && rearmedByAction(file, call, integration)) add(delay, RERUN_DELAY);
    } else if (call.name && SCHEMA_KEY.test(call.name) && call.args[0] && file.stringValue(call.args[0], integration?.constantString) === 'scan_interval') {
      // `vol.Optional(CONF_SCAN_INTERVAL, default=timedelta(seconds=15))` in a YAML schema: Home Assistant polls the
      // platform's entities at that interval unless the user sets another. Only a time span is judged: a bare
      // number's unit depends on who reads it.
      const fallback = call.keywords.get('default');
      const seconds = fallback ? durationSeconds(file, fallback, integration) : undefined;
      if (fallback && seconds !== undefined && !(unwrap(fallback).type === 'identifier' && ['SCAN_INTERVAL', ...found.map(({ expression }) => expression.text)].includes(fallback.text))) {
        add(fallback, 'The default scan_interval of the schema', seconds);
      }
    }
  }
  // Found through the text: `update_interval=` passed to a call, and `obj.update_interval = value`. Walking the whole
  // tree, or sorting out the arguments of every call, for the few places that name it costs far more.
  for (const identifier of identifiersMatching(file.root, file.text, /update_interval/)) {
    if (identifier.text !== 'update_interval') continue;
    const argument = identifier.parent;
    if (argument?.type === 'keyword_argument' && argument.childForFieldName('name')?.id === identifier.id) {
      const value = argument.childForFieldName('value');
      // `update_interval=SCAN_INTERVAL`: judged where SCAN_INTERVAL is defined (here or in the module it comes from).
      const namesScanInterval = value?.type === 'identifier' && value.text === 'SCAN_INTERVAL' && scanIntervalDefinedByIntegration(file, integration);
      const call = callTakingArgument(argument);
      if (value && !namesScanInterval && call && !replacedOnEveryUpdate(file, argument) && !buildsRecord(file, call, integration)) add(value, 'update_interval');
      continue;
    }
    if (!inAttributeAssignment(identifier)) continue;
    const value = identifier.parent?.parent?.childForFieldName('right');
    if (value) add(value, 'update_interval');
  }
  return found;
}

/**
 * `Profile(name="default", update_interval=timedelta(seconds=5))` of a dataclass or plain class of the integration:
 * a record that holds an interval, which polls nothing by being built (a coordinator, a library's class, may).
 */
function buildsRecord(file: FileModel, call: Node, integration: IntegrationModel | undefined): boolean {
  const callee = call.childForFieldName('function');
  const cls = callee ? resolveClass(file, callee, integration) : undefined;
  return cls !== undefined && classLineage(cls.file, cls.node, integration).outsideBases.every((base) => RECORD_BASES.test(base));
}

const RECORD_BASES = /^(object|(typing\.)?(NamedTuple|TypedDict)|(pydantic\.)?BaseModel)$/;

/** Modules of an integration that are no entity platform: Home Assistant never reads a SCAN_INTERVAL there. */
const NOT_A_PLATFORM = /^(const|coordinator|api|client|config_flow|diagnostics|helpers?|utils?|models?|entity|hub|data|base|exceptions|services|repairs|system_health|device|bridge|gateway)\.py$/;

/**
 * `SCAN_INTERVAL = timedelta(seconds=10)` in coordinator.py that nothing reads: Home Assistant takes the constant from
 * entity platform modules only, so there it is dead code (the coordinator's update_interval is judged instead).
 */
function unusedOutsidePlatform(file: FileModel, integration: IntegrationModel | undefined): boolean {
  if (!integration || !NOT_A_PLATFORM.test(baseName(file.path))) return false;
  if (identifiersMatching(file.root, file.text, /SCAN_INTERVAL/).filter((identifier) => identifier.text === 'SCAN_INTERVAL').length > 1) return false;
  const qualified = file.moduleName ? `${file.moduleName}.SCAN_INTERVAL` : undefined;
  return !integration.files.some((other) => other !== file && [...other.imports.values()].some((name) => name === qualified));
}

/**
 * `update_interval=timedelta(seconds=10)` given by a coordinator whose `_async_update_data` sets
 * `self.update_interval` unconditionally: only a start value, replaced before the next refresh is scheduled (the
 * assignment is judged in its place).
 */
function replacedOnEveryUpdate(file: FileModel, argument: Node): boolean {
  const cls = classOfMethodAround(file, argument);
  const update = cls ? methodsOf(cls).find((method) => method.childForFieldName('name')?.text === '_async_update_data') : undefined;
  return (update?.childForFieldName('body')?.namedChildren ?? []).some((statement) => {
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    return assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === 'self.update_interval';
  });
}

const TRACK_INTERVAL = new Set([
  'homeassistant.helpers.event.async_track_time_interval',
  'homeassistant.helpers.event.track_time_interval',
]);
const SLEEPS = new Set(['asyncio.sleep', 'time.sleep']);

/** A while loop that sleeps less than this between rounds of I/O is a busy loop whatever the iot_class. */
const TIGHT_LOOP_SECONDS = 1;

export const pollingTooFast: Rule = {
  meta: {
    id: 'polling-too-fast',
    checklist: 'rate-limiting',
    severity: 'warning',
    fix: 'suggestion',
    cwe: 770,
    description: "A polling interval is far shorter than the integration's iot_class warrants.",
    docs: `Every installation of an integration polls on its own. A cloud API polled every few seconds by thousands
of homes is a denial of service the vendor will answer by rate limiting or banning the integration's users, and a
local device polled too often can hang. The checklist asks integrations to respect the services they call.

The rule reads \`SCAN_INTERVAL\` (not one nothing reads in a module that is no entity platform, such as coordinator.py or
const.py: Home Assistant takes it from platforms only), \`update_interval=\` (for example of a \`DataUpdateCoordinator\`),
\`self.update_interval = ...\`, \`async_track_time_interval(...)\`, a time pattern (\`async_track_utc_time_change(hass, refresh,
second=range(0, 60, 2))\`: the shortest time between two runs, a part left out matching every value; not one whose
function of the integration asks no service for anything), \`@Throttle(...)\` and a function that
schedules itself again with \`async_call_later\` (a retry loop) or with a point-in-time timer its action arms again
(\`async_track_point_in_utc_time(hass, self.async_update, dt_util.utcnow() + delay)\`), the default of a YAML schema's \`scan_interval\`
(\`vol.Optional(CONF_SCAN_INTERVAL, default=timedelta(seconds=15))\`: the interval users get unless they set one), evaluates \`timedelta(...)\` values (also
through constants in \`const.py\`, attributes the class sets (\`Throttle(self._scan_interval)\`), a field of a record the callers build
(\`config.update_interval\` of \`WxConfig(..., update_interval=timedelta(minutes=5))\`), local names and what callers hand a parameter (an interval passed to a coordinator that only hands it on to its base
class is reported once, where it is written), and the default of \`entry.options.get(CONF_SCAN_INTERVAL, default)\`, also read into a local variable first), and
compares them with a minimum for the manifest's \`iot_class\` (for a manifest older than that key, the config flow's
\`CONNECTION_CLASS = config_entries.CONN_CLASS_CLOUD_POLL\` says the same): 30 seconds for \`cloud_*\` and 1 second for
\`local_*\` by default (settings \`cloudPollingMinSeconds\` / \`localPollingMinSeconds\`); a plain-number
\`SCAN_INTERVAL\` counts seconds in a platform module, but in const.py and other modules that are no platform it is
judged where it is read (\`timedelta(minutes=SCAN_INTERVAL)\`); a \`calculated\` or
\`assumed_state\` integration has no minimum, so its intervals pass. A cloud coordinator that polls at the interval
a base class of another integration or a library sets (\`class AcmeCoordinator(VeSyncDataCoordinator)\` with its own
\`_async_update_data\`) cannot be judged here and goes to review. A bare number is not judged,
because its unit depends on the API it is passed to. A manifest without an \`iot_class\` passes an interval long enough even for a cloud
service and leaves a shorter one up for review, and so does an interval read from an option whose schema lets users go below the minimum (an
interval scheduled only \`if minutes > 0:\` takes 0 for "never", so runs at 1 at least; a check in the flow's code that
rejects smaller values, \`if not MIN <= user_input[KEY] <= MAX: raise SchemaFlowError(...)\`, sets the minimum too), or, for a
cloud integration, an interval the rule cannot read (a library constant, a value computed at run time). It also reports \`while\` loops that sleep (or wait on a thread's stop event: \`while not stop.wait(0.1):\`, or on an asyncio event with a timeout:
\`await asyncio.wait_for(self._stop.wait(), timeout=60)\`, the first pause of the loop) less than a second
between awaited calls, a cloud_polling integration's endless loop whose regular pause between HTTP requests is below the
cloud minimum (\`while True: await session.get(...); await asyncio.sleep(2)\`; not a retry's pause in an except clause,
nor a loop waiting for a command's result), and endless loops (or coroutines that start themselves again as a task) that, when a call
fails, call it again at once (no wait, no back-off; also a thread's blocking loop that connects, logs in or opens a
stream again; not one whose handler gives up once a counter the loop raises passes a limit, \`if tries >= MAX: raise\`), and endless loops that send a request again at once whenever its answer is not a success (every way
out of the loop in an \`if resp.status == 200:\` branch, or a failed answer sent round again, \`if resp.status == 429: continue\`); not a stream read that skips a line over its limit (\`except
ValueError\` around \`reader.readline()\`: the next read waits for new data), nor an iterator's next item after an
error (\`await it.__anext__()\`, \`next(it)\`: that moves on, it asks nothing again).

**Fix:** poll less often, let users choose the interval in the options flow with a sane minimum, or switch to push
updates when the service offers them.

Bad:
\`\`\`python
SCAN_INTERVAL = timedelta(seconds=5)  # a cloud API, polled every 5 seconds
\`\`\`

Good:
\`\`\`python
SCAN_INTERVAL = timedelta(minutes=5)
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    const iotClass = integration ? iotClassOf(integration) : undefined;
    // A loop that hammers a service is too fast whatever the iot_class says.
    if (integration) {
      checkTightLoops(context, file);
      checkRetriesWithoutPause(context, file);
      checkStatusRetriesWithoutPause(context, file);
      checkRescheduledWithoutPause(context, file);
    }
    if (integration && iotClass?.startsWith('cloud')) reviewBorrowedCoordinators(context, file, integration);
    const intervals = pollingIntervals(file, integration);
    // Entities Home Assistant polls at its platform's default interval (30 seconds for sensors, switches, lights...)
    // poll too, at a pace the checklist's minimums accept.
    if (integration && intervals.length === 0 && polledEntities(file, integration)) context.markUsed();
    // A function that schedules itself again after a growing delay (`async_call_later(hass, 2 ** attempts * 5, ...)`)
    // retries with back-off: the item was checked, and that is what it asks for.
    if (integration && file.calls.some((call) => call.name && CALL_LATER.test(call.name) && call.args[1] && BACKOFF.test(call.args[1].text) && reschedulesItself(file, call))) context.markUsed();
    if (integration && !iotClass && intervals.length > 0) {
      // Older manifests lack iot_class: an interval long enough even for a cloud API passes, others need a person.
      const cloudMinimum = context.settings.cloudPollingMinSeconds;
      if (intervals.every(({ seconds }) => seconds !== undefined && seconds >= cloudMinimum)) context.markUsed();
      else context.review(`manifest.json declares no iot_class, so the polling interval in ${file.path.split(/[\\/]/).pop()} cannot be judged against the cloud or local minimum; declare the iot_class.`);
      return;
    }
    if (!iotClass) return;
    // `calculated` and `assumed_state` integrations have no minimum to break: an interval they poll at was checked.
    if (!/^(cloud|local)_(polling|push)$/.test(iotClass)) {
      if (intervals.length > 0) context.markUsed();
      return;
    }
    const minimum = iotClass.startsWith('cloud') ? context.settings.cloudPollingMinSeconds : context.settings.localPollingMinSeconds;
    for (const { expression, what, seconds } of intervals) {
      context.markUsed();
      if (handedOnFromJudgedIntervals(file, expression, integration)) continue;
      const fromOption = reviewOptionMinimum(context, expression, minimum);
      // An interval read from a library constant or computed at run time was not checked: a person says whether it is enough.
      // (A local device's minimum is a second or so: an unread interval there is no question worth a person's time.)
      if (seconds === undefined && !fromOption && iotClass.startsWith('cloud')) {
        context.review(`${what} in ${baseName(file.path)} (\`${excerpt(expression.text, 50)}\`) cannot be read here; check that it is at least ${formatSeconds(minimum)} for a ${iotClass} integration.`);
      }
      // No interval at all is no polling (`update_interval=timedelta(0)` turns it off), but a function that runs itself
      // again after no delay runs as fast as the event loop lets it.
      if (seconds === undefined || seconds >= minimum || (seconds <= 0 && what !== RERUN_DELAY)) continue;
      context.report(
        expression,
        `${what} is ${formatSeconds(seconds)}, below the ${formatSeconds(minimum)} minimum for a ${iotClass} integration; poll less often (the threshold is configurable).`,
        { suggestions: intervalSuggestion(file, expression, minimum) },
      );
    }
  },
};

const OWN_COORDINATOR_BASES = /^homeassistant\.helpers\.update_coordinator\./;

/**
 * `class AcmeCoordinator(VeSyncDataCoordinator)`, a coordinator of another integration or a library that polls with
 * `_async_update_data` at an interval its base class sets: nothing here says how often, so a person checks.
 */
function reviewBorrowedCoordinators(context: FileContext, file: FileModel, integration: IntegrationModel): void {
  if (!file.mentions(/_async_update_data/)) return;
  for (const cls of file.classes) {
    if (!methodsOf(cls).some((method) => method.childForFieldName('name')?.text === '_async_update_data')) continue;
    const lineage = classLineage(file, cls, integration);
    const borrowed = lineage.outsideBases.find((base) => /Coordinator$/.test(base) && !OWN_COORDINATOR_BASES.test(base));
    if (!borrowed || lineage.outsideBases.some((base) => OWN_COORDINATOR_BASES.test(base))) continue;
    // An interval handed to the constructor in the integration is judged where it is written.
    if (lineage.classes.some((member) => member.file.mentions(/update_interval/))) continue;
    context.markUsed();
    context.review(`${cls.childForFieldName('name')?.text ?? 'A coordinator'} in ${baseName(file.path)} polls at the interval its base class ${borrowed} sets, which cannot be read here; check that it is at least ${formatSeconds(context.settings.cloudPollingMinSeconds)} for a cloud_polling integration.`);
  }
}

/**
 * `super().__init__(..., update_interval=update_interval)` in a coordinator whose every caller passes an interval that
 * is judged where it is written (`Coordinator(hass, update_interval=timedelta(seconds=5))`): one finding, where the
 * value is chosen, not a second where it is only handed on.
 */
function handedOnFromJudgedIntervals(file: FileModel, expression: Node, integration: IntegrationModel | undefined): boolean {
  const handed = argumentsForParameter(file, expression, integration);
  if (!handed || handed.length === 0) return false;
  const judged = new Map<FileModel, PollingInterval[]>();
  return handed.every((passed) => {
    if (!judged.has(passed.file)) judged.set(passed.file, pollingIntervals(passed.file, integration));
    return judged.get(passed.file)!.some((interval) => interval.expression.id !== expression.id && contains(interval.expression, passed.node));
  });
}

/**
 * Whether the file defines an entity Home Assistant polls: an entity class (through the integration's own base
 * classes; not a coordinator's, which the coordinator updates) that says nothing about `should_poll`, with an
 * `update()` or `async_update()` that makes a request (awaits something, calls what looks like one, reads a file or
 * queries a database). An update that only copies what a listener received asks nothing of the service.
 */
function polledEntities(file: FileModel, integration: IntegrationModel): boolean {
  if (!file.mentions(/def (async_)?update\b/)) return false;
  return file.classes.some((cls) => {
    const updates = methodsOf(cls).filter((method) => /^(async_)?update$/.test(method.childForFieldName('name')?.text ?? '') && parametersOf(method).length === 1);
    if (updates.length === 0) return false;
    const lineage = classLineage(file, cls, integration);
    if (!lineage.outsideBases.some(isEntityBase) || lineage.outsideBases.some((base) => /(^|\.)CoordinatorEntity$/.test(base))) return false;
    // Code that sets or overrides should_poll, not a docstring that mentions it; only a should_poll that is True
    // whatever happens (a property that throttles its own updates and returns True) keeps Home Assistant polling.
    const overrides = lineage.classes.filter(({ node }) => node.text.includes('should_poll') && descendants(node, ['identifier']).some((name) => /^(_attr_)?should_poll$/.test(name.text)));
    if (overrides.length > 0 && !overrides.every(({ node }) => alwaysPolls(node))) return false;
    const requests = (method: Node) =>
      descendants(method, ['call']).some((call) => {
        const site = file.callSite(call);
        return site !== undefined && (SYNC_REQUEST.test(site.method ?? site.name ?? '') || asksItsDevice(site) || readsSource(file, site));
      });
    // `self._attr_native_value = self.call_api()`: a method of the class that makes the request for update().
    const ownMethods = (method: Node) =>
      descendants(method, ['call']).flatMap((call) => {
        const callee = call.childForFieldName('function');
        const name = callee?.type === 'attribute' && callee.childForFieldName('object')?.text === 'self' ? callee.childForFieldName('attribute')?.text : undefined;
        return methodsOf(cls).filter((other) => name !== undefined && other.childForFieldName('name')?.text === name && other.id !== method.id);
      });
    return updates.some((method) => descendants(method, ['await']).length > 0 || requests(method) || ownMethods(method).some(requests));
  });
}

/** A class whose every word on should_poll is True: `_attr_should_poll = True`, or a property that only returns True. */
function alwaysPolls(cls: Node): boolean {
  const values: Node[] = [];
  for (const assignment of descendants(cls, ['assignment'])) {
    if (/^(self\.)?(_attr_)?should_poll$/.test(assignment.childForFieldName('left')?.text ?? '')) values.push(assignment.childForFieldName('right') ?? assignment);
  }
  for (const method of methodsOf(cls)) {
    if (method.childForFieldName('name')?.text !== 'should_poll') continue;
    const returns = descendants(method, ['return_statement']);
    if (returns.length === 0) return false;
    for (const statement of returns) values.push(statement.namedChildren[0] ?? statement);
  }
  return values.length > 0 && values.every((value) => unwrap(value).type === 'true');
}

/** `open(path)`, `handle.readline()`, `session.execute(query)`: a sync update reading a file or a database. */
function readsSource(file: FileModel, site: CallSite): boolean {
  if (site.name === 'open' && file.isBuiltin('open')) return true;
  return site.method !== undefined && /^(execute|read|readlines?|read_text|read_bytes)$/.test(site.method);
}

/** `self._device.refresh()`, `self._client.update()`: a sync update asking the library object it holds for news. */
function asksItsDevice(site: CallSite): boolean {
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  return receiver !== null && /^self\.\w+$/.test(receiver.text) && !/^self\._?attr/.test(receiver.text) && /^(refresh|update|poll|sync|fetch|load|read)\w*$|^get_\w+$/.test(site.method ?? '');
}

/**
 * `obj.update_interval = value`: the attribute assigned to (its grandparent's right side is the value); also, as
 * the rule has always read it, `obj.attr = update_interval` as the value (judged when the assignment is chained).
 */
function inAttributeAssignment(identifier: Node): boolean {
  const parent = identifier.parent;
  if (parent?.type === 'attribute') {
    const assignment = parent.parent;
    return (
      parent.childForFieldName('attribute')?.id === identifier.id &&
      assignment?.type === 'assignment' &&
      assignment.childForFieldName('left')?.id === parent.id &&
      assignment.childForFieldName('right') !== null
    );
  }
  return parent?.type === 'assignment' && parent.childForFieldName('right')?.id === identifier.id && parent.childForFieldName('left')?.type === 'attribute';
}

const SYNC_REQUEST = /^(get|post|put|patch|request|fetch\w*|query|recv\w*|urlopen|poll|read_\w+|list_\w+)$|(^|\.)(requests|urllib)\./;

/** A blocking client's calls that reach the service: a thread's loop that opens a stream or logs in again and again. */
const CONNECTING = /^(connect\w*|reconnect\w*|open_\w*stream\w*|\w+_stream|subscribe\w*|login|log_in|authenticate)$/;

/**
 * `if retries == 60: await client.poll_once(); break`: a call in a branch that ends the loop runs once, on the way
 * out, not every round.
 */
function leavesLoop(call: Node, loopBody: Node): boolean {
  for (let node = call.parent; node && node.id !== loopBody.id; node = node.parent) {
    if (node.type !== 'block') continue;
    const last = node.namedChildren[node.namedChildren.length - 1];
    if (last && ['break_statement', 'return_statement', 'raise_statement'].includes(last.type)) return true;
  }
  return false;
}

function checkTightLoops(context: FileContext, file: FileModel): void {
  for (const loop of file.nodesOfType('while_statement')) {
    const body = loop.childForFieldName('body');
    if (!body) continue;
    const calls = descendants(body, ['call']).map((node) => file.callSite(node)).filter((site) => site !== undefined);
    const condition = loop.childForFieldName('condition');
    const conditionCalls = condition ? descendants(condition, ['call']).map((node) => file.callSite(node)).filter((site) => site !== undefined) : [];
    const sleep = [...conditionCalls, ...calls].find((site) => (site.name !== undefined && SLEEPS.has(site.name)) || isStopEventWait(file, site) || isTimedWait(site));
    const pause = sleep && (isTimedWait(sleep) ? sleep.args[1] ?? sleep.keywords.get('timeout') : sleep.args[0] ?? sleep.keywords.get('timeout'));
    if (!sleep || !pause) continue;
    const seconds = numberValue(file, pause, context.integration);
    if (seconds === undefined) continue;
    // Awaited calls in an async loop; in a thread's loop (`time.sleep`), calls named like a request.
    const io = calls.filter((site) => site !== sleep && !leavesLoop(site.node, body) && (site.node.parent?.type === 'await' || SYNC_REQUEST.test(site.method ?? site.name ?? '')));
    if (io.length === 0) continue;
    if (seconds < TIGHT_LOOP_SECONDS) {
      context.markUsed();
      context.report(sleep.node, `This loop polls every ${formatSeconds(seconds)}; sleep longer between requests, and back off after failures.`);
      continue;
    }
    // A cloud service polled by a loop's regular pause (not a retry's, in an except clause) is polled at that pace.
    const iotClass = context.integration ? iotClassOf(context.integration) : undefined;
    const minimum = context.settings.cloudPollingMinSeconds;
    // An HTTP request, or in a cloud_polling integration a library's call run on the executor (a cloud SDK's client).
    const requests = io.some((site) => sendsRequest(site) || helperSendsRequest(file, site, context.integration));
    const handler = ancestorOfType(sleep.node, ['except_clause']);
    if (iotClass !== 'cloud_polling' || seconds >= minimum || !requests || (handler && contains(loop, handler)) || !runsUntilStopped(loop)) continue;
    context.markUsed();
    context.report(sleep.node, `This loop polls every ${formatSeconds(seconds)}, below the ${formatSeconds(minimum)} minimum for a cloud_polling integration; poll less often (the threshold is configurable).`);
  }
}

/**
 * `while True:`, `while self._running:`: a loop that runs until something outside it stops it, not one waiting for
 * what it reads to change (`while status == "Running": ... status = await get_status()`, a command's result).
 */
function runsUntilStopped(loop: Node): boolean {
  const condition = loop.childForFieldName('condition');
  const body = loop.childForFieldName('body');
  if (!condition || !body) return false;
  if (unwrap(condition).type === 'true') return true;
  const read = new Set([condition, ...descendants(condition, ['identifier', 'attribute'])].map((node) => node.text));
  return !descendants(body, ['assignment', 'augmented_assignment']).some((assignment) => {
    const left = assignment.childForFieldName('left');
    return left !== null && [left, ...descendants(left, ['identifier', 'attribute'])].some((target) => read.has(target.text));
  });
}

/** An HTTP request, or a call run on the executor (a blocking client's, a cloud SDK's). */
function sendsRequest(site: CallSite): boolean {
  return HTTP_REQUEST.test(site.method ?? '') || site.method === 'async_add_executor_job' || site.method === 'run_in_executor';
}

/** `await self._api_wrapper(url)`: a function of the integration that sends a request itself. */
function helperSendsRequest(file: FileModel, site: CallSite, integration: IntegrationModel | undefined): boolean {
  return resolveCallables(file, site.callee, integration).some((helper) =>
    helper.node.type === 'function_definition' && descendants(helper.node, ['call']).some((call) => {
      const inner = helper.file.callSite(call);
      return inner !== undefined && sendsRequest(inner);
    }),
  );
}

/**
 * A function of the integration that neither awaits anything nor calls what looks like a request (a clock entity's
 * `async_write_ha_state` every second): scheduled often, it asks no service for anything.
 */
function runsOnlyLocalCode(file: FileModel, action: Node | undefined, integration: IntegrationModel | undefined): boolean {
  const targets = action ? resolveCallables(file, action, integration) : [];
  return targets.length > 0 && targets.every((target) => {
    if (target.node.type !== 'function_definition' || descendants(target.node, ['await']).length > 0) return false;
    return !descendants(target.node, ['call']).some((call) => {
      const site = target.file.callSite(call);
      return site !== undefined && (sendsRequest(site) || SYNC_REQUEST.test(site.method ?? site.name ?? '') || forcesUpdate(site) || helperSendsRequest(target.file, site, integration));
    });
  });
}

/** `self.schedule_update_ha_state(True)`: Home Assistant runs the entity's update (its poll) before writing the state. */
function forcesUpdate(site: CallSite): boolean {
  if (!/^(async_)?schedule_update_ha_state$/.test(site.method ?? '')) return false;
  const force = site.args[0] ?? site.keywords.get('force_refresh');
  return force !== undefined && unwrap(force).type === 'true';
}

/** Home Assistant's schedulers that run a function at the times matching a pattern of hours, minutes and seconds. */
const TIME_PATTERN = /(^|\.)(async_)?track_(utc_)?time_change$/;

/**
 * The shortest time between two runs of a time pattern, in seconds: the gap between the seconds it matches, else
 * between its minutes, else its hours; a part left out (or `"*"`) matches every value, as Home Assistant reads it.
 * Undefined when a part cannot be read.
 */
function timePatternPeriod(file: FileModel, call: CallSite, integration: IntegrationModel | undefined): number | undefined {
  const parts: [string, number, number][] = [['second', 60, 1], ['minute', 60, 60], ['hour', 24, 3600]];
  for (const [name, size, unit] of parts) {
    const values = patternValues(file, call.keywords.get(name), size, integration);
    if (values === undefined) return undefined;
    if (values.length > 1) {
      let gap = values[0] + size - values[values.length - 1];
      for (let index = 1; index < values.length; index++) gap = Math.min(gap, values[index] - values[index - 1]);
      return gap * unit;
    }
  }
  return 86_400;
}

/** The sorted values a part of a time pattern matches: all of them when absent or `"*"`, every n for `"/n"`. */
function patternValues(file: FileModel, given: Node | undefined, size: number, integration: IntegrationModel | undefined): number[] | undefined {
  const every = (step: number) => Array.from({ length: Math.ceil(size / step) }, (_, index) => index * step);
  if (!given || unwrap(given).type === 'none') return every(1);
  const node = unwrap(given);
  const text = literalString(node);
  if (text !== undefined) return text === '*' ? every(1) : /^\/\d+$/.test(text) && Number(text.slice(1)) > 0 ? every(Number(text.slice(1))) : /^\d+$/.test(text) ? [Number(text)] : undefined;
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  if (site?.name === 'range') {
    const [given, stop, step] = site.args.map((argument) => numberValue(file, argument, integration));
    // `range(now.second % 5, 60, 5)`: an offset that spreads clients over the step, which alone sets the gap.
    const offset = site.args.length === 3 && given === undefined && step !== undefined ? unwrap(site.args[0]) : undefined;
    const start = offset?.type === 'binary_operator' && offset.childForFieldName('operator')?.text === '%' && numberValue(file, offset.childForFieldName('right')!, integration) === step ? 0 : given;
    if (site.args.length === 1 && start !== undefined) return every(1).filter((value) => value < start);
    if (start === undefined || stop === undefined || (site.args.length === 3 && !step)) return undefined;
    const values: number[] = [];
    for (let value = start; value < stop && values.length < size; value += step ?? 1) values.push(value);
    return values.length > 0 ? values : undefined;
  }
  if (node.type === 'list' || node.type === 'tuple' || node.type === 'set') {
    const values = node.namedChildren.map((element) => numberValue(file, element, integration));
    return values.every((value) => value !== undefined) && values.length > 0 ? [...new Set(values as number[])].sort((a, b) => a - b) : undefined;
  }
  const value = numberValue(file, node, integration);
  // `second=now.second`: the one value a moment of the clock has, whichever it is.
  if (value === undefined && node.type === 'attribute' && /^(second|minute|hour)$/.test(node.childForFieldName('attribute')?.text ?? '')) return [0];
  return value === undefined ? undefined : [value];
}

/** Methods of HTTP clients that send a request (`session.get(url)`, `client.request("GET", url)`). */
const HTTP_REQUEST = /^(get|post|put|patch|delete|head|request|fetch\w*|urlopen)$/;

/**
 * `self._stop_event.wait(0.5)`: a thread that waits on its stop event with a timeout pauses that long (`while not
 * stop.wait(30):` is the usual way to poll until stopped).
 */
function isStopEventWait(file: FileModel, site: CallSite): boolean {
  const receiver = site.method === 'wait' && site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  if (!receiver) return false;
  const values = receiver.type === 'attribute' ? selfAttributeValues(file, receiver) : file.origins(receiver).map((origin) => origin.node);
  return values.some((value) => { const node = unwrap(value); return node.type === 'call' && file.callSite(node)?.name === 'threading.Event'; });
}

/**
 * `await asyncio.wait_for(self._stop.wait(), timeout=60)`: a wait for a stop signal that gives up after its timeout,
 * the pace of a loop that goes on when it times out.
 */
function isTimedWait(site: CallSite): boolean {
  const awaited = site.args[0] ? unwrap(site.args[0]) : undefined;
  const waits = awaited?.type === 'call' && awaited.childForFieldName('function')?.childForFieldName('attribute')?.text === 'wait';
  return site.name === 'asyncio.wait_for' && waits;
}

/** Calls that may pause a loop: sleeps, waits, backoffs, reconnects (which usually wait inside). */
const PACING = /sleep|wait|backoff|delay|reconnect|retry|throttle|call_later/i;

/**
 * `while True: try: await client.subscribe() except ClientError: continue`: when the service is down the call fails
 * at once, and the loop calls again at once, as fast as it can. Only an endless loop (`while True`, `while
 * self._running`) whose only pacing is the failing call, and a handler that neither leaves the loop nor waits.
 */
function checkRetriesWithoutPause(context: FileContext, file: FileModel): void {
  for (const loop of file.nodesOfType('while_statement')) {
    const condition = loop.childForFieldName('condition');
    const body = loop.childForFieldName('body');
    if (!condition || !body || unwrap(condition).type === 'comparison_operator' || unwrap(condition).type === 'boolean_operator') continue;
    const ownCalls = callsInLoop(file, body);
    if (ownCalls.some((site) => PACING.test(site.name ?? site.method ?? ''))) continue;
    for (const attempt of descendants(body, ['try_statement']).filter((statement) => inLoopRound(loop, statement))) {
      const block = attempt.childForFieldName('body');
      const tried = block
        ? callsInLoop(file, block)
            .filter((site) => site.node.parent?.type === 'await' || SYNC_REQUEST.test(site.method ?? site.name ?? '') || (site.method !== undefined && CONNECTING.test(site.method)))
            .filter((site) => !advancesIterator(file, site))
        : [];
      if (tried.length === 0) continue;
      // Another awaited call of the loop (a queue's get, an event's wait) paces it whatever the handler does.
      if (ownCalls.some((site) => site.node.parent?.type === 'await' && !contains(attempt, site.node))) continue;
      for (const handler of attempt.namedChildren.filter((child) => child.type === 'except_clause')) {
        const handling = handler.namedChildren.find((child) => child.type === 'block');
        const last = handling?.namedChildren[handling.namedChildren.length - 1];
        if (!handling || (last && ['break_statement', 'return_statement', 'raise_statement'].includes(last.type))) continue;
        // `self._connected = False` where the loop runs `while self._connected:`: the handler ends the loop.
        if (clearsLoopFlag(condition, handling)) continue;
        // `if attempts >= MAX_ATTEMPTS: raise` with `attempts += 1`: a few tries, then the loop ends.
        if (countsTries(handling, body)) continue;
        // A handler that awaits something (a reconnect, a wait of its own) may pause: a person's call, not ours.
        if (callsInLoop(file, handling).some((site) => site.node.parent?.type === 'await')) continue;
        const caught = handler.namedChildren.find((child) => child.type !== 'block' && child.type !== 'comment')?.text ?? 'an error';
        if (readsPastBadData(caught, tried)) continue;
        context.markUsed();
        context.report(handler, `When ${excerpt(caught, 40)} is raised, this loop calls \`${excerpt(tried[0].callee.text, 40)}\` again at once: a service that is down gets called as fast as the loop runs. Wait before trying again, and wait longer after each failure (back off).`);
        break;
      }
    }
  }
}

/**
 * Whether a handler leaves the loop once a counter the loop raises passes a limit: `if delay >= MAX: raise` with
 * `delay += 1` in the loop. A retry bounded that way is a few tries, not a loop that runs as fast as it can.
 */
function countsTries(handling: Node, loopBody: Node): boolean {
  const raised = new Set(
    descendants(loopBody, ['augmented_assignment'])
      .filter((assignment) => /^\+=$/.test(assignment.childForFieldName('operator')?.text ?? '+='))
      .map((assignment) => assignment.childForFieldName('left')?.text),
  );
  return handling.namedChildren.some((statement) => {
    if (statement.type !== 'if_statement') return false;
    const condition = statement.childForFieldName('condition');
    const consequence = statement.childForFieldName('consequence');
    const last = consequence?.namedChildren[consequence.namedChildren.length - 1];
    if (!condition || !last || !['break_statement', 'return_statement', 'raise_statement'].includes(last.type)) return false;
    const parts = comparisonParts(unwrap(condition));
    if (!parts) return false;
    const { operator } = parts;
    const counter = ['>=', '>', '=='].includes(operator) ? parts.left : ['<=', '<'].includes(operator) ? parts.right : null;
    return counter !== null && raised.has(unwrap(counter).text);
  });
}

/** Whether a block sets the name or attribute a loop's condition tests (`while self._running:`) to a false value. */
function clearsLoopFlag(condition: Node, block: Node): boolean {
  const flag = unwrap(condition);
  if (flag.type !== 'identifier' && flag.type !== 'attribute') return false;
  return block.namedChildren.some((statement) => {
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    const value = assignment?.type === 'assignment' ? assignment.childForFieldName('right') : null;
    return assignment?.childForFieldName('left')?.text === flag.text && value !== null && ['false', 'none'].includes(unwrap(value).type);
  });
}

/** A test of a response's status that holds for a success: `resp.status == 200`, `response.ok`, `r.status_code < 300`. */
const SUCCESS_TEST = /\.(status|status_code)\s*(==\s*20\d|<\s*[34]00|in\s*[([{]\s*20\d)|\.ok\b/;

/**
 * `while True: async with session.get(url) as resp: if resp.status == 200: return await resp.json()`: every answer that
 * is not a success sends the same request again at once, so a service that answers 500 (or 401 for a stale token)
 * gets called as fast as the loop runs. Only endless loops with no pacing call, whose every way out is in a success
 * branch, and no other awaited call than the request and what reads its answer there.
 */
function checkStatusRetriesWithoutPause(context: FileContext, file: FileModel): void {
  if (!file.mentions(/\.(status|status_code|ok)\b/)) return;
  for (const loop of file.nodesOfType('while_statement')) {
    const condition = loop.childForFieldName('condition');
    const body = loop.childForFieldName('body');
    if (!condition || !body || !['true', 'identifier', 'attribute'].includes(unwrap(condition).type)) continue;
    const ownCalls = callsInLoop(file, body).filter((site) => inLoopRound(loop, site.node));
    if (ownCalls.some((site) => PACING.test(site.name ?? site.method ?? '')) || descendants(body, ['try_statement']).length > 0) continue;
    const requests = ownCalls.filter((site) => site.method !== undefined && /^(get|post|put|patch|request)$/.test(site.method) && site.callee.type === 'attribute');
    if (requests.length === 0) continue;
    const successBranches = descendants(body, ['if_statement']).filter((branch) => inLoopRound(loop, branch) && SUCCESS_TEST.test(branch.childForFieldName('condition')?.text ?? ''));
    const inSuccess = (node: Node) => successBranches.some((branch) => contains(branch.childForFieldName('consequence') ?? branch, node));
    const exits = descendants(body, ['return_statement', 'break_statement', 'raise_statement']).filter((exit) => inLoopRound(loop, exit));
    // `if resp.status == 429: continue`: a failed answer sends the loop round to the request again, whatever else leaves.
    const retriesFailure = descendants(body, ['if_statement']).some((branch) => {
      const consequence = branch.childForFieldName('consequence');
      const last = consequence?.namedChildren[consequence.namedChildren.length - 1];
      return inLoopRound(loop, branch) && last?.type === 'continue_statement' && FAILED_ANSWER.test(branch.childForFieldName('condition')?.text ?? '');
    });
    if (!retriesFailure && (successBranches.length === 0 || exits.length === 0 || !exits.every(inSuccess))) continue;
    // Anything else awaited each round (a login, a queue) may pace the loop: a person's call, not ours.
    // Reading the answer (`await resp.json()`) waits for nothing but the bytes already on their way.
    if (ownCalls.some((site) => site.node.parent?.type === 'await' && !requests.includes(site) && !inSuccess(site.node) && !ANSWER_READ.test(site.method ?? ''))) continue;
    context.markUsed();
    context.report(loop, `When the answer is not a success, this loop sends \`${excerpt(requests[0].callee.text, 40)}\` again at once: a service that is down or refuses the request gets called as fast as the loop runs. Wait before trying again, back off after each failure, and give up after a few tries.`);
  }
}

const ANSWER_READ = /^(json|text|read)$/;

/** A test that an answer failed: `resp.status == 429`, `status != 200`, `>= 500`, `in (429, 503)`, `not resp.ok`. */
const FAILED_ANSWER = /\.(status|status_code)\s*(==\s*[45]\d\d|!=\s*2\d\d|>=?\s*[45]\d\d|in\s*[([{]\s*[45]\d\d)|\bnot\s+\w+(\.\w+)*\.ok\b/;

/** Reads of a stream that wait for data to arrive: `reader.readline()`, `process.stdout.readuntil(b"\\n")`. */
const STREAM_READ = /^(readline|readuntil|readexactly|read)$/;
/** What a stream read raises for the data it got, not for a peer that is gone: a line over the limit, bad text. */
const DATA_ERROR = /^(ValueError|UnicodeDecodeError|(asyncio\.)?LimitOverrunError)$/;

/**
 * `except ValueError` around `await reader.readline()`: the over-long line is dropped and the next read waits for
 * new data, so the loop does not spin (a reset connection raises other errors, which are still reported).
 */
/**
 * `await it.__anext__()`, `next(it)`: each call moves on to the next item, so calling it again after an error skips an
 * item instead of asking again (and a generator an error escaped from is finished: the next call ends the loop).
 */
function advancesIterator(file: FileModel, site: CallSite): boolean {
  if (site.method === '__anext__' || site.method === '__next__') return true;
  return (site.name === 'next' || site.name === 'anext') && file.isBuiltin(site.name);
}

function readsPastBadData(caught: string, tried: CallSite[]): boolean {
  const errors = caught.split(/\s+as\s+/)[0].split(/[(),\s]+/).filter(Boolean);
  return errors.length > 0 && errors.every((error) => DATA_ERROR.test(error)) && tried.every((site) => STREAM_READ.test(site.method ?? ''));
}

const TASK_STARTERS = /(^|\.)(create_task|async_create_task|async_create_background_task|ensure_future)$/;

/**
 * `except ClientConnectorError: _register_subscribe_task(hass, entry)`, where that starts `_subscribe(...)` again as a
 * task: the retry loop of a coroutine that restarts itself. When the service is down it restarts at once, as fast as
 * the event loop runs it. Reported at the handler, unless the coroutine waits somewhere (a sleep, a back-off).
 */
function checkRescheduledWithoutPause(context: FileContext, file: FileModel): void {
  for (const fn of file.functions) {
    const name = fn.childForFieldName('name')?.text;
    if (!name || !fn.children.some((child) => child.type === 'async')) continue;
    const calls = callsInLoop(file, fn);
    if (calls.some((site) => PACING.test(site.name ?? site.method ?? ''))) continue;
    const restarts = (site: CallSite, depth: number): boolean => {
      if (TASK_STARTERS.test(site.name ?? site.method ?? '') && [...site.args, ...site.keywords.values()].some((argument) => restartsCoroutine(argument, name))) return true;
      if (depth <= 0 || site.callee.type !== 'identifier') return false;
      const helper = file.moduleFunction(site.callee.text);
      return helper !== undefined && helper.id !== fn.id && callsInLoop(file, helper).some((inner) => restarts(inner, depth - 1));
    };
    for (const handler of descendants(fn, ['except_clause'])) {
      if (file.enclosingFunction(handler)?.id !== fn.id) continue;
      const restart = callsInLoop(file, handler).find((site) => restarts(site, 1));
      if (!restart) continue;
      const caught = handler.namedChildren.find((child) => child.type !== 'block' && child.type !== 'comment')?.text ?? 'an error';
      context.markUsed();
      context.report(handler, `When ${excerpt(caught, 40)} is raised, ${name}() starts itself again at once (\`${excerpt(restart.node.text, 40)}\`): a service that is down gets called as fast as the event loop runs. Wait before trying again, and wait longer after each failure (back off).`);
      break;
    }
  }
}

/** `_subscribe(hass, entry)` handed to a task starter: the coroutine named `name` started again. */
function restartsCoroutine(argument: Node, name: string): boolean {
  const value = unwrap(argument);
  if (value.type !== 'call') return false;
  const callee = value.childForFieldName('function');
  return (callee?.type === 'identifier' && callee.text === name) || (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === name);
}

/** Whether a node runs in each round of this loop itself: not inside a nested loop, function or class. */
function inLoopRound(loop: Node, node: Node): boolean {
  for (let current = node.parent; current && current.id !== loop.id; current = current.parent) {
    if (['for_statement', 'while_statement', 'function_definition', 'lambda', 'class_definition'].includes(current.type)) return false;
  }
  return true;
}

/** The calls made in a block, not counting nested functions (they run when called, not each round). */
function callsInLoop(file: FileModel, block: Node): CallSite[] {
  return descendants(block, ['call'])
    .filter((node) => !file.enclosingFunction(node) || contains(file.enclosingFunction(node)!, block))
    .map((node) => file.callSite(node))
    .filter((site): site is CallSite => site !== undefined);
}

/** Replaces a literal `timedelta(...)` with one at the minimum; a person decides whether that is right. */
function intervalSuggestion(file: FileModel, expression: Node, minimum: number): Fix[] {
  const node = unwrap(expression);
  if (node.type !== 'call') return [];
  const site = file.callSite(node);
  if (!site || !site.name?.endsWith('timedelta')) return [];
  // Only a span written out (`timedelta(seconds=5)`): one made from names (`timedelta(seconds=seconds)`, set on
  // several branches or from an option) is the code's to change where those are set.
  if (![...site.args, ...site.keywords.values()].every((argument) => ['integer', 'float'].includes(unwrap(argument).type))) return [];
  const callee = site.callee.text;
  const replacement = minimum % 60 === 0 ? `${callee}(minutes=${minimum / 60})` : `${callee}(seconds=${minimum})`;
  return [{ title: `Poll every ${formatSeconds(minimum)}`, safe: false, edits: [replaceNode(node, replacement)] }];
}

function formatSeconds(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${Number(seconds.toFixed(3))} second${seconds === 1 ? '' : 's'}`;
}
