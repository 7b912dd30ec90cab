import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPythonFile } from '../../../server/src/analysis/engine';
import type { FileModel } from '../../../server/src/analysis/model/fileModel';
import { buildIntegration, moduleNameFor, type IntegrationModel } from '../../../server/src/analysis/model/integration';
import { isRequestObject, registeredHandlers, untrustedSource, webhookRegistrations } from '../../../server/src/analysis/model/untrusted';
import { setup } from '../../helpers/analysis';

const root = '/w/custom_components/demo';

function load(files: Record<string, string>): { integration: IntegrationModel; file: (name: string) => FileModel } {
  const models = Object.entries(files).map(([name, text]) => loadPythonFile(`${root}/${name}`, text, moduleNameFor(root, `${root}/${name}`)));
  const integration = buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', models);
  return { integration, file: (name) => models.find((model) => model.path.endsWith(`/${name}`))! };
}

/** For each `sink(...)` call of a file: the kind of untrusted data in its first argument (`part` after a colon). */
function sinks(files: Record<string, string>, main = '__init__.py'): (string | undefined)[] {
  const { integration, file } = load(files);
  const model = file(main);
  return model.calls
    .filter((call) => call.name === 'sink')
    .map((call) => {
      const source = untrustedSource(model, call.args[0], integration);
      return source && (source.part ? `${source.kind}:${source.part}` : source.kind);
    });
}

describe('untrusted sources', () => {
  before(setup);

  it('finds service data in handlers registered by constant name, nested or imported from another module', () => {
    const kinds = sinks({
      '__init__.py': `
from .const import DOMAIN, SERVICE_LOCAL, SERVICE_REMOTE
from .services import handle_remote

async def async_setup_entry(hass, entry):
    async def handle_local(service):
        name = service.data["name"]
        sink(f"/tmp/{name}")
        sink(entry.data["host"])
        sink(service.context.user_id)
        sink(service.service)

    hass.services.async_register(DOMAIN, SERVICE_LOCAL, handle_local)
    hass.services.async_register(DOMAIN, SERVICE_REMOTE, handle_remote, schema=SCHEMA)
`,
      'const.py': 'DOMAIN = "demo"\nSERVICE_LOCAL = "local"\nSERVICE_REMOTE = "remote"\n',
      'services.py': 'async def handle_remote(svc):\n    sink(svc.data.get("path"))\n',
    });
    assert.deepEqual(kinds, ['service-data', undefined, undefined, undefined]);
    assert.deepEqual(
      sinks({ '__init__.py': 'from .services import handle_remote\n\ndef setup(hass):\n    hass.services.async_register("demo", "remote", handle_remote)\n', 'services.py': 'async def handle_remote(svc):\n    sink(svc.data.get("path"))\n' }, 'services.py'),
      ['service-data'],
    );
  });

  it('knows where each registration function takes its handler', () => {
    const kinds = sinks({
      '__init__.py': `
from functools import partial
from homeassistant.helpers import entity_platform, service
from homeassistant.helpers.service import async_register_admin_service, verify_domain_control

async def admin(hass, svc):
    sink(svc.data["file"])

async def entity_callable(entity, svc):
    sink(svc.data["mode"])

async def guarded(svc):
    sink(svc.data["value"])

class Thermostat:
    async def async_boost(self, minutes, **kwargs):
        sink(minutes)
        sink(kwargs)
        sink(self.name)

    async def async_pulse(self, color):
        sink(color)

    async def async_other(self, value):
        sink(value)

async def async_setup_entry(hass, entry):
    async_register_admin_service(hass, "demo", "reload", partial(admin, hass))
    platform = entity_platform.async_get_current_platform()
    platform.async_register_entity_service("boost", {}, "async_boost")
    platform.async_register_entity_service("cycle", {}, entity_callable)
    service.async_register_platform_entity_service(hass, "demo", "pulse", entity_domain="light", schema={}, func="async_pulse")
    hass.services.async_register("demo", "guarded", verify_domain_control(hass, "demo")(guarded))
`,
    });
    assert.deepEqual(kinds, ['service-data', 'service-data', 'service-data', 'service-data', 'service-data', undefined, 'service-data', undefined]);
  });

  it('finds handlers registered in a loop over a table', () => {
    const kinds = sinks({
      '__init__.py': `
async def handle_a(svc):
    sink(svc.data["a"])

async def handle_b(svc):
    sink(svc.data["b"])

SERVICES = {"a": handle_a, "b": handle_b}

def setup(hass):
    for name, handler in SERVICES.items():
        hass.services.async_register("demo", name, handler)
`,
    });
    assert.deepEqual(kinds, ['service-data', 'service-data']);
  });

  it('recognises ServiceCall annotations and parameters named call, but only their data', () => {
    const kinds = sinks({
      '__init__.py': `
from homeassistant.core import ServiceCall

async def annotated(svc: ServiceCall):
    sink(svc.data.get("path"))

def helper(call, service_call, service, request, user_input):
    sink(call.data)
    sink(service_call.data["x"])
    sink(call.context)
    sink(service.data)
    sink(request.query)
    sink(user_input)
`,
    });
    assert.deepEqual(kinds, ['service-data', 'service-data', 'service-data', undefined, undefined, undefined, undefined]);
  });

  it('finds flow input and discovery data in flow steps, not the stored data reauth gets', () => {
    const { integration, file } = load({
      '__init__.py': `
class Flow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        sink(user_input["host"])

    async def async_step_zeroconf(self, discovery_info):
        sink(discovery_info.host)

    async def async_step_reauth(self, entry_data):
        sink(entry_data["host"])
`,
    });
    const model = file('__init__.py');
    const sources = model.calls.filter((call) => call.name === 'sink').map((call) => untrustedSource(model, call.args[0], integration));
    assert.deepEqual(sources.map((source) => [source?.kind, source?.description]), [['flow-input', 'config flow input'], ['flow-input', 'discovery data'], [undefined, undefined]]);
  });

  it('takes from a webhook request only what the client sent', () => {
    const kinds = sinks({
      '__init__.py': `
from homeassistant.components.http import KEY_HASS_USER
from homeassistant.components.webhook import async_register

async def handle_webhook(hass, webhook_id, request):
    data = await request.json()
    sink(data["command"])
    sink(request.headers.get("X-Signature"))
    sink(request.query["token"])
    r = request
    sink(await r.text())
    sink(webhook_id)
    sink(request.app["hass"])
    sink(request[KEY_HASS_USER])
    sink(request.method)
    sink(hass.data["demo"])

def register(hass):
    async_register(hass, "demo", "Demo", "abc", handle_webhook)
`,
    });
    assert.deepEqual(kinds, ['webhook:json', 'webhook:headers', 'webhook:query', 'webhook:text', undefined, undefined, undefined, undefined, undefined]);
  });

  it('knows the old hass.components.webhook.async_register form without hass', () => {
    const kinds = sinks({
      '__init__.py': `
async def handle_webhook(hass, webhook_id, request):
    sink(await request.text())

async def async_setup_entry(hass, entry):
    hass.components.webhook.async_register("demo", "Demo", entry.data["webhook_id"], handle_webhook)
`,
    });
    assert.deepEqual(kinds, ['webhook:text']);
  });

  it('follows webhook handlers across modules, into methods and through partial', () => {
    const files = {
      '__init__.py': `
from functools import partial
from homeassistant.components import webhook
from .webhook import handle_push

class Hub:
    async def _handle(self, hass, webhook_id, request):
        sink(await request.post())

    def register(self, hass):
        webhook.async_register(hass, "demo", "Hub", "id1", self._handle)
        webhook.async_register(hass, "demo", "Push", "id2", partial(handle_push, self), local_only=True)
`,
      'webhook.py': 'async def handle_push(hub, hass, webhook_id, request):\n    sink(request.match_info["id"])\n',
    };
    assert.deepEqual(sinks(files), ['webhook:post']);
    assert.deepEqual(sinks(files, 'webhook.py'), ['webhook:match_info']);
    const { integration, file } = load(files);
    const registrations = webhookRegistrations(file('__init__.py'), integration);
    assert.deepEqual(registrations.map((registration) => [registration.handlers.map((handler) => handler.node.childForFieldName('name')?.text), registration.localOnly]), [[['_handle'], false], [['handle_push'], true]]);
  });

  it('finds view requests and path parameters, also in aliased handlers and subclasses of a base view', () => {
    const kinds = sinks({
      '__init__.py': `
from aiohttp import web
from homeassistant.components.http import HomeAssistantView as View
from .base import DemoView

class Api(View):
    async def get(self, request, item):
        sink(request.query.get("q"))
        sink(item)
        sink(self.name)

    async def _handle(self, request):
        sink(await request.json())

    post = _handle

    async def helper(self, request):
        sink(request.query)

class Child(DemoView):
    async def get(self, request):
        sink(request.rel_url.query["x"])

async def plain(request: web.Request):
    sink(request.headers["Host"])
`,
      'base.py': 'from homeassistant.components.http import HomeAssistantView\n\nclass DemoView(HomeAssistantView):\n    requires_auth = False\n',
    });
    assert.deepEqual(kinds, ['view-request:query', 'view-request:match_info', undefined, 'view-request:json', undefined, 'view-request:query', 'request:headers']);
  });

  it('follows derived values and stops at conversions and lookups', () => {
    const kinds = sinks({
      '__init__.py': `
import os
from pathlib import Path
import voluptuous as vol

NAMES = {"a": "alpha"}

async def handle(call):
    name = call.data["name"]
    sink("/media/" + name)
    sink("%s.txt" % name)
    sink("{}.txt".format(name))
    sink(str(name).strip())
    sink(os.path.join("/media", name))
    sink(Path("/media") / name)
    sink("/".join(["media", name]))
    sink(ITEM_SCHEMA(call.data)["name"])
    sink(vol.Schema({})(call.data))
    sink([part.strip() for part in name.split(",")])
    sink(int(name))
    sink(len(name))
    sink(name == "x")
    sink(NAMES[name])
    sink(hass.states.get(name))
    sink(name.startswith("a"))
    sink("fixed" if name else "other")
`,
    });
    assert.deepEqual(kinds, [
      'service-data', 'service-data', 'service-data', 'service-data', 'service-data', 'service-data', 'service-data',
      'service-data', 'service-data', 'service-data', undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    ]);
  });

  it('follows untrusted arguments into the integration\'s own helpers, two calls deep', () => {
    const kinds = sinks({
      '__init__.py': `
from .files import write_export

def _path(hass, name):
    sink(name)
    return hass.config.path(name)

def _level_two(value):
    sink(value)

def _level_one(value):
    _level_two(value)

def _constant_only(value):
    sink(value)

class Store:
    def save(self, content):
        sink(content)

async def handle(call):
    _path(hass, call.data["name"])
    await hass.async_add_executor_job(write_export, call.data["file"])
    _level_one(call.data["deep"])
    _constant_only("fixed")
    Store().save(call.data["content"])

def setup(hass):
    hass.services.async_register("demo", "export", handle)
`,
      'files.py': 'def write_export(name):\n    sink(name)\n',
    });
    assert.deepEqual(kinds, ['service-data', 'service-data', undefined, 'service-data']);
    assert.deepEqual(sinks({ '__init__.py': 'from .files import write_export\n\nasync def handle(call):\n    await hass.async_add_executor_job(write_export, call.data["file"])\n', 'files.py': 'def write_export(name):\n    sink(name)\n' }, 'files.py'), ['service-data']);
  });

  it('does not mistake a library object\'s method for the integration\'s method of the same name', () => {
    const kinds = sinks({
      '__init__.py': `
class AcmeEntity:
    async def async_set_value(self, value):
        sink(value)

async def handle(call):
    await client.async_set_value(call.data["value"])
`,
    });
    assert.deepEqual(kinds, [undefined]);
  });

  it('does not loop on recursive helpers', () => {
    const kinds = sinks({ '__init__.py': 'def walk(value):\n    sink(value)\n    walk(value)\n\nasync def handle(call):\n    walk(call.data["x"])\n' });
    assert.deepEqual(kinds, ['service-data']);
  });

  it('tells the request object apart from the data read from it', () => {
    const { integration, file } = load({
      '__init__.py': `
from homeassistant.components import webhook

async def handle(hass, webhook_id, request):
    alias = request
    check(request, alias, webhook_id, hass)

webhook.async_register(hass, "demo", "Demo", "abc", handle)
`,
    });
    const model = file('__init__.py');
    const check = model.calls.find((call) => call.name === 'check')!;
    assert.deepEqual(check.args.map((arg) => isRequestObject(model, arg, integration)), [true, true, false, false]);
    assert.deepEqual(check.args.map((arg) => untrustedSource(model, arg, integration)), [undefined, undefined, undefined, undefined]);
    assert.equal(registeredHandlers(model, integration).webhooks.size, 1);
  });
});
