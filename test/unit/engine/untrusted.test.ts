import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadPythonFile } from '../../../server/src/analysis/engine';
import type { FileModel } from '../../../server/src/analysis/model/fileModel';
import { buildIntegration, moduleNameFor } from '../../../server/src/analysis/model/integration';
import { untrustedSource } from '../../../server/src/analysis/model/untrusted';
import { setup } from '../../helpers/analysis';

const root = '/w/custom_components/demo';
const loaded: FileModel[] = [];

/** Kinds of untrusted data reaching each `sink(...)` call of the main file. */
function sinks(files: Record<string, string>, main = '__init__.py'): (string | undefined)[] {
  const models = Object.entries(files).map(([name, text]) => loadPythonFile(`${root}/${name}`, text, moduleNameFor(root, `${root}/${name}`)));
  loaded.push(...models);
  const integration = buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', models);
  const file = models.find((model) => model.path.endsWith(`/${main}`))!;
  return file.calls.filter((call) => call.name === 'sink').map((call) => untrustedSource(file, call.args[0], integration)?.kind);
}

describe('untrusted sources', () => {
  before(setup);
  after(() => loaded.forEach((file) => file.tree.delete()));

  it('finds service data in registered handlers, nested or imported from another module', () => {
    const kinds = sinks({
      '__init__.py': `
from .services import handle_remote

async def async_setup_entry(hass, entry):
    async def handle_local(call):
        name = call.data["name"]
        sink(f"/tmp/{name}")
        sink(entry.data["host"])

    hass.services.async_register("demo", "local", handle_local)
    hass.services.async_register("demo", "remote", handle_remote, schema=SCHEMA)
`,
      'services.py': 'async def handle_remote(call):\n    return call.data\n',
    });
    assert.deepEqual(kinds, ['service-data', undefined]);
  });

  it('recognises ServiceCall annotations, flow input, webhook requests and view requests', () => {
    const kinds = sinks({
      '__init__.py': `
from homeassistant.components import webhook
from homeassistant.components.http import HomeAssistantView
from homeassistant.core import ServiceCall

async def handle(service: ServiceCall):
    sink(service.data.get("path"))

class Flow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        sink(user_input["host"])

async def handle_webhook(hass, webhook_id, request):
    data = await request.json()
    sink(data["command"])
    sink(webhook_id)

def register(hass):
    webhook.async_register(hass, "demo", "Demo", "abc", handle_webhook)

class Api(HomeAssistantView):
    async def get(self, request, item):
        sink(request.query.get("q"))
        sink(item)
        sink(self.name)
`,
    });
    assert.deepEqual(kinds, ['service-data', 'flow-input', 'webhook', undefined, 'view-request', 'view-request', undefined]);
  });

  it('does not treat ordinary parameters as untrusted', () => {
    const kinds = sinks({ '__init__.py': 'def helper(call, request, user_input):\n    sink(call.data)\n    sink(request)\n    sink(user_input)\n' });
    assert.deepEqual(kinds, [undefined, undefined, undefined]);
  });
});
