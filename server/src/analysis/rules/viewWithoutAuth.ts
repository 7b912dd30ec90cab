import type { Node } from '../python/syntaxTree';
import { replaceNode } from '../fixes';
import type { CallSite, FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { hasWebsocketDecorator, isViewClass, isWebsocketCommand, methodsOf, parametersOf, requiresAuthSetting, resolveCallables, resolveClass, untrustedSource, viewHandlers } from '../model/untrusted';
import { isPathlibOpen, WRITING_MODE } from '../model/fileOperations';
import { knownKeyGuard } from '../model/knownKeys';
import { isSecretName } from '../model/secrets';
import { callerCheck, keyRead } from '../model/verification';
import { alternatives, descendants, interpolations, literalString, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import { baseName, excerpt } from '../text';

/**
 * Servers an integration opens beside Home Assistant's: `web.TCPSite(runner, "0.0.0.0", 8099)`, `uvicorn.run(app,
 * host=...)`, `HTTPServer(("", port), Handler)`, `asyncio.start_server(handle, port=...)`. By name: where the
 * listening address is, and the address when none is given (None: every interface).
 */
const OWN_SERVERS: { name: RegExp; host: (site: CallSite) => Node | undefined; defaultHost: 'all' | 'loopback' }[] = [
  { name: /^aiohttp\.web\.(TCPSite|SockSite)$/, host: (site) => site.args[1] ?? site.keywords.get('host'), defaultHost: 'all' },
  { name: /^aiohttp\.web\.run_app$/, host: (site) => site.keywords.get('host'), defaultHost: 'all' },
  // uvicorn listens on 127.0.0.1 unless told otherwise; its Server is built from a Config, judged there.
  { name: /^uvicorn\.(run|Config)$/, host: (site) => site.keywords.get('host'), defaultHost: 'loopback' },
  { name: /^(http\.server\.(Threading)?HTTPServer|socketserver\.(Threading)?(TCP|UDP)Server|wsgiref\.simple_server\.make_server)$/, host: (site) => serverAddressHost(site), defaultHost: 'all' },
  { name: /^asyncio\.start_server$/, host: (site) => site.args[1] ?? site.keywords.get('host'), defaultHost: 'all' },
  { name: /^socket\.create_server$/, host: (site) => serverAddressHost(site), defaultHost: 'all' },
];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

/** `("0.0.0.0", 0)`: an address whose port the system picks, as a client's socket is bound. */
function anyFreePort(address: Node): boolean {
  const tuple = unwrap(address);
  const port = tuple.type === 'tuple' ? tuple.namedChildren.filter((child) => child.type !== 'comment')[1] : undefined;
  return port?.type === 'integer' && port.text === '0';
}

/** The host of an address tuple (`("0.0.0.0", port)`). */
function tupleHost(address: Node | undefined): Node | undefined {
  const tuple = address ? unwrap(address) : undefined;
  return tuple?.type === 'tuple' ? tuple.namedChildren.find((child) => child.type !== 'comment') ?? undefined : undefined;
}

/**
 * `sock.bind(("", port))` of a socket the code then receives on or accepts connections from (`sock.recvfrom`,
 * `loop.sock_recvfrom(sock, ...)`, `sock.listen()`): a server of its own. A socket bound only to test whether a port
 * is free is none.
 */
function boundListeningSocket(file: FileModel, bind: CallSite): Node | undefined {
  const socket = bind.callee.childForFieldName('object');
  if (!socket || !bind.args[0]) return undefined;
  const made = file.origins(socket).some((origin) => unwrap(origin.node).type === 'call' && /^socket\.socket$/.test(file.callSite(unwrap(origin.node))?.name ?? ''));
  if (!made) return undefined;
  const receives = file.calls.some((call) => {
    const receiver = call.callee.childForFieldName('object')?.text;
    if (receiver === socket.text && call.method !== undefined && /^(listen|accept|recv|recvfrom|recv_into|recvfrom_into)$/.test(call.method)) return true;
    return call.method !== undefined && /^sock_(recv|recvfrom|recv_into|accept)$/.test(call.method) && call.args[0]?.text === socket.text;
  });
  return receives ? socket : undefined;
}

/** `HTTPServer(("0.0.0.0", 8080), Handler)`: the host of the address tuple; make_server takes host, port, app. */
function serverAddressHost(site: CallSite): Node | undefined {
  const first = site.args[0] ? unwrap(site.args[0]) : undefined;
  if (first?.type === 'tuple') return tupleHost(first);
  return site.name?.endsWith('make_server') ? first : undefined;
}

/**
 * A server of the integration's own answers on its own port, outside Home Assistant's authentication, IP bans and
 * TLS settings; whether it checks its callers is for a person to read. One listening only on the loopback interface
 * is not reachable from the network.
 */
function reviewOwnServers(context: FileContext, file: FileModel): void {
  if (!file.mentions(/TCPSite|SockSite|run_app|uvicorn|Server|make_server|start_server|create_server|create_datagram_endpoint|\.bind\(/)) return;
  for (const call of file.calls) {
    const name = call.name ?? '';
    const known = OWN_SERVERS.find((server) => server.name.test(name));
    // `hass.loop.create_server(...)`, `asyncio.get_running_loop().create_server(...)`, and UDP endpoints.
    const onLoop = /loop(\(\))?$/.test(call.callee.childForFieldName('object')?.text ?? '');
    const loopServer = onLoop && call.method === 'create_server';
    const datagram = onLoop && call.method === 'create_datagram_endpoint';
    const bound = call.method === 'bind' ? boundListeningSocket(file, call) : undefined;
    if (!known && !loopServer && !datagram && !bound) continue;
    // A client's socket bound to any free port (`local_addr=("0.0.0.0", 0)`) listens for nobody but its replies.
    const bindsTo = datagram ? call.keywords.get('local_addr') : bound ? call.args[0] : undefined;
    if ((datagram && !bindsTo) || (bindsTo && anyFreePort(bindsTo))) continue;
    const host = known ? known.host(call) : bindsTo ? tupleHost(bindsTo) : call.args[1] ?? call.keywords.get('host');
    const address = host ? literalString(unwrap(host)) : undefined;
    if (host === undefined ? known?.defaultHost === 'loopback' : address !== undefined && LOOPBACK.test(address)) continue;
    const where = address === undefined ? (host ? `on \`${excerpt(host.text, 40)}\`` : 'on every interface') : address === '' || address === '0.0.0.0' || address === '::' ? 'on every interface' : `on ${address}`;
    context.markUsed();
    context.review(`\`${excerpt(call.callee.text, 40)}\` in ${baseName(file.path)} opens a server of the integration's own ${where}, outside Home Assistant's authentication, IP bans and TLS settings; check that it authenticates every request it acts on, or serve it as a HomeAssistantView (which requires authentication by default).`);
  }
}

/** Evidence in a handler that it looks at who is calling: the HA user, a signed path, an access token. */
const AUTH_MARKERS = /^(KEY_HASS_USER|KEY_AUTHENTICATED|KEY_HASS_REFRESH_TOKEN_ID|authSig|async_validate_access_token|async_validate_signed_path|async_sign_path|validate_access_token)$/;
/** Methods that change something in Home Assistant or the outside world (`hass.services.async_call`, ...). */
const ACTIONS = new Set([
  'async_call', 'call', 'async_set', 'async_fire', 'fire', 'async_dispatcher_send', 'dispatcher_send', 'async_create_task',
  'create_task', 'async_create_background_task', 'async_update_entry', 'async_remove', 'async_add_executor_job', 'async_add_job',
  'async_request_refresh', 'async_refresh', 'async_set_updated_data', 'async_write_ha_state', 'async_turn_on',
  'async_turn_off', 'async_toggle', 'async_press', 'async_select_option', 'async_set_value', 'async_send_command',
]);
/** Calls that only build a status or a fixed message, or log. JSON answers are an API's data unless every argument is a constant. */
const RESPONSE_ONLY = /^(aiohttp\.web\.(Response|HTTP\w+)|_?LOGGER\.\w+|logging\.\w+)$/;

export const viewWithoutAuth: Rule = {
  meta: {
    id: 'view-without-auth',
    checklist: 'unauthenticated-endpoint',
    severity: 'error',
    fix: 'suggestion',
    cwe: 306,
    description: 'A HomeAssistantView sets requires_auth = False and serves data or acts without checking the caller.',
    docs: `Home Assistant checks the access token of every request to an HTTP view, unless the view sets
\`requires_auth = False\`. Such a view answers anyone who can reach Home Assistant, and for many installations that
is the whole internet, through a reverse proxy or Home Assistant Cloud. A public view that returns states, images
or account data, or that changes something, gives that to strangers.

The rule reports views with \`requires_auth = False\` (also inherited from a base view of the integration) whose
handlers return data or act without checking the caller some other way. Checks it accepts: \`hmac.compare_digest\`
on a token or signature, a verification function given the request or its headers, a decoded JWT, a comparison of a
token (timing is insecure-secret-comparison's business), a token the request sent looked up among the integration's
own at the top of the handler (\`self.hass.data[DOMAIN][token]\`, which raises for any other), \`request[KEY_HASS_USER]\`, and paths signed with
\`async_sign_path\` (the \`authSig\` parameter). Handlers that only answer a status or a fixed message are
harmless, and so are handlers that serve a file shipped with the integration (a panel's script, at a path built from
\`__file__\` and constant names, sent with \`web.FileResponse\` or read and returned): it is public in the
integration's source anyway. Views whose handlers change something (\`post\`, \`put\`, \`patch\`, \`delete\`, or a \`get\` that calls
services, fires events or writes states, itself or through the integration's functions and methods it calls) are
errors; read-only ones are warnings. A view that hands its request to the integration's config
flow (an OAuth redirect) is left to a review; one that starts a new flow from the code it receives is reported
unless it passes on the \`state\` it was sent (then the review asks whether the flow checks it), and without the
\`requires_auth = True\` suggestion: the browser arriving from the vendor has no Home Assistant token. A view
whose \`requires_auth\` comes from a value (\`self.requires_auth = requires_auth\`, a YAML option) is left to a
review: whoever sets that value decides who gets in. (A setting made in \`__init__\` wins over the class body's.)
A view the integration registers from a library's base class (\`class SnapshotView(ProxyView)\`) serves through
code that is not here: set public, or leaving \`requires_auth\` to that base, it is a review.

A route added to Home Assistant's server directly (\`hass.http.app.router.add_route("GET", path, handler)\`, \`add_get\`)
is no HomeAssistantView, so nothing checks who calls it: reported when its handler returns data or changes things
without checking the caller (not one serving only a bundled file, such as a card's script).

A websocket command (\`@websocket_api.websocket_command\`) answers every logged-in user unless it carries
\`@websocket_api.require_admin\`: one that writes or removes files, or removes config entries (itself or through the
integration's functions), without it goes to a review, since a user who is no administrator can then do that.

A server the integration opens beside Home Assistant's (\`web.TCPSite\`, \`web.run_app\`, \`uvicorn.run\` or
\`uvicorn.Config\` with a host, \`HTTPServer\`, \`asyncio.start_server\`, \`loop.create_server\`, \`socket.create_server\`,
a UDP endpoint with a \`local_addr\`, a socket it binds and then receives on or accepts from) answers on its own
port, outside Home Assistant's authentication, IP bans and TLS settings: the item goes to a review that names it,
unless the server listens on the loopback interface only (or on a port the system picks, as a client's socket does).

A view that is public by design says so with \`# ha-security: ignore[view-without-auth] reason\` on its
\`requires_auth\` line; the reason is what a reviewer reads.

**Fix:** drop \`requires_auth = False\` (authentication is the default), or check a signature or token in every
handler. The suggested fix sets \`requires_auth = True\`; callers then need an access token, which may not be what
the view's clients can send.

Bad:
\`\`\`python
class StatusView(HomeAssistantView):
    url = "/api/acme/status"
    name = "api:acme:status"
    requires_auth = False

    async def get(self, request):
        return self.json(request.app[KEY_HASS].data[DOMAIN].status)
\`\`\`

Good:
\`\`\`python
class StatusView(HomeAssistantView):
    url = "/api/acme/status"
    name = "api:acme:status"
    requires_auth = True
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    if (file.isTestFile) return;
    const registered = file.mentions(/register_view/) ? registeredViewNames(file) : new Set<string>();
    if (integration) reviewOwnServers(context, file);
    if (integration && file.mentions(/websocket_command/)) reviewWebsocketCommands(context, file);
    if (file.mentions(/\.router\.add_/)) checkRawRoutes(context, file);
    for (const cls of file.classes) {
      if (!isViewClass(file, cls, integration)) {
        reviewLibraryView(context, cls, registered);
        continue;
      }
      context.markUsed();
      const setting = requiresAuthSetting(file, cls, integration);
      if (setting && !['true', 'false'].includes(unwrap(setting.value).type)) {
        // `self.requires_auth = requires_auth`: whoever constructs the view, or configures it, decides.
        context.review(`${cls.childForFieldName('name')?.text ?? 'view'} (${baseName(setting.file.path)}) takes requires_auth from \`${excerpt(setting.value.text)}\`; where that can be false, the view answers anyone who can reach Home Assistant, so check who sets it and what the view serves.`);
        continue;
      }
      if (!setting || unwrap(setting.value).type !== 'false') continue;
      const handlers = viewHandlers(cls);
      const exposed: { handler: Node; acts: boolean }[] = [];
      let flowCallback: string | undefined;
      for (const handler of handlers) {
        if (returnsOnlyConstants(file, handler)) continue;
        if (hasAuthMarker(handler)) continue;
        const check = callerCheck(file, handler, integration);
        if (check?.kind === 'verified' || (!check && tokenLookedUp(file, handler, integration))) continue;
        if (check?.kind === 'fail-open') {
          const handlerName = handler.childForFieldName('name')?.text ?? 'handler';
          context.review(
            check.when === 'no-signature'
              ? `${handlerName} (${baseName(file.path)}) checks its caller only when the request carries a token or signature (\`${check.how}\`); a request without one is handled unchecked, so reject it.`
              : `${handlerName} (${baseName(file.path)}) checks its caller only while a key is configured (\`${check.how}\`); make sure a key is always set, or reject requests without one.`,
          );
          continue;
        }
        if (check?.kind === 'address') {
          context.review(`${cls.childForFieldName('name')?.text ?? 'view'}.${handler.childForFieldName('name')?.text ?? 'handler'} (${baseName(file.path)}) only serves callers whose address it accepts (\`${check.how}\`); anyone on that network gets in, so check that this is enough for what it exposes.`);
          continue;
        }
        if (passesToFlow(file, handler)) {
          flowCallback = handler.childForFieldName('name')?.text;
          continue;
        }
        exposed.push({ handler, acts: acts(file, handler, integration) });
      }
      const name = cls.childForFieldName('name')?.text ?? 'view';
      if (exposed.length === 0) {
        if (flowCallback) context.review(`${name} (${baseName(file.path)}) is public and passes its request to a config flow (an OAuth-style callback); check that the flow verifies the state it receives.`);
        continue;
      }
      const changing = exposed.filter(({ handler, acts: changes }) => changes || (handler.childForFieldName('name')?.text ?? 'get') !== 'get');
      const writes = changing.length > 0;
      const at = setting.file === file ? setting.node : cls.childForFieldName('name') ?? cls;
      // Said of the handlers it is true of: a view whose post changes things and whose get only reads names the post.
      const handlerNames = (writes ? changing : exposed).map(({ handler }) => handler.childForFieldName('name')?.text ?? 'handler').join(', ');
      // An OAuth redirect target: the browser arrives from the vendor without a Home Assistant token, so requiring
      // one breaks setup; what protects it is a state value the flow sent out and checks on the way back.
      if (exposed.every(({ handler }) => startsFlow(file, handler))) {
        if (exposed.every(({ handler }) => readsState(file, handler, integration))) {
          context.review(`${name} (${baseName(file.path)}) is public and starts a config flow with the state it was sent (an OAuth-style callback); check that the flow verifies that state.`);
          continue;
        }
        context.report(at, `${name} sets requires_auth = False and starts a config flow from what the request carries (${handlerNames}) without checking it, so anyone who can reach Home Assistant can start setup with their own authorization code; send a random state with the authorization request and check it here (as config_entry_oauth2_flow does).`, {
          severity: 'error',
        });
        continue;
      }
      context.report(at, `${name} sets requires_auth = False and its ${writes ? 'handlers change things' : 'handlers return data'} (${handlerNames}) without checking the caller, so anyone who can reach Home Assistant can call it; check a signature or token, or require authentication.`, {
        severity: writes ? 'error' : 'warning',
        suggestions: setting.file === file ? [{ title: 'Require authentication (requires_auth = True)', safe: false, edits: [replaceNode(unwrap(setting.value), 'True')] }] : [],
      });
    }
  },
};

/** Home Assistant's aiohttp app, whose router a raw route is added to: `hass.http.app.router`. */
const RAW_ROUTE = /(^|\.)http\.app\.router\.add_(route|get|post|put|patch|delete)$/;

/**
 * `hass.http.app.router.add_route("GET", path, handler)`: a handler on Home Assistant's server without a
 * HomeAssistantView around it, so nothing checks who calls it (authentication is enforced by the view's wrapper).
 * Reported unless the handler checks its caller or serves only fixed content (a card's bundled script).
 */
function checkRawRoutes(context: FileContext, file: FileModel): void {
  const { integration } = context;
  for (const call of file.calls) {
    if (!RAW_ROUTE.test(call.callee.text)) continue;
    context.markUsed();
    const byMethod = call.method === 'add_route';
    const reference = (byMethod ? call.args[2] : call.args[1]) ?? call.keywords.get('handler');
    const handlers = reference ? resolveCallables(file, reference, integration) : [];
    if (handlers.length === 0) {
      context.review(`${baseName(file.path)} adds a route to Home Assistant's server directly (\`${excerpt(call.node.text, 60)}\`); its handler is no HomeAssistantView, so nothing checks who calls it: make sure it checks the caller or serves only public content.`);
      continue;
    }
    const path = literalString((byMethod ? call.args[1] : call.args[0]) ?? call.node);
    for (const handler of handlers) {
      if (returnsOnlyConstants(handler.file, handler.node) || hasAuthMarker(handler.node)) continue;
      if (callerCheck(handler.file, handler.node, integration)?.kind === 'verified') continue;
      const changes = acts(handler.file, handler.node, integration);
      context.report(call.node, `The route ${path ? `"${excerpt(path, 40)}" ` : ''}is added to Home Assistant's server directly, not as a HomeAssistantView, so no authentication is checked and its handler ${changes ? 'changes things' : 'returns data'} for anyone who can reach Home Assistant; register a HomeAssistantView (requires_auth defaults to True) instead.`, { severity: changes ? 'error' : 'warning' });
    }
  }
}

/** Classes this file registers as views: `hass.http.register_view(SnapshotView(...))`. */
function registeredViewNames(file: FileModel): Set<string> {
  const names = new Set<string>();
  for (const call of file.calls) {
    if (call.method !== 'register_view') continue;
    const view = call.args[0] ? unwrap(call.args[0]) : undefined;
    const constructor = view?.type === 'call' ? view.childForFieldName('function') : undefined;
    if (constructor?.type === 'identifier') names.add(constructor.text);
  }
  return names;
}

/**
 * A view whose base class comes from a library (`class SnapshotView(ProxyView)`) serves through handlers this code
 * does not show: made public, it is a review note rather than a verdict.
 */
function reviewLibraryView(context: FileContext, cls: Node, registered: Set<string>): void {
  const name = cls.childForFieldName('name')?.text ?? '';
  if (!registered.has(name)) return;
  context.markUsed();
  const setting = requiresAuthSetting(context.file, cls, context.integration);
  const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? []).filter((base) => base.type !== 'keyword_argument').map((base) => base.text).join(', ');
  if (!setting) {
    // The library's view decides requires_auth (hass_web_proxy_lib's ProxyView turns it off): not seen here.
    if (bases) context.review(`${name} (${baseName(context.file.path)}) is registered as a view and takes requires_auth from ${bases}, outside the integration; check whether that base requires authentication, and if not, what the view serves and who may call it.`);
    return;
  }
  if (unwrap(setting.value).type !== 'false') return;
  context.review(`${name} (${baseName(context.file.path)}) is registered as a view, serves through ${bases} from outside the integration and sets requires_auth = False; check what it serves and who may call it.`);
}

/** A handler whose only calls build a status or a fixed message from literals ("You can close this window"). */
function returnsOnlyConstants(file: FileModel, handler: Node): boolean {
  const calls = descendants(handler, ['call']).filter((node) => !insideConstantCall(file, node, handler));
  if (!calls.every((node) => isResponseOnly(file.callSite(node)) || isConstantCall(file, node) || servesBundledFile(file, file.callSite(node)) || readsBundledFile(file, node))) return false;
  // `hass.data[DOMAIN] = ...` stores something even without a call.
  const stores = descendants(handler, ['assignment', 'augmented_assignment']).some((assignment) => assignment.childForFieldName('left')?.type !== 'identifier');
  if (stores) return false;
  if (!returnedValues(handler).every((value) => returnsConstant(file, value))) return false;
  return calls.every((node) => {
    const site = file.callSite(node);
    if (!site || /(^|\.)(_?LOGGER|logging)\./.test(site.name ?? '') || isConstantCall(file, node)) return true;
    return [...site.args, ...site.keywords.values()].every((arg) => isConstantValue(arg) || isConstantCall(file, unwrap(arg)) || isBundledPath(file, arg) || isBundledContent(file, arg));
  });
}

/** `web.FileResponse(path)` of a file shipped with the integration (its panel's script, a card's bundle). */
function servesBundledFile(file: FileModel, site: CallSite | undefined): boolean {
  const path = site?.name === 'aiohttp.web.FileResponse' ? (site.args[0] ?? site.keywords.get('path')) : undefined;
  return path !== undefined && isBundledPath(file, path);
}

/**
 * Reading a file shipped with the integration: `open(path, "r")` of a bundled path, `handle.read()` of what it opened,
 * `Path(__file__).parent.joinpath("panel.js").read_text()`.
 */
function readsBundledFile(file: FileModel, node: Node): boolean {
  const site = file.callSite(node);
  if (!site) return false;
  if (site.name === 'open' && file.isBuiltin('open')) {
    const mode = openMode(file, site);
    return site.args[0] !== undefined && mode !== undefined && !WRITING_MODE.test(mode) && isBundledPath(file, site.args[0]);
  }
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  if (!receiver || !/^(read|read_text|read_bytes)$/.test(site.method ?? '')) return false;
  if (isBundledPath(file, receiver)) return true;
  return unwrap(receiver).type === 'identifier' && file.bindingsOf(unwrap(receiver)).some((binding) => binding.kind === 'with' && binding.value !== null && unwrap(binding.value).type === 'call' && readsBundledFile(file, unwrap(binding.value)));
}

/** The text of a file shipped with the integration, read in the handler (`content = f.read()`). */
function isBundledContent(file: FileModel, expression: Node): boolean {
  const origins = file.origins(expression, 2);
  return origins.length > 0 && origins.every(({ node, kind }) => kind === 'expression' && unwrap(node).type === 'call' && readsBundledFile(file, unwrap(node)));
}

const PATH_BUILDERS = /(^|\.)(os\.path\.(join|dirname|abspath|realpath)|(pathlib\.)?Path)$/;

/**
 * A file shipped with the integration: a path built only from its module's `__file__` and constant names
 * (`os.path.join(os.path.dirname(__file__), "panel.js")`, `Path(__file__).parent / "www" / "card.js"`). Serving it
 * gives away no more than the integration's published source.
 */
function isBundledPath(file: FileModel, expression: Node, depth = 3): boolean {
  let anchored = false;
  const bundled = (node: Node, remaining: number): boolean => {
    const target = unwrap(node);
    if (target.type === 'identifier' && target.text === '__file__') return (anchored = true);
    if (isConstantValue(target)) return true;
    if (target.type === 'identifier') {
      const origins = file.origins(target, 1);
      return remaining > 0 && origins.length > 0 && origins.every(({ node: origin, kind }) => kind === 'expression' && origin.id !== target.id && bundled(origin, remaining - 1));
    }
    if (target.type === 'binary_operator') return /^[/+]$/.test(target.childForFieldName('operator')?.text ?? '') && [target.childForFieldName('left'), target.childForFieldName('right')].every((side) => side !== null && bundled(side, remaining));
    if (target.type === 'attribute' && /^(parent|absolute)$/.test(target.childForFieldName('attribute')?.text ?? '')) return bundled(target.childForFieldName('object') ?? target, remaining);
    if (target.type !== 'call') return false;
    const site = file.callSite(target);
    if (!site || site.keywords.size > 0) return false;
    if (site.method === 'resolve' || site.method === 'joinpath') return site.args.every((arg) => bundled(arg, remaining)) && bundled(site.callee.childForFieldName('object') ?? target, remaining);
    return PATH_BUILDERS.test(site.name ?? '') && site.args.length > 0 && site.args.every((arg) => bundled(arg, remaining));
  };
  return bundled(expression, depth) && anchored;
}

/**
 * What a handler returns, nested functions left out. Home Assistant's view wrapper sends a returned string or bytes
 * as the response body (and `(body, status)` as both), so a bare `return self.token` serves data like a Response.
 */
function returnedValues(handler: Node): Node[] {
  const values: Node[] = [];
  const visit = (node: Node): void => {
    for (const child of node.namedChildren) {
      if (!child || child.type === 'function_definition' || child.type === 'lambda' || child.type === 'class_definition') continue;
      if (child.type === 'return_statement') {
        const value = child.namedChild(0);
        if (value) values.push(value);
        continue;
      }
      visit(child);
    }
  };
  visit(handler.childForFieldName('body') ?? handler);
  return values;
}

/** A returned value fixed in the source; calls are judged by the caller, with the handler's other calls. */
function returnsConstant(file: FileModel, value: Node): boolean {
  return alternatives(value).every((target) => {
    if (target.type === 'expression_list' || target.type === 'tuple') return target.namedChildren.every((part) => part === null || returnsConstant(file, part));
    return file.origins(target).every(({ node, kind }) => kind === 'expression' && (unwrap(node).type === 'call' || isConstantValue(node)));
  });
}

/** String methods whose result depends only on the string and their arguments. */
const PURE_STRING_METHODS = new Set(['replace', 'format', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'encode', 'removeprefix', 'removesuffix']);

/**
 * A call whose result is fixed in the source: the module's own function given constants, when all it does is fill
 * them into strings (`render(PAGE, "/app")` with `return template.replace("__PATH__", path)`), or a string method
 * on a constant (`PAGE.replace("__PATH__", "/app")`).
 */
function isConstantCall(file: FileModel, node: Node): boolean {
  if (node.type !== 'call') return false;
  if (isBundledPath(file, node)) return true;
  const site = file.callSite(node);
  if (!site) return false;
  const argumentsConstant = [...site.args, ...site.keywords.values()].every((arg) => isConstantValue(arg));
  if (!argumentsConstant) return false;
  if (site.method && PURE_STRING_METHODS.has(site.method)) {
    const receiver = site.callee.childForFieldName('object');
    return receiver !== null && (isConstantValue(receiver) || isConstantCall(file, unwrap(receiver)));
  }
  const fn = site.callee.type === 'identifier' ? file.moduleFunction(site.callee.text) : undefined;
  if (!fn) return false;
  const parameters = new Set(parametersOf(fn).map((parameter) => parameter.name));
  const filled = (value: Node): boolean => {
    const target = unwrap(value);
    if (isConstantValue(target) || (target.type === 'identifier' && parameters.has(target.text))) return true;
    if (target.type === 'string') return interpolations(target).every(filled);
    if (target.type === 'binary_operator') return [target.childForFieldName('left'), target.childForFieldName('right')].every((side) => side !== null && filled(side));
    if (target.type !== 'call') return false;
    const call = file.callSite(target);
    const receiver = call?.callee.type === 'attribute' ? call.callee.childForFieldName('object') : null;
    return call !== undefined && PURE_STRING_METHODS.has(call.method ?? '') && receiver !== null && filled(receiver) && [...call.args, ...call.keywords.values()].every(filled);
  };
  const body = fn.childForFieldName('body');
  const statements = body?.namedChildren ?? [];
  // Only `return <strings filled in>` (after a docstring): nothing else runs.
  return statements.every((statement, index) => {
    if (statement === null) return true;
    if (index === 0 && statement.type === 'expression_statement' && unwrap(statement.namedChild(0) ?? statement).type === 'string') return true;
    return statement.type === 'return_statement' && statement.namedChild(0) !== null && filled(statement.namedChild(0)!);
  }) && statements.some((statement) => statement?.type === 'return_statement');
}

/** Calls in the arguments of a constant call (`PAGE.replace(...)` inside `render(...)`) are judged with it. */
function insideConstantCall(file: FileModel, node: Node, handler: Node): boolean {
  for (let current = node.parent; current && current.id !== handler.id; current = current.parent) {
    if (current.type === 'call' && isConstantCall(file, current)) return true;
  }
  return false;
}

/** A response, a log line, or the view's own JSON answer (`self.json(...)`): its arguments decide what it gives away. */
function isResponseOnly(site: CallSite | undefined): boolean {
  if (!site) return false;
  if (RESPONSE_ONLY.test(site.name ?? '')) return true;
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  return receiver?.text === 'self' && (site.method === 'json' || site.method === 'json_message');
}

function isConstantValue(node: Node): boolean {
  const target = unwrap(node);
  if (literalString(target) !== undefined) return true;
  if (['integer', 'float', 'true', 'false', 'none'].includes(target.type)) return true;
  if (target.type === 'attribute') return /^(HTTPStatus|HTTP_\w+|web)\b/.test(target.text) || /^[A-Z_][A-Z0-9_.]*$/.test(target.text);
  if (target.type === 'identifier') return /^[A-Z_][A-Z0-9_]*$/.test(target.text);
  if (['dictionary', 'list', 'tuple', 'set'].includes(target.type)) return target.namedChildren.every((child) => child === null || isConstantValue(child));
  if (target.type === 'pair') return target.namedChildren.every((child) => child === null || isConstantValue(child));
  return false;
}

function hasAuthMarker(handler: Node): boolean {
  return descendants(handler, ['identifier']).some((node) => AUTH_MARKERS.test(node.text)) || descendants(handler, ['string_content']).some((node) => node.text === 'authSig');
}

/** An OAuth-style callback: the request's state goes to `hass.config_entries.flow.async_configure`. */
/** `request.query["state"]`, `request.query.get("state")`: the OAuth state the authorization server sent back. */
function readsState(file: FileModel, handler: Node, integration: IntegrationModel | undefined): boolean {
  return descendants(handler, ['call', 'subscript']).some((node) => untrustedSource(file, node, integration)?.part === 'query' && keyRead(file, node, integration) === 'state');
}

/** `hass.config_entries.flow.async_init(DOMAIN, context=..., data=code)`: a new flow from the request. */
function startsFlow(file: FileModel, handler: Node): boolean {
  return descendants(handler, ['call']).some((node) => /(^|\.)flow\.async_init$/.test(file.callSite(node)?.name ?? ''));
}

function passesToFlow(file: FileModel, handler: Node): boolean {
  return descendants(handler, ['call']).some((node) => /(^|\.)flow\.async_configure$|(^|\.)async_external_step_done$/.test(file.callSite(node)?.name ?? ''));
}

/**
 * A handler that changes something: calls a service, fires an event, writes a state, schedules work; itself or
 * through the integration's functions and methods it calls (`self._publish(data)` updating a coordinator).
 */
function acts(file: FileModel, handler: Node, integration: IntegrationModel | undefined, depth = 2): boolean {
  return descendants(handler, ['call']).some((node) => {
    const site = file.callSite(node);
    const method = site?.method ?? site?.name?.split('.').pop() ?? '';
    if (WRITES.test(site?.name ?? '') || (site && opensForWriting(file, site))) return true;
    if (!ACTIONS.has(method)) {
      if (!site || depth <= 0) return false;
      return resolveCallables(file, site.callee, integration).some((target) => target.node.id !== handler.id && acts(target.file, target.node, integration, depth - 1));
    }
    // Work handed to the executor acts only if the function does: listing a folder there only reads.
    if (method !== 'async_add_executor_job' || !site || depth <= 0) return true;
    const target = site.args[0] ? unwrap(site.args[0]) : undefined;
    // `Path(...).read_text` and the like only read.
    if (target?.type === 'attribute' && READS.test(target.childForFieldName('attribute')?.text ?? '')) return false;
    const job = target?.type === 'identifier' ? { file, node: definedFunction(file, target) } : target?.type === 'attribute' ? methodOfLocalObject(file, target) : undefined;
    return job?.node === undefined || acts(job.file, job.node, integration, depth - 1);
  });
}

/** The function a name refers to: defined in the module, or nested in the handler (`def get_count(): ...`). */
function definedFunction(file: FileModel, name: Node): Node | undefined {
  const definitions = file.bindingsOf(name).filter((binding) => binding.kind === 'def' && binding.node.type === 'function_definition');
  return definitions.length === 1 ? definitions[0].node : file.moduleFunction(name.text);
}

/** `reader.open` where `reader = Reader(...)`, a class of the integration: that class's `open` method. */
function methodOfLocalObject(file: FileModel, reference: Node): { file: FileModel; node: Node | undefined } | undefined {
  const object = reference.childForFieldName('object');
  const name = reference.childForFieldName('attribute')?.text;
  if (!object || !name) return undefined;
  const origins = file.origins(object);
  if (origins.length !== 1 || unwrap(origins[0].node).type !== 'call') return undefined;
  const constructor = unwrap(origins[0].node).childForFieldName('function');
  const cls = constructor ? resolveClass(file, constructor) : undefined;
  return cls ? { file: cls.file, node: methodsOf(cls.node).find((method) => method.childForFieldName('name')?.text === name) } : undefined;
}

/** Path methods that only read. */
const READS = /^(read_text|read_bytes|exists|is_file|is_dir|stat|iterdir|glob|rglob|listdir)$/;

/** Calls that change files or start processes. */
const WRITES = /^(os\.(remove|unlink|rename|replace|makedirs|mkdir|rmdir|system|popen)|shutil\.\w+|json\.dump|pickle\.dump|subprocess\.\w+|homeassistant\.(util|helpers)\.json\.save_json|homeassistant\.util\.file\.write_utf8_file(_atomic)?)$|\.(write_text|write_bytes|unlink|mkdir|rmdir|rename|touch)$/;

/** `open(path, "w")` and the other modes that write. */
function opensForWriting(file: FileModel, site: CallSite): boolean {
  if (site.name !== 'open' && site.name !== 'io.open' && site.method !== 'open') return false;
  const mode = openMode(file, site);
  return mode !== undefined && WRITING_MODE.test(mode);
}

/**
 * The mode an `open(path, mode)` call is given (pathlib's `path.open(mode)` takes it first): "r" when left out,
 * undefined when it cannot be read.
 */
function openMode(file: FileModel, site: CallSite): string | undefined {
  const mode = (isPathlibOpen(file, site, site.name ?? '') ? site.args[0] : site.args[1]) ?? site.keywords.get('mode');
  return mode ? literalString(unwrap(mode)) : 'r';
}

/**
 * `entry = self.hass.data[DOMAIN][token]` (or `if token not in ...: raise`, or `.get(token)` then `if entry is None:
 * return ...`) with a token the request sent: only a
 * token the integration issued gets past it, so the caller is checked (a KeyError answers the others).
 */
function tokenLookedUp(file: FileModel, handler: Node, integration: IntegrationModel | undefined): boolean {
  const body = handler.childForFieldName('body');
  const last = body?.namedChildren[body.namedChildren.length - 1];
  if (!last) return false;
  // Looked up by subscript (`passes[token]`) or by `.get(token)` and then tested (`if guest is None: return ...`).
  const keys = descendants(handler, ['subscript', 'call']).map((node) => (node.type === 'subscript' ? node.childForFieldName('subscript') : file.callSite(node)?.method === 'get' ? file.callSite(node)!.args[0] : undefined));
  return keys.some((key) => key?.type === 'identifier' && isSecretName(key.text) && untrustedSource(file, key, integration) !== undefined && knownKeyGuard(file, handler, key, last));
}

/**
 * A websocket command answers every logged-in user, not only administrators, unless it carries
 * `@websocket_api.require_admin`. One that writes or removes files, or removes config entries, lets any user do that:
 * a person checks that this is meant.
 */
function reviewWebsocketCommands(context: FileContext, file: FileModel): void {
  for (const fn of file.functions) {
    if (!isWebsocketCommand(file, fn)) continue;
    context.markUsed();
    if (hasWebsocketDecorator(file, fn, 'require_admin')) continue;
    const change = privilegedChange(file, fn, context.integration);
    if (!change) continue;
    context.review(`Websocket command ${fn.childForFieldName('name')?.text ?? ''} (${baseName(file.path)}) ${change} and has no @websocket_api.require_admin, so any logged-in user, not only an administrator, can send it; check that this is meant.`);
  }
}

/** What a handler (or the integration's function it calls, two levels down) changes that only an administrator should. */
function privilegedChange(file: FileModel, fn: Node, integration: IntegrationModel | undefined, depth = 2): string | undefined {
  for (const node of descendants(fn, ['call'])) {
    const site = file.callSite(node);
    if (!site) continue;
    if (WRITES.test(site.name ?? '') || opensForWriting(file, site)) return `writes or removes files (\`${excerpt(site.callee.text, 40)}\`)`;
    if (site.method === 'async_remove' && /config_entries$/.test(site.callee.childForFieldName('object')?.text ?? '')) return 'removes config entries';
    const deferred = file.deferredCall(site);
    for (const target of depth > 0 ? resolveCallables(file, (deferred ?? site).callee, integration) : []) {
      if (target.node.id === fn.id) continue;
      const inner = privilegedChange(target.file, target.node, integration, depth - 1);
      if (inner) return inner;
    }
  }
  return undefined;
}
