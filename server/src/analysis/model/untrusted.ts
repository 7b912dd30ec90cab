import type { Node } from 'web-tree-sitter';
import { unwrap } from '../python/syntax';
import type { FileModel } from './fileModel';
import type { IntegrationModel } from './integration';

/**
 * Home Assistant's untrusted inputs and the local data flow from them.
 *
 * - `untrustedSource(file, expression, integration)` says whether a value may carry data that someone outside the
 *   integration controls, following local assignments (FileModel.origins) and looking inside compound
 *   expressions (f-strings, concatenation, subscripts, calls such as `str(x)` or `os.path.join(a, x)`):
 *   service call data (`call.data[...]` in a service handler), config/options flow input (`user_input` and the
 *   discovery info of `async_step_*`), a webhook handler's `request`, and a HomeAssistantView handler's `request`
 *   and path parameters.
 * - `registeredHandlers(file, integration)` finds the functions registered as service and webhook handlers,
 *   across the integration's files (a handler defined in one module and registered in another).
 * Sanitisers are rule-specific (a file name is safe after `Path(x).name`, SQL is not), so rules check them.
 */

export type UntrustedKind = 'service-data' | 'flow-input' | 'webhook' | 'view-request';

export interface UntrustedSource {
  kind: UntrustedKind;
  /** For messages: "service call data", "config flow input", ... */
  description: string;
  /** The parameter (or expression) the data enters through. */
  node: Node;
}

const DESCRIPTIONS: Record<UntrustedKind, string> = {
  'service-data': 'service call data',
  'flow-input': 'config flow input',
  webhook: 'a webhook request',
  'view-request': 'an HTTP request',
};

const SERVICE_REGISTRATION = /(^|\.)(services\.async_register|services\.register|async_register_admin_service|async_register_entity_service|async_register_platform_entity_service|verify_domain_control)$/;
const WEBHOOK_REGISTRATION = /(^|\.)(components\.webhook\.async_register|webhook\.async_register|webhook_register)$/;
const VIEW_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'head']);
const FLOW_STEP = /^async_step_/;

export interface RegisteredHandlers {
  /** Function definitions registered as service handlers, by node id. */
  services: Set<number>;
  /** Function definitions registered as webhook handlers, by node id. */
  webhooks: Set<number>;
}

const handlerCache = new WeakMap<object, RegisteredHandlers>();

/** The service and webhook handlers of an integration (or of a lone file). */
export function registeredHandlers(file: FileModel, integration: IntegrationModel | undefined): RegisteredHandlers {
  const key: object = integration ?? file;
  const cached = handlerCache.get(key);
  if (cached) return cached;
  const handlers: RegisteredHandlers = { services: new Set(), webhooks: new Set() };
  for (const candidate of integration?.files ?? [file]) {
    for (const call of candidate.calls) {
      if (!call.name) continue;
      let handler: Node | undefined;
      let target: Set<number> | undefined;
      if (SERVICE_REGISTRATION.test(call.name)) {
        handler = call.keywords.get('service_func') ?? call.keywords.get('func') ?? call.args.find((arg, index) => index >= 1 && isCallableReference(arg));
        target = handlers.services;
      } else if (WEBHOOK_REGISTRATION.test(call.name)) {
        handler = call.keywords.get('handler') ?? call.args[4];
        target = handlers.webhooks;
      }
      if (!handler || !target) continue;
      const definition = resolveCallable(candidate, handler, integration);
      if (definition) target.add(definition.node.id);
    }
  }
  handlerCache.set(key, handlers);
  return handlers;
}

function isCallableReference(node: Node): boolean {
  const target = unwrap(node);
  return target.type === 'identifier' || target.type === 'attribute' || (target.type === 'call' && /partial$/.test(target.childForFieldName('function')?.text ?? ''));
}

/**
 * The `def` a callable reference names: a local or module function, a method (`self._handle`), an imported
 * function of the integration, or the function inside `functools.partial(fn, ...)`.
 */
export function resolveCallable(file: FileModel, reference: Node, integration: IntegrationModel | undefined): { file: FileModel; node: Node } | undefined {
  const target = unwrap(reference);
  if (target.type === 'call') {
    const first = target.childForFieldName('arguments')?.namedChild(0);
    return first ? resolveCallable(file, first, integration) : undefined;
  }
  if (target.type === 'identifier') {
    const definition = file.bindingsOf(target).find((binding) => binding.kind === 'def' && binding.node.type === 'function_definition');
    if (definition) return { file, node: definition.node };
    const imported = file.imports.get(target.text);
    return imported && integration ? integration.resolveFunction(imported) : undefined;
  }
  if (target.type === 'attribute') {
    const object = target.childForFieldName('object');
    const name = target.childForFieldName('attribute')?.text;
    if (object?.text === 'self' || object?.text === 'cls') {
      let cls: Node | null = target.parent;
      while (cls && cls.type !== 'class_definition') cls = cls.parent;
      const method = cls ? file.functions.find((fn) => fn.childForFieldName('name')?.text === name && enclosingClass(fn)?.id === cls!.id) : undefined;
      return method ? { file, node: method } : undefined;
    }
    const qualified = file.qualifiedName(target);
    return qualified && integration ? integration.resolveFunction(qualified) : undefined;
  }
  return undefined;
}

function enclosingClass(node: Node): Node | undefined {
  let current = node.parent;
  while (current) {
    if (current.type === 'class_definition') return current;
    if (current.type === 'function_definition') return undefined;
    current = current.parent;
  }
  return undefined;
}

/** Whether (and how) a value may carry data controlled from outside the integration. */
export function untrustedSource(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth = 4): UntrustedSource | undefined {
  if (depth < 0) return undefined;
  for (const origin of file.origins(expression)) {
    if (origin.kind === 'parameter' && origin.scope) {
      const kind = parameterKind(file, origin.scope, origin.name ?? '', integration);
      if (kind) return { kind, description: DESCRIPTIONS[kind], node: origin.node };
      continue;
    }
    if (origin.kind !== 'expression') continue;
    const node = unwrap(origin.node);
    for (const part of namesInside(node)) {
      const found = untrustedSource(file, part, integration, depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The names an expression reads its data from: the base of attribute chains and subscripts (`call` in
 * `call.data["x"]`), names inside f-strings, operators and call arguments. Callee names and attribute names are
 * not data.
 */
function namesInside(node: Node): Node[] {
  switch (node.type) {
    case 'identifier':
      return [node];
    case 'attribute':
    case 'subscript': {
      const base = node.childForFieldName(node.type === 'attribute' ? 'object' : 'value');
      const index = node.type === 'subscript' ? node.childForFieldName('subscript') : null;
      return [...(base ? namesInside(base) : []), ...(index ? namesInside(index) : [])];
    }
    case 'call': {
      const callee = node.childForFieldName('function');
      const receiver = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
      const args = node.childForFieldName('arguments');
      const fromArgs = args ? args.namedChildren.flatMap((arg) => (arg ? namesInside(arg.type === 'keyword_argument' ? arg.childForFieldName('value') ?? arg : arg) : [])) : [];
      return [...(receiver ? namesInside(receiver) : []), ...fromArgs];
    }
    case 'keyword_argument':
    case 'lambda':
    case 'comment':
      return [];
    default:
      return node.namedChildren.flatMap((child) => (child ? namesInside(child) : []));
  }
}

function parameterKind(file: FileModel, fn: Node, name: string, integration: IntegrationModel | undefined): UntrustedKind | undefined {
  const functionName = fn.childForFieldName('name')?.text ?? '';
  const parameters = parameterNames(fn);
  const index = parameters.indexOf(name);
  const annotation = parameterAnnotation(fn, name);
  const handlers = registeredHandlers(file, integration);
  if (annotation === 'ServiceCall' || (handlers.services.has(fn.id) && index === parameters.length - 1)) return 'service-data';
  if (FLOW_STEP.test(functionName) && enclosingClass(fn) && index === 1) return 'flow-input';
  if (handlers.webhooks.has(fn.id) && (name === 'request' || index === 2)) return 'webhook';
  const cls = enclosingClass(fn);
  if (cls && VIEW_METHODS.has(functionName) && index >= 1 && isViewClass(file, cls)) return 'view-request';
  return undefined;
}

function parameterNames(fn: Node): string[] {
  const parameters = fn.childForFieldName('parameters');
  return (parameters?.namedChildren ?? []).map((parameter) => {
    if (!parameter) return '';
    if (parameter.type === 'identifier') return parameter.text;
    const nameNode = parameter.childForFieldName('name') ?? parameter.namedChildren.find((child) => child?.type === 'identifier');
    return nameNode?.text ?? '';
  });
}

function parameterAnnotation(fn: Node, name: string): string | undefined {
  for (const parameter of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!parameter || (parameter.type !== 'typed_parameter' && parameter.type !== 'typed_default_parameter')) continue;
    const nameNode = parameter.childForFieldName('name') ?? parameter.namedChildren.find((child) => child?.type === 'identifier');
    if (nameNode?.text !== name) continue;
    return parameter.childForFieldName('type')?.text.split('.').pop();
  }
  return undefined;
}

/** A class deriving (directly) from HomeAssistantView, through any import alias. */
export function isViewClass(file: FileModel, cls: Node): boolean {
  const bases = cls.childForFieldName('superclasses');
  return (bases?.namedChildren ?? []).some((base) => base !== null && /(^|\.)HomeAssistantView$/.test(file.qualifiedName(base) ?? base.text));
}
