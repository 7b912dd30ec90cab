import type { Node } from '../python/syntaxTree';
import type { CallSite, FileModel } from '../model/fileModel';
import { libraryKeptFile, literalNames } from '../model/configFolder';
import { constantExpression } from '../model/integration';
import { persistedData } from '../model/persistence';
import { credentialKeys, dictAdditionValues, isCredentialKey, isInert, isRequestPayload, readsEntryCredential, RESPONSE_SOURCE, SAME_VALUE_METHODS, secretsIn, selfAttributeValues, storedCredentialKeys, TOKEN_ENDPOINT_ANSWER } from '../model/secretFlow';
import { looksLikeSecretValue } from '../model/secretValues';
import { declaredSecretKeys, holdsNoCredential, markedKey, type MarkedKey } from '../model/schemaKeys';
import { isSecretName, isWebhookAddress, normalizeName, webhookAddressIn } from '../model/secrets';
import { stateAttributeEntries } from '../model/stateAttributes';
import { callsTextReshapingHelper, isEntityClass, methodsOf, parametersOf, resolveClass } from '../model/untrusted';
import { yamlSchemas } from '../model/yamlSchemas';
import { contains, descendants, literalString, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import { baseName, excerpt } from '../text';

const CONFIG_ENTRY_PAYLOAD = /(^|\.)(config_)?entry\.(data|options)$/;

export const credentialsOutsideEntry: Rule = {
  meta: {
    id: 'credentials-outside-entry',
    checklist: 'credentials-storage',
    severity: 'warning',
    fix: 'none',
    cwe: 312,
    description: 'Credentials are kept outside the config entry: in a Store, a file, the process environment, or a YAML configuration schema.',
    docs: `Home Assistant keeps an integration's credentials in its config entry. That is not encryption (config
entries are plain JSON in \`.storage/core.config_entries\`), but it gives one well-known copy: diagnostics and
redaction tooling know where it is, removing the entry removes it, and it stays out of the YAML files people
share. A second copy in the integration's own \`Store\`, a JSON or text file, or a YAML \`CONFIG_SCHEMA\` that asks
users to type passwords into \`configuration.yaml\` escapes all of that.

The rule reports credentials published as an entity's state or state attributes or in the data of an event it
fires (\`hass.bus.async_fire(event, {"token": token})\`, also a local dict filled in before it is fired: events are
recorded and delivered to every subscriber) or of a service it calls (\`hass.services.async_call(domain, service,
data)\`: every service call is fired as a call_service event; a lock's or alarm panel's \`code\` is what those services
take by design), \`Store.async_save(...)\` and file
writes (\`json.dump\`, \`save_json\`, \`write_text\`, \`.write\`) whose data holds credential keys (also nested in the
dicts and lists it is built of) or the whole \`entry.data\`, credentials copied into the process environment
(\`os.environ[...] = ...\`, \`os.environ.update\`, \`os.putenv\`: every integration and child process reads it), a
credential used as a config entry's or entity's unique id (\`async_set_unique_id(user_input[CONF_API_KEY])\`,
\`self._attr_unique_id = token\`, a \`unique_id\` property returning it: unique ids
are kept in the registries and appear unredacted in diagnostics and logs; a truncated or hashed credential is fine) or as a config entry's title
(\`async_create_entry(title=user_input[CONF_API_KEY], ...)\`), and YAML \`CONFIG_SCHEMA\`/\`PLATFORM_SCHEMA\` entries
(marked, \`vol.Required(CONF_PASSWORD)\`, or bare, \`"api_password": cv.string\`)
for passwords, tokens, keys, PIN codes and database URLs (a GPIO \`pin\` validated as a number is no PIN; a key every
schema makes a switch, \`"requires_api_password": cv.boolean\`, or a number other than a PIN or code,
\`"token_lifetime": vol.Coerce(int)\`, is no credential here or anywhere in the item), and without a
schema, credentials read from the YAML \`config\` a setup function, a platform or a legacy notify, device tracker or TTS
platform (\`get_service\`, \`get_scanner\`, \`get_engine\`) is given, also in the class or function of the module it hands
that \`config\` to whole. An integration that imports
that YAML into a config entry (\`async_step_import\`, a flow started with \`SOURCE_IMPORT\`), or its OAuth client
credentials into application credentials (\`async_import_client_credential\`), gets a note to review
instead: users should be told to remove the credentials from \`configuration.yaml\` once imported. So does one of
Home Assistant's own legacy integrations without a config flow (\`homeassistant/components/<domain>\`): the rule is
for new integrations, and those predate config flows. Saving credentials with \`async_create_entry\` / \`async_update_entry\` is the right
place and is not reported; where the service offers tokens, store a token rather than the password (shown as a
note to review). A library pointed at a file in the configuration folder to keep its login in (session cookies,
a token file) is a note to review too: the copy is real, but the library may offer no other way.

Bad:
\`\`\`python
await self._store.async_save({"username": user, "password": password})
\`\`\`

Good:
\`\`\`python
self.hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_TOKEN: token})
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    // A write handed to the executor (`hass.async_add_executor_job(save_json, path, data)`) counts as the write.
    for (const call of file.callsWithDeferred) {
      const persisted = persistedData(file, call);
      if (persisted?.kind === 'store') {
        const secret = credentialIn(context, persisted.data);
        if (secret) context.report(call.node, `Credentials (${secret}) are saved to a Store, outside the config entry; keep them in entry.data (updated with async_update_entry) instead.`);
        const session = !secret ? sessionKept(context, persisted.data) : undefined;
        if (session) context.review(`A Store in ${baseName(file.path)} keeps "${session}", a login session's state; if it holds the session's tokens, they are a copy outside the config entry (keep them in entry.data, updated with async_update_entry).`);
      } else if (persisted) {
        const secret = credentialIn(context, persisted.data);
        if (secret) context.report(call.node, `Credentials (${secret}) are written to a file, outside the config entry; keep them in entry.data (updated with async_update_entry) instead.`);
      } else if (EVENT_FIRE.test(call.name ?? '') || (call.method === 'async_fire' || call.method === 'fire') && /\bbus$/.test(call.callee.childForFieldName('object')?.text ?? '')) {
        checkEventData(context, call.args[1] ?? call.keywords.get('event_data'));
      } else if ((call.method === 'async_call' || call.method === 'call') && /\bservices$/.test(call.callee.childForFieldName('object')?.text ?? '')) {
        // Home Assistant fires every service call as a call_service event, its data included.
        checkEventData(context, call.args[2] ?? call.keywords.get('service_data'), true);
      } else if (call.method === 'async_set_unique_id') {
        const uniqueId = call.args[0] ?? call.keywords.get('unique_id');
        const secret = uniqueId && credentialIn(context, uniqueId);
        if (secret) context.report(call.node, UNIQUE_ID_MESSAGE(secret, 'config entry'));
      } else if (call.method === 'async_create_entry' || call.method === 'async_update_entry') {
        const title = call.keywords.get('title');
        // The secret flow knows a shortened credential (`token[:8]`) from the whole one.
        const [titleSecret] = title ? secretsIn(file, title, context.integration).filter((carrier) => carrier.kind === 'secret') : [];
        if (title && titleSecret) context.report(title, TITLE_MESSAGE(excerpt(titleSecret.source, 60)));
        const data = call.keywords.get('data');
        if (!data) continue;
        // `data=user_input` holds what the step's form asked for; the integration's key index knows those keys.
        const literalKeys = dictionaryKeys(context, data);
        // `{**user_input, CONF_URL: url}` keeps what the form asked for too.
        const spreads = unwrap(data).type === 'dictionary' && unwrap(data).namedChildren.some((child) => child.type === 'dictionary_splat');
        const keys = literalKeys.length > 0 && !spreads ? literalKeys : [...literalKeys, ...storedCredentialKeys(file, context.integration).keys()];
        if (keys.some(isSecretName)) context.markUsed();
        if (keys.some((key) => /pass(word|wd|phrase)?$|^pwd$/.test(key))) {
          // With a token beside it, the password is kept to log in again when the token runs out.
          const withToken = keys.some((key) => /token/i.test(key) && isSecretName(key));
          context.review(
            withToken
              ? 'The config entry stores a password next to a token; if the token can be renewed without the password, drop the password from the entry so it is never kept.'
              : 'The config entry stores a password; if the service offers tokens (OAuth or API tokens), store a token instead so the password is never kept.',
          );
        }
      }
    }
    // Reading a credential back from the entry (`entry.data[CONF_PASSWORD]`) shows the integration keeps it there; so
    // does an OAuth2 flow, whose framework stores the token in the entry. A form asking for one (a password the flow
    // exchanges for a session) handles credentials too, wherever it keeps what it gets for them.
    // (Only an integration has a checklist: a lone file is not asked.)
    if (context.integration && (readsEntryCredential(file, context.integration) || credentialKeys(file, context.integration).size > 0 || file.classes.some((cls) => OAUTH_FLOW.test(cls.childForFieldName('superclasses')?.text ?? '')))) context.markUsed();
    checkEnvironmentWrites(context, file);
    checkLibraryLoginFiles(context, file);
    checkEntityUniqueIds(context, file);
    checkYamlSchemas(context, file);
    if (context.integration && yamlSchemas(file).length === 0) checkYamlReads(context, file);
    checkStateAttributes(context, file);
  },
};

/**
 * A unique id is no place for a credential: diagnostics dump it next to the redacted data (`entry.as_dict()`), the
 * entity and device registries keep it, and Home Assistant logs it.
 */
const UNIQUE_ID_MESSAGE = (secret: string, of: string): string =>
  `The ${of}'s unique id is a credential (${secret}); unique ids are kept in the registries and shown unredacted in diagnostics and logs, so use an account or device id (or a hash of the credential) instead.`;

/** The entry's title is shown in the UI, kept next to the data, and dumped unredacted by `entry.as_dict()`. */
const TITLE_MESSAGE = (secret: string): string =>
  `The config entry's title is a credential (${secret}); titles are shown in the UI and appear unredacted in diagnostics and logs, so name the entry after the account, the host or the service instead.`;

/** `self._attr_unique_id = token`, or a `unique_id` property returning it: an entity's unique id made of a credential. */
function checkEntityUniqueIds(context: FileContext, file: FileModel): void {
  if (!file.mentions(/_attr_unique_id|def unique_id\b/)) return;
  for (const assignment of file.nodesOfType('assignment')) {
    const target = assignment.childForFieldName('left');
    const value = assignment.childForFieldName('right');
    if (target?.type !== 'attribute' || target.childForFieldName('attribute')?.text !== '_attr_unique_id' || !value) continue;
    const secret = credentialIn(context, value);
    if (secret) context.report(assignment, UNIQUE_ID_MESSAGE(secret, 'entity'));
  }
  for (const fn of file.functions) {
    if (fn.childForFieldName('name')?.text !== 'unique_id' || !file.decoratorsOf(fn).some((decorator) => decorator.name === 'property')) continue;
    for (const statement of descendants(fn, ['return_statement'])) {
      const value = statement.namedChildren[0];
      const secret = value ? credentialIn(context, value) : undefined;
      if (secret) context.report(statement, UNIQUE_ID_MESSAGE(secret, 'entity'));
    }
  }
}

/** Calls that set variables of the process environment, with the argument holding the name and the value. */
const ENVIRONMENT_SETTERS = new Map([
  ['os.environ.setdefault', { name: 0, value: 1 }],
  ['os.putenv', { name: 0, value: 1 }],
  ['os.environ.update', { name: undefined, value: 0 }],
]);

/** What names a file that holds a login: its session cookies or tokens. */
const LOGIN_FILE = /token|cookie|session|credential|auth/i;

/**
 * `Service(hass.config.path(".acme.cookies"), username)`: a library keeping its login (cookies, tokens) in a file the
 * integration points it to in the configuration folder. Those are credentials outside the config entry, though the
 * library may leave no other way: a person weighs it.
 */
function checkLibraryLoginFiles(context: FileContext, file: FileModel): void {
  const { integration } = context;
  if (!integration) return;
  for (const call of file.callsWithDeferred) {
    const kept = libraryKeptFile(file, call, integration);
    if (!kept) continue;
    const keyword = [...call.keywords].find(([, value]) => value.id === kept.id)?.[0] ?? '';
    if (!LOGIN_FILE.test(keyword) && ![...literalNames(file, kept, integration)].some((name) => LOGIN_FILE.test(name))) continue;
    context.markUsed();
    context.review(`\`${excerpt(call.callee.text, 40)}\` in ${baseName(file.path)} keeps its login (\`${excerpt(kept.text, 60)}\`) in a file in the configuration folder, a copy of credentials outside the config entry; if the library can hand over its session, keep it in entry.data instead.`);
  }
}

/**
 * `os.environ["SMTP_PASSWORD"] = entry.data[CONF_PASSWORD]`: the process environment is shared by everything Home
 * Assistant runs, integrations and child processes alike, so a credential put there is a copy nobody controls.
 */
function checkEnvironmentWrites(context: FileContext, file: FileModel): void {
  if (!file.mentions(/environ|putenv/)) return;
  const report = (at: Node, name: Node | undefined, value: Node): void => {
    const key = name ? file.stringValue(name, context.integration?.constantString) : undefined;
    const secret = key !== undefined && isSecretName(key) && !isInert(file, value) ? key : credentialIn(context, value);
    if (!secret) return;
    context.markUsed();
    context.report(at, `Credentials (${secret}) are copied into the process environment, which every integration and child process of Home Assistant can read; pass them to the client that needs them instead.`);
  };
  for (const assignment of file.nodesOfType('assignment')) {
    const target = assignment.childForFieldName('left');
    const value = assignment.childForFieldName('right');
    if (target?.type !== 'subscript' || !value) continue;
    const mapping = target.childForFieldName('value');
    if (mapping && file.qualifiedName(mapping) === 'os.environ') report(assignment, target.childForFieldName('subscript') ?? undefined, value);
  }
  for (const call of file.calls) {
    const setter = call.name ? ENVIRONMENT_SETTERS.get(call.name) : undefined;
    const value = setter && call.args[setter.value];
    if (value) report(call.node, setter.name === undefined ? undefined : call.args[setter.name], value);
  }
}

/** A credential published as a state attribute is recorded in the database and sent to every client. */
function checkStateAttributes(context: FileContext, file: FileModel): void {
  for (const entry of stateAttributeEntries(file).entries) {
    const key = file.stringValue(entry.key, context.integration?.constantString);
    // A literal (`None` before the device answers, a placeholder) publishes no credential, nor does a name the code
    // fixes to one of its own words (`self._profile_token = MAIN_PROFILE`, `"MainStream"`: an ONVIF profile's reference).
    if (entry.value !== null && holdsOnlyConstantText(context, entry.value, key ?? '')) continue;
    const holdsValue = entry.value !== null && !isInert(file, entry.value);
    const secret =
      key !== undefined && (isSecretName(key) || isWebhookAddress(key)) && holdsValue
        ? key
        : entry.value
          ? credentialIn(context, entry.value) ?? webhookAddressIn(entry.value)
          : undefined;
    if (!secret) continue;
    context.markUsed();
    context.report(entry.at, `State attribute ${key ? `"${key}"` : entry.key.text} publishes a credential (${secret}); attributes are recorded and visible to every user and client, so leave it out.`);
  }
  checkEntityStates(context, file);
}

/** Whether every value `value` may hold (through `self` attributes and local names) is constant text that is no secret. */
function holdsOnlyConstantText(context: FileContext, value: Node, key: string): boolean {
  const { file, integration } = context;
  const target = unwrap(value);
  const values = target.type === 'attribute' ? selfAttributeValues(file, target) : target.type === 'identifier' ? file.origins(target).map((origin) => origin.node) : [target];
  return values.length > 0 && values.every((candidate) => {
    const text = file.stringValue(candidate, integration?.constantString);
    return text !== undefined && !looksLikeSecretValue(text, key);
  });
}

const EVENT_FIRE = /(^|\.)bus\.(async_)?fire$/;

/**
 * `hass.bus.async_fire("acme_event", {"token": token})`: event data is stored by the recorder, delivered to every
 * websocket subscriber and automation, and shown in traces and the logbook, so a credential in it is a copy anyone
 * with access to Home Assistant can read.
 */
function checkEventData(context: FileContext, data: Node | undefined, serviceCall = false): void {
  const { file } = context;
  for (const { at, keyNode, value } of eventDataEntries(context, data)) {
    const key = keyNode ? file.stringValue(keyNode, context.integration?.constantString) : undefined;
    // A lock's or alarm panel's `code` is what their services take by design.
    if (isInert(file, value) || (serviceCall && key !== undefined && SERVICE_CODE_FIELDS.has(key))) continue;
    const secret = key !== undefined && isSecretName(key) ? key : credentialIn(context, value);
    if (!secret) continue;
    context.markUsed();
    const named = key ? `"${key}"` : excerpt(keyNode?.text ?? '', 30);
    context.report(
      at,
      serviceCall
        ? `Service call data ${named} carries a credential (${secret}); Home Assistant fires every service call as a call_service event, which is recorded and delivered to every automation and websocket subscriber, so pass the credential another way (the entry the handler reads it from).`
        : `Event data ${named} carries a credential (${secret}); events are recorded and delivered to every automation and websocket subscriber, so leave it out.`,
    );
  }
}

const SERVICE_CODE_FIELDS = new Set(['code', 'pin']);

/**
 * The keys and values of event data: a dict written in the call, or a local dict built before it and filled in
 * (`data = {"host": host}; data["password"] = password`).
 */
function eventDataEntries(context: FileContext, data: Node | undefined): { at: Node; keyNode: Node | null; value: Node }[] {
  const { file } = context;
  let literal = data ? unwrap(data) : undefined;
  const additions: { at: Node; keyNode: Node | null; value: Node }[] = [];
  if (literal?.type === 'identifier') {
    const bindings = file.bindingsOf(literal);
    const built = bindings.length === 1 && bindings[0].kind === 'assign' && bindings[0].value ? unwrap(bindings[0].value) : undefined;
    if (built?.type !== 'dictionary') return [];
    for (const addition of dictAdditionValues(file, literal, context.integration)) {
      if (addition.key) additions.push({ at: addition.node, keyNode: addition.key, value: addition.node });
    }
    literal = built;
  }
  if (literal?.type !== 'dictionary') return [];
  const pairs = literal.namedChildren
    .filter((pair) => pair.type === 'pair' && pair.childForFieldName('value') !== null)
    .map((pair) => ({ at: pair, keyNode: pair.childForFieldName('key'), value: pair.childForFieldName('value')! }));
  return [...pairs, ...additions];
}

/** What an entity shows as its state: `native_value`/`state` properties, `_attr_native_value`/`_attr_state`. */
const STATE_MEMBERS = /^(_attr_)?(native_value|state)$/;

/** An entity whose state is a credential (`return self._device.auth_token`) publishes it like an attribute would. */
function checkEntityStates(context: FileContext, file: FileModel): void {
  if (!file.mentions(/native_value|state/)) return;
  for (const cls of file.classes) {
    if (!isEntityClass(file, cls, context.integration)) continue;
    const values: Node[] = [];
    for (const method of methodsOf(cls)) {
      if (STATE_MEMBERS.test(method.childForFieldName('name')?.text ?? '')) values.push(...file.returnedValues(method));
    }
    for (const assignment of descendants(cls, ['assignment'])) {
      const left = assignment.childForFieldName('left');
      const name = left?.type === 'attribute' ? left.childForFieldName('attribute')?.text : left?.text;
      const right = assignment.childForFieldName('right');
      if (right && name && /^_attr_(native_value|state)$/.test(name)) values.push(right);
    }
    for (const value of values) {
      if (isInert(file, value)) continue;
      const secret = credentialIn(context, value) ?? webhookAddressIn(value);
      if (!secret) continue;
      context.markUsed();
      context.report(value, `The entity's state is a credential (${secret}); states are recorded and visible to every user and client, so leave it out.`);
    }
  }
}

/**
 * The credential a value carries: a secret key of a dict literal, a secret-named variable, or a whole entry.data;
 * also nested in the dicts and lists the value is built of (`{"session": {"access_token": token}}`).
 */
/** Keys naming a login session or its credentials as a whole (`"nest_session"`, `"auth"`), stored as an object's state. */
const SESSION_KEY = /(^|_)(session|auth|oauth|login|credentials?)$/;

/** `{"nest_session": session.to_dict()}`: the key of a dict saved to a Store that holds a session object's state. */
function sessionKept(context: FileContext, value: Node): string | undefined {
  for (const origin of context.file.origins(value)) {
    const node = unwrap(origin.node);
    if (node.type !== 'dictionary') continue;
    for (const pair of node.namedChildren.filter((child) => child.type === 'pair')) {
      const key = pair.childForFieldName('key');
      const name = key ? context.file.stringValue(key, context.integration?.constantString) : undefined;
      const kept = unwrap(pair.childForFieldName('value') ?? pair);
      const state = kept.type === 'call' && /(^|\.)(to_dict|as_dict|asdict|dict|model_dump|__dict__|serialize)$/.test(kept.childForFieldName('function')?.text ?? '');
      if (name !== undefined && SESSION_KEY.test(normalizeName(name)) && state) return name;
    }
  }
  return undefined;
}

function credentialIn(context: FileContext, value: Node, depth = 3): string | undefined {
  const { file } = context;
  for (const origin of file.origins(value)) {
    const node = unwrap(origin.node);
    if (origin.kind === 'parameter' && origin.name && isSecretName(origin.name)) return origin.name;
    if (node.type === 'dictionary') {
      // A key whose value is a literal is a template (`"client_secret": "CLIENT_SECRET_HERE"`), not the user's credential.
      const secret = dictionaryKeys(context, node, true).find(isSecretName);
      if (secret) return secret;
      for (const splat of node.namedChildren) {
        if (splat?.type === 'dictionary_splat' && CONFIG_ENTRY_PAYLOAD.test(splat.namedChild(0)?.text ?? '')) return splat.namedChild(0)?.text;
      }
    }
    if (depth > 0 && (node.type === 'dictionary' || node.type === 'list' || node.type === 'tuple')) {
      for (const element of node.namedChildren) {
        const inner = element.type === 'pair' ? element.childForFieldName('value') : element.type === 'comment' ? null : element;
        const secret = inner ? credentialIn(context, inner, depth - 1) : undefined;
        if (secret) return secret;
      }
    }
    const text = node.type === 'call' && /^dict$/.test(node.childForFieldName('function')?.text ?? '') ? node.childForFieldName('arguments')?.namedChild(0)?.text ?? '' : node.text;
    if (CONFIG_ENTRY_PAYLOAD.test(text)) return text;
    if (node.type === 'subscript') {
      const key = node.childForFieldName('subscript');
      const name = key ? file.stringValue(key, context.integration?.constantString) : undefined;
      if (name && isSecretName(name)) return name;
    }
    if (node.type === 'attribute') {
      const name = node.childForFieldName('attribute')?.text;
      if (name && isSecretName(name)) return name;
    }
    if (node.type === 'identifier' && isSecretName(node.text)) return node.text;
    // `image_url(self._host, self._token, path)`, a helper of the integration that formats its arguments into text.
    if (node.type === 'call' && depth > 0 && callsTextReshapingHelper(file, node, context.integration)) {
      const site = file.callSite(node);
      for (const argument of site ? [...site.args, ...site.keywords.values()] : []) {
        const secret = credentialIn(context, argument, depth - 1);
        if (secret) return secret;
      }
    }
    // `token.to_json()`, `oAuthToken.toJson()`: the same credential in another form.
    const site = node.type === 'call' && depth > 0 ? file.callSite(node) : undefined;
    const receiver = site?.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
    if (receiver && SAME_VALUE_METHODS.has(site?.method ?? '')) {
      const inner = credentialIn(context, receiver, depth - 1);
      if (inner) return inner;
    }
  }
  // `json.dump(user_input, handle)`: a flow's input or an entry's data that holds credentials, as secret flow sees it.
  // Request and response bodies are the other party's data, which may or may not carry secrets: not claimed here,
  // except an OAuth token endpoint's answer, which is the tokens.
  const [carrier] = secretsIn(file, value, context.integration).filter((found) => !isRequestPayload(found) && (found.source === TOKEN_ENDPOINT_ANSWER || !found.source.startsWith(RESPONSE_SOURCE)));
  return carrier?.source;
}

const OAUTH_FLOW = /AbstractOAuth2FlowHandler/;

function dictionaryKeys(context: FileContext, value: Node, skipLiteralValues = false): string[] {
  const keys: string[] = [];
  for (const origin of context.file.origins(value)) {
    const node = unwrap(origin.node);
    if (node.type === 'dictionary') {
      for (const pair of node.namedChildren) {
        const literal = pair?.type === 'pair' && literalString(unwrap(pair.childForFieldName('value') ?? pair)) !== undefined;
        if (skipLiteralValues && literal) continue;
        const key = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
        const name = key ? context.file.stringValue(key, context.integration?.constantString) : undefined;
        if (name) keys.push(name);
      }
    } else if (node.type === 'call' && node.childForFieldName('function')?.text === 'dict') {
      const site = context.file.callSite(node);
      if (site) keys.push(...site.keywords.keys());
    }
  }
  return keys;
}

/**
 * `CONF_DB_URL` imported from a module whose value is not known here: Home Assistant names a config key's constant
 * after the key (`CONF_DB_URL = "db_url"`), so the name says which key it is.
 */
function conventionalKey(key: Node): string | undefined {
  const name = unwrap(key).type === 'attribute' ? unwrap(key).childForFieldName('attribute')?.text : unwrap(key).type === 'identifier' ? unwrap(key).text : undefined;
  return name && /^CONF_[A-Z0-9_]+$/.test(name) ? name.slice('CONF_'.length).toLowerCase() : undefined;
}

/**
 * `CONFIG_SCHEMA`/`PLATFORM_SCHEMA` entries such as `vol.Required(CONF_PASSWORD)`: credentials typed into YAML. An
 * integration that imports its YAML into a config entry (a config flow's `async_step_import`, a flow started with
 * `SOURCE_IMPORT`) is moving off YAML the documented way: that is a note to review, not a finding.
 */
function checkYamlSchemas(context: FileContext, file: FileModel): void {
  const schemas = yamlSchemas(file);
  // A schema kept after the YAML was removed, so that the old configuration still loads and a repair issue tells the
  // user to delete it: the credentials it names are read from nowhere.
  if (schemas.length > 0 && yamlRemoved(file)) return;
  for (const { name, node: schema } of schemas) {
    if (dropsDomain(context, file, schema)) continue;
    for (const part of schemaParts(context, file, schema, schema)) {
      for (const { node: keyNode, marked } of schemaKeysIn(part.file, part.node)) {
        const keyName = part.file.stringValue(marked.key, context.integration?.constantString) ?? literalString(marked.key) ?? conventionalKey(marked.key);
        if (!keyName || !(marked.secret || isCredentialKey(keyName, declaredSecretKeys(part.file, context.integration))) || takesNoCredential(part.file, keyNode, keyName)) continue;
        context.markUsed();
        if (importsYaml(context)) {
          context.review(`${name} still takes "${keyName}" from YAML to import it into a config entry; make sure users are told (a repair issue) to remove it from configuration.yaml once imported.`);
        } else if (isLegacyCoreIntegration(context)) {
          context.review(`${name} takes "${keyName}" from YAML: a legacy Home Assistant integration without a config flow, not new code; moving it to a config flow would keep the credential out of configuration.yaml.`);
        } else {
          // A key of a schema defined in another module is reported where this schema takes that one in.
          context.report(part.file === file ? keyNode : part.at, `${name} takes "${keyName}" from YAML; credentials belong in a config flow (stored in the config entry), not in configuration.yaml that users share.`);
        }
      }
    }
  }
}

/**
 * The keys a schema expression takes: marked (`vol.Required(CONF_PASSWORD)`) or bare (`"api_password": cv.string`,
 * which voluptuous reads as a required key). A bare key counts when its value is a validator, not text: a dict of
 * labels (`vol.In({"password": "Password login"})`) names choices, not settings.
 */
function schemaKeysIn(file: FileModel, schema: Node): { node: Node; marked: MarkedKey }[] {
  const keys: { node: Node; marked: MarkedKey }[] = [];
  for (const call of file.calls) {
    if (call.node.startIndex < schema.startIndex || call.node.endIndex > schema.endIndex) continue;
    const marked = markedKey(file, call);
    if (marked) keys.push({ node: call.node, marked });
  }
  for (const pair of descendants(schema, ['pair'])) {
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    if (!key || !value || unwrap(key).type === 'call' || pair.parent?.type !== 'dictionary') continue;
    if (!['identifier', 'attribute', 'call', 'list', 'dictionary'].includes(unwrap(value).type)) continue;
    keys.push({ node: key, marked: { key, secret: false } });
  }
  return keys.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/**
 * One of Home Assistant's own integrations still set up from YAML only: the checklist's rule against credentials in
 * YAML is for new integrations, and these predate config flows.
 */
function isLegacyCoreIntegration(context: FileContext): boolean {
  const integration = context.integration;
  return integration !== undefined && /(^|[\\/])homeassistant[\\/]components[\\/][^\\/]+[\\/]?$/.test(integration.root) && integration.manifest.configFlow !== true;
}

/** The functions Home Assistant calls with a platform's or component's YAML configuration (the second parameter). */
const YAML_ENTRY_NAMES = ['setup_platform', 'setup_scanner', 'get_service', 'get_scanner', 'get_engine', 'setup'].flatMap((name) => [name, `async_${name}`]);

/**
 * Every YAML entry point of the file raises a repair issue (`async_create_issue(..., "removed_yaml", ...)`) and reads
 * nothing of the configuration it is given (at most whether the domain's key is in it): the YAML is only accepted to
 * say it is no longer used.
 */
function yamlRemoved(file: FileModel): boolean {
  const yamlEntries = YAML_ENTRY_NAMES.map((name) => file.moduleFunction(name)).filter((fn): fn is Node => fn !== undefined);
  if (yamlEntries.length === 0) return false;
  return yamlEntries.every((fn) => {
    const config = parametersOf(fn)[1]?.name;
    const body = fn.childForFieldName('body');
    if (!config || !body) return false;
    const raisesIssue = descendants(body, ['call']).some((call) => /(^|\.)(async_)?create_issue$/.test(file.callSite(call)?.name ?? ''));
    // `if DOMAIN in config:` asks whether the YAML is there, reading nothing of it.
    return raisesIssue && !descendants(body, ['identifier']).some((identifier) => identifier.text === config && !membershipTested(identifier));
  });
}

/**
 * `vol.All({DOMAIN: SCHEMA}, cv.removed(DOMAIN, raise_if_present=False))`: the domain's YAML is validated, warned
 * about and then dropped, so nothing it held is taken.
 */
function dropsDomain(context: FileContext, file: FileModel, schema: Node): boolean {
  const domain = context.integration?.domain;
  return descendants(schema, ['call']).some((node) => {
    const site = file.callSite(node);
    if (!site || !/(^|\.)config_validation\.removed$/.test(site.name ?? '') || !site.args[0]) return false;
    const key = file.stringValue(site.args[0], context.integration?.constantString);
    return key !== undefined ? key === domain : site.args[0].text === 'DOMAIN';
  });
}

/** `DOMAIN in config`, `DOMAIN not in config`: the identifier is only asked whether it holds a key. */
function membershipTested(identifier: Node): boolean {
  const parent = identifier.parent;
  return parent?.type === 'comparison_operator' && parent.namedChildren[parent.namedChildren.length - 1]?.id === identifier.id && parent.children.some((child) => child.type === 'in' || child.type === 'not in');
}

/**
 * `vol.Optional("requires_api_password"): cv.boolean`: a switch about a credential, not one; `vol.Required(CONF_PIN):
 * cv.positive_int`: a GPIO pin's number, where a PIN code would be text.
 */
function takesNoCredential(file: FileModel, marker: Node, keyName: string): boolean {
  const pair = marker.parent?.type === 'pair' && marker.parent.childForFieldName('key')?.id === marker.id ? marker.parent : undefined;
  const value = pair?.childForFieldName('value');
  if (!value) return false;
  if (holdsNoCredential(value, keyName)) return true;
  const target = unwrap(value);
  const site = target.type === 'call' ? file.callSite(target) : undefined;
  const name = site ? site.name : file.qualifiedName(target);
  const coerced = site && /(^|\.)Coerce$/.test(name ?? '') ? site.args[0]?.text : undefined;
  if (coerced === 'bool' || name === 'bool' || /(^|\.)(config_validation\.boolean|Boolean)$/.test(name ?? '')) return true;
  // `vol.Optional("private_key"): cv.isfile`: the path of a key file, which stays where the user keeps it.
  if (/(^|\.)(config_validation\.(isfile|isdir)|IsFile|IsDir)$/.test(name ?? '')) return true;
  // A pin picked from a fixed list (`vol.In(list(PIN_TO_ZONE))`) is a GPIO pin, not a code someone keeps secret.
  const number = coerced === 'int' || name === 'int' || /(^|\.)config_validation\.(positive_int|port)$/.test(name ?? '') || /(^|\.)In$/.test(name ?? '');
  return number && /^(conf_)?pins?$/.test(normalizeName(keyName));
}

/**
 * A schema and the schema constants it is built from (`{DOMAIN: vol.All(cv.ensure_list, [APP_SCHEMA])}`, also
 * from const.py), each with where this file takes it in.
 */
function schemaParts(context: FileContext, file: FileModel, node: Node, at: Node, depth = 3, seen = new Set<number>()): { file: FileModel; node: Node; at: Node }[] {
  if (seen.has(node.id)) return [];
  seen.add(node.id);
  const parts = [{ file, node, at }];
  if (depth <= 0) return parts;
  for (const identifier of node.descendantsOfType('identifier')) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(identifier.text)) continue;
    const constant = constantExpression(file, identifier, context.integration);
    // `DEVICE_SCHEMA`, or any constant holding schema keys (`CONNECTION_KEYS = {vol.Optional(CONF_PASSWORD): str}`).
    if (!constant || !(/SCHEMA$/.test(identifier.text) || /\b(Required|Optional|Inclusive|Exclusive)\(/.test(constant.node.text))) continue;
    // Past this file, findings stay at the name through which this file took the schema in.
    parts.push(...schemaParts(context, constant.file, constant.node, file === context.file ? identifier : at, depth - 1, seen));
  }
  return parts;
}

/** Where configuration.yaml's settings arrive: setup, a platform's setup, and legacy notify, tracker and TTS platforms. */
const YAML_SETUP = /^(async_)?(setup(_platform|_scanner)?|get_service|get_scanner|get_engine)$/;

/**
 * Without a schema, credentials read straight from the YAML `config` in a setup function (`for device in
 * config[DOMAIN]: device.get("api_key")`, `config[DOMAIN][CONF_API_KEY]`) come from configuration.yaml all the same.
 */
function checkYamlReads(context: FileContext, file: FileModel): void {
  for (const fn of file.functions) {
    const setup = fn.childForFieldName('name')?.text ?? '';
    if (!YAML_SETUP.test(setup) || file.scopeOf(fn).type !== 'module') continue;
    const config = parametersOf(fn).find((parameter) => parameter.name === 'config')?.name;
    if (!config) continue;
    checkConfigReads(context, file, fn, config, setup);
    // `return NtfyNotificationService(config)`: the settings handed whole to a class or function of the module, which
    // reads them there.
    for (const call of file.calls) {
      const position = call.args.findIndex((argument) => unwrap(argument).text === config);
      if (position < 0 || file.enclosingFunction(call.node)?.id !== fn.id) continue;
      const cls = resolveClass(file, call.callee, context.integration);
      const init = cls?.file === file ? methodsOf(cls.node).find((method) => method.childForFieldName('name')?.text === '__init__') : undefined;
      const local = !cls && call.callee.type === 'identifier' ? file.moduleFunction(call.callee.text) : undefined;
      const receiver = init ?? local;
      const parameter = receiver ? parametersOf(receiver)[position + (init ? 1 : 0)]?.name : undefined;
      if (receiver && parameter) checkConfigReads(context, file, receiver, parameter, setup);
    }
  }
}

/** Credentials read from the YAML settings `config` inside `fn`: `config.get(CONF_PASSWORD)`, `device["api_key"]`. */
function checkConfigReads(context: FileContext, file: FileModel, fn: Node, config: string, setup: string): void {
  const fromConfig = (node: Node, depth = 3): boolean => {
    const target = unwrap(node);
    if (target.text === config || target.text.startsWith(`${config}[`) || target.text.startsWith(`${config}.get(`)) return true;
    if (target.type !== 'identifier' || depth <= 0) return false;
    return file.bindingsOf(target).some((binding) => binding.value !== null && (binding.kind === 'for' || binding.kind === 'assign') && fromConfig(binding.value, depth - 1));
  };
  // In the setup function, or in a function nested in it that sees the same `config` (a service handler it defines).
  const seesConfig = (node: Node): boolean => {
    for (let around = file.enclosingFunction(node); around; around = file.enclosingFunction(around)) {
      if (around.id === fn.id) return true;
      if (parametersOf(around).some((parameter) => parameter.name === config)) return false;
    }
    return false;
  };
  // `device.get("api_key")` and `domain_config[CONF_API_KEY]`.
  const reads: { read: Node; receiver: Node | null; key: Node | null }[] = [];
  for (const call of file.calls) {
    if (call.method === 'get' && call.args[0] && contains(fn, call.node) && seesConfig(call.node)) reads.push({ read: call.node, receiver: call.callee.childForFieldName('object'), key: call.args[0] });
  }
  for (const subscript of file.nodesOfType('subscript')) {
    if (contains(fn, subscript) && seesConfig(subscript)) reads.push({ read: subscript, receiver: subscript.childForFieldName('value'), key: subscript.childForFieldName('subscript') });
  }
  // One finding per credential a function reads, however often it reads it (a check for None, then the value).
  const reported = new Set<string>();
  reads.sort((a, b) => a.read.startIndex - b.read.startIndex);
  for (const { read, receiver, key: keyNode } of reads) {
    const key = keyNode ? file.stringValue(keyNode, context.integration?.constantString) : undefined;
    if (!receiver || !key || reported.has(key) || !isSecretName(key) || !fromConfig(receiver)) continue;
    reported.add(key);
    context.markUsed();
    if (importsYaml(context)) context.review(`${setup} still reads "${key}" from YAML, which the integration imports into config entries; make sure users are told to remove it from configuration.yaml once imported.`);
    else context.report(read, `"${key}" is read from configuration.yaml; credentials belong in a config flow (stored in the config entry), not in YAML that users share.`);
  }
}

const IMPORT_SOURCE = /\bSOURCE_IMPORT\b|["']source["']\s*:\s*["']import["']|\basync_step_import\b|\basync_import_client_credential\b/;

/**
 * Whether the integration (or the file, outside one) imports YAML configuration into config entries, or its OAuth
 * client id and secret into Home Assistant's application credentials (`async_import_client_credential`).
 */
function importsYaml(context: FileContext): boolean {
  const files = (context.integration?.files ?? [context.file]).filter((file) => file.mentions(IMPORT_SOURCE));
  if (files.some((file) => file.calls.some((call) => /(^|\.)async_import_client_credential$/.test(call.name ?? '')))) return true;
  // Something must start the import (an async_step_import nobody calls moves nothing), and the step, where there is
  // one, must take what it is given.
  const starts = files.flatMap((file) => file.calls.map((call) => importFlowStart(file, call)));
  const steps = files.flatMap((file) => file.functions.filter((fn) => fn.childForFieldName('name')?.text === 'async_step_import'));
  if (starts.includes('with data') && (steps.length === 0 || steps.some(usesImportedData))) return true;
  // `hass.data[DATA_CONFIG] = config[DOMAIN]`, a flow started with no data, and an import step that reads it back.
  return starts.includes('without data') && steps.some(readsHassData);
}

/** An import step that takes the YAML settings from where setup left them: `self.hass.data[DATA_CONFIG]`. */
function readsHassData(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  return body !== null && descendants(body, ['attribute']).some((attribute) => attribute.childForFieldName('attribute')?.text === 'data' && /(^|\.)hass$/.test(attribute.childForFieldName('object')?.text ?? ''));
}

/**
 * An `async_step_import` that does something with what it is given: one that ignores it (and makes up its own
 * entry) leaves the YAML settings where they were.
 */
function usesImportedData(fn: Node): boolean {
  if (fn.childForFieldName('name')?.text !== 'async_step_import') return false;
  const input = parametersOf(fn)[1]?.name;
  const body = fn.childForFieldName('body');
  return input !== undefined && body !== null && descendants(body, ['identifier']).some((identifier) => identifier.text === input);
}

/**
 * `hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_IMPORT}, data=config)`, or through
 * discovery_flow. A flow started without data (`data={}`, none at all) moves the YAML into an entry only when the
 * import step fetches it itself (readsHassData).
 */
function importFlowStart(file: FileModel, call: CallSite): 'with data' | 'without data' | undefined {
  // `discovery_flow.async_create_flow(hass, DOMAIN, {"source": SOURCE_IMPORT}, data)` starts one too.
  const flowContext = call.method === 'async_init' ? call.keywords.get('context') : call.method === 'async_create_flow' ? call.keywords.get('context') ?? call.args[2] : undefined;
  if (flowContext === undefined || !IMPORT_SOURCE.test(flowContext.text)) return undefined;
  const data = call.keywords.get('data') ?? (call.method === 'async_init' ? call.args[1] : call.args[3]);
  const handed = data ? unwrap(data) : undefined;
  return handed !== undefined && handed.type !== 'none' && !(handed.type === 'dictionary' && handed.namedChildCount === 0) ? 'with data' : 'without data';
}
