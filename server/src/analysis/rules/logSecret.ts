import type { Node } from 'web-tree-sitter';
import { addImport, insertAt, replaceNode } from '../fixes';
import type { CallSite, FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { isLoggingCall, loggedArguments } from '../model/logging';
import { integrationSecretKeys, secretIn, type SecretCarrier } from '../model/secretFlow';
import { rangeOf, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix, TextEdit } from '../types';

export const REDACTED = '**REDACTED**';

export const logSecret: Rule = {
  meta: {
    id: 'log-secret',
    checklist: 'credentials-in-logs',
    severity: 'error',
    fix: 'safe',
    cwe: 532,
    description: 'A logging call writes a password, token, API key or a whole config payload holding them.',
    docs: `Logs are the least private place in Home Assistant: users paste them into public issues and forums, share
them with support, and keep them for months. A password or token written there is as good as published, and
debug logging is switched on exactly when someone is about to share the output.

The rule follows values into every logging form (\`_LOGGER.debug("%s", x)\`, f-strings, \`.format\`, \`%\`,
concatenation, \`extra=\`) through local variables: a credential read from \`entry.data\`, \`user_input\`,
\`config\`, a secret-named variable or attribute, a headers dict with an \`Authorization\` value, or a whole
\`entry.data\` / \`entry.options\` / \`user_input\` / webhook payload when the integration handles credentials.
Safe forms stay silent: \`len(token)\`, \`bool(password)\`, \`token[:4]\`, a \`ConfigEntry\` itself, redacted values
(\`async_redact_data\`, \`partial_redact\`, \`{**cfg, CONF_PASSWORD: "***"}\`), and messages that only name a secret.

**Fix:** the quick fix replaces the secret with \`"**REDACTED**"\`, keeping the message's placeholders, or wraps a
whole payload in \`async_redact_data(..., TO_REDACT)\`, creating \`TO_REDACT\` and the import when missing.

Bad:
\`\`\`python
_LOGGER.debug("Logging in with %s", entry.data)
_LOGGER.debug(f"Using token {token}")
\`\`\`

Good:
\`\`\`python
_LOGGER.debug("Logging in with %s", async_redact_data(entry.data, TO_REDACT))
_LOGGER.debug("Using token ending in %s", token[-4:])
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    for (const call of file.calls) {
      if (!isLoggingCall(file, call, integration)) continue;
      context.markUsed();
      for (const argument of loggedArguments(call)) {
        const carrier = secretIn(file, argument, integration);
        if (!carrier) continue;
        const message =
          carrier.kind === 'secret'
            ? `This log call writes a credential (\`${shorten(carrier.what)}\`); logs get shared, so leave it out or log a redacted form.`
            : `This log call writes \`${shorten(carrier.what)}\` whole, which holds this integration's credentials (${[...integrationSecretKeys(file, integration)].slice(0, 3).join(', ')}); redact it first.`;
        context.report(call.node, message, { fix: redactFix(file, call, argument, carrier, integration) });
        break;
      }
    }
  },
};

function redactFix(file: FileModel, call: CallSite, argument: Node, carrier: SecretCarrier, integration: IntegrationModel | undefined): Fix | undefined {
  const target = unwrap(argument);
  if (carrier.kind === 'payload') return wrapInRedaction(file, target, integration);
  // The argument is the secret itself: a %-style argument becomes the marker, keeping the placeholders consistent.
  if (target.id === carrier.node.id || file.origins(target).some((origin) => origin.node.id === carrier.node.id)) {
    if (call.args[0]?.id === argument.id && call.method !== 'log') return undefined;
    return { title: 'Redact the secret in this log call', safe: true, edits: [replaceNode(target, quoted(file, REDACTED))] };
  }
  // An f-string message: the interpolation holding the secret becomes literal text.
  if (target.type === 'string') {
    for (const child of target.namedChildren) {
      if (child?.type !== 'interpolation') continue;
      const value = child.childForFieldName('expression') ?? child.namedChild(0);
      if (value && secretIn(file, value, integration)) {
        return { title: 'Redact the secret in this log call', safe: true, edits: [replaceNode(child, REDACTED)] };
      }
    }
  }
  return undefined;
}

/** `async_redact_data(payload, TO_REDACT)`, importing the helper and defining `TO_REDACT` when the module lacks them. */
export function wrapInRedaction(file: FileModel, payload: Node, integration: IntegrationModel | undefined): Fix | undefined {
  const edits: TextEdit[] = [];
  const redactName = localNameOf(file, /(^|\.)(components\.diagnostics|helpers\.redact)\.async_redact_data$/) ?? 'async_redact_data';
  if (!localNameOf(file, /(^|\.)(components\.diagnostics|helpers\.redact)\.async_redact_data$/)) {
    if (file.imports.has('async_redact_data') || file.constants.has('async_redact_data')) return undefined;
    const importEdit = addImport(file, 'homeassistant.components.diagnostics', 'async_redact_data');
    if (importEdit) edits.push(importEdit);
  }
  const toRedact = toRedactName(file, integration, edits);
  if (!toRedact) return undefined;
  const payloadText = payload.type === 'dictionary_splat' ? payload.namedChild(0)?.text ?? payload.text : payload.text;
  edits.push(replaceNode(payload, `${redactName}(${payloadText}, ${toRedact})`));
  return { title: 'Redact the payload with async_redact_data', safe: true, edits };
}

function localNameOf(file: FileModel, qualified: RegExp): string | undefined {
  for (const [local, name] of file.imports) if (qualified.test(name)) return local;
  return undefined;
}

/** An existing TO_REDACT (module constant or imported), else a new one listing the integration's credential keys. */
function toRedactName(file: FileModel, integration: IntegrationModel | undefined, edits: TextEdit[]): string | undefined {
  if (file.constants.has('TO_REDACT')) return 'TO_REDACT';
  const imported = [...file.imports.entries()].find(([, qualified]) => /\.TO_REDACT$/.test(qualified));
  if (imported) return imported[0];
  const fromConst = integration?.files.find((candidate) => candidate.constants.has('TO_REDACT') && candidate.moduleName !== file.moduleName);
  if (fromConst) {
    const module = relativeModule(file, fromConst);
    if (module) {
      const importEdit = addImport(file, module, 'TO_REDACT');
      if (importEdit) edits.push(importEdit);
      return 'TO_REDACT';
    }
  }
  const keys = [...integrationSecretKeys(file, integration)].sort();
  if (keys.length === 0) return undefined;
  const quote = quoteStyle(file);
  const definition = `\nTO_REDACT = {${keys.map((key) => `${quote}${key}${quote}`).join(', ')}}\n`;
  edits.push(insertAt(afterImports(file), 0, definition));
  return 'TO_REDACT';
}

function relativeModule(file: FileModel, target: FileModel): string | undefined {
  const own = file.moduleName.split('.');
  const other = target.moduleName.split('.');
  if (own.length !== other.length || own.slice(0, -1).join('.') !== other.slice(0, -1).join('.')) return undefined;
  return `.${other[other.length - 1]}`;
}

function afterImports(file: FileModel): number {
  let line = 0;
  for (const child of file.root.namedChildren) {
    if (!child) continue;
    if (child.type === 'import_statement' || child.type === 'import_from_statement' || child.type === 'future_import_statement') line = rangeOf(child).end.line + 1;
  }
  return line;
}

function quoteStyle(file: FileModel): string {
  return (file.text.match(/'/g) ?? []).length > (file.text.match(/"/g) ?? []).length ? "'" : '"';
}

function quoted(file: FileModel, text: string): string {
  const quote = quoteStyle(file);
  return `${quote}${text}${quote}`;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
