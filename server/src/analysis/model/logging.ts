import type { Node } from 'web-tree-sitter';
import { unwrap } from '../python/syntax';
import type { CallSite, FileModel } from './fileModel';
import type { IntegrationModel } from './integration';

const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log']);
const LOGGER_NAMES = /^_?(LOGGER|LOG|logger|log|_logger|_log|LOGGER_\w+|\w+_LOGGER|\w+_logger)$/;

/**
 * Whether a call writes to a log: `logging.debug(...)`, or a level method on a logger, recognised by
 * its name (`_LOGGER`, `LOGGER`, `self.logger`), by being `logging.getLogger(...)`, or by being imported from
 * a module of the integration that defines it so (`from .const import LOGGER`).
 */
export function isLoggingCall(file: FileModel, call: CallSite, integration: IntegrationModel | undefined): boolean {
  if (!call.method || !LOG_METHODS.has(call.method)) return false;
  if (call.name && /^logging\.\w+$/.test(call.name)) return true;
  const receiver = call.callee.childForFieldName('object');
  if (!receiver) return false;
  const target = unwrap(receiver);
  const last = target.type === 'attribute' ? target.childForFieldName('attribute')?.text ?? '' : target.text;
  if (LOGGER_NAMES.test(last)) return true;
  if (target.type === 'call') return /(^|\.)getLogger$/.test(file.callSite(target)?.name ?? '');
  if (target.type === 'identifier') {
    return file.origins(target).some((origin) => isGetLogger(file, origin.node)) || importedLogger(file, target, integration);
  }
  return false;
}

function isGetLogger(file: FileModel, node: Node): boolean {
  const target = unwrap(node);
  return target.type === 'call' && /(^|\.)(getLogger|getChild)$/.test(file.callSite(target)?.name ?? file.callSite(target)?.method ?? '');
}

function importedLogger(file: FileModel, identifier: Node, integration: IntegrationModel | undefined): boolean {
  const qualified = file.imports.get(identifier.text);
  const constant = qualified && integration ? integration.resolveConstant(qualified) : undefined;
  return constant !== undefined && isGetLogger(constant.file, constant.node);
}

/** The arguments of a logging call that end up in the message (not `exc_info=` and the like). */
export function loggedArguments(call: CallSite): Node[] {
  const args = call.method === 'log' ? call.args.slice(1) : call.args;
  const extra = call.keywords.get('extra');
  return extra ? [...args, extra] : args;
}
