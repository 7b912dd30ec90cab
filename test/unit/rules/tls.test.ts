import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tlsVerifyDisabled } from '../../../server/src/analysis/rules/tlsVerifyDisabled';
import { analyzeSnippet, applyEdits, assertFixture, findingsIn, fixtureFiles, setup } from '../../helpers/analysis';
import { applyFixAndCheck, findingsOf } from '../../helpers/fixChecks';

const rules = [tlsVerifyDisabled];
const localManifest = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'local_polling', requirements: [] });

describe('tls-verify-disabled', () => {
  before(setup);

  for (const fixture of fixtureFiles('tls-verify-disabled')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it("reads verification off from the class body when no method assigns the attribute (self.VERIFY)", () => {
    const source = (body: string, method = '') =>
      `import requests\n\n\nclass Api:\n    ${body}\n${method}\n    def fetch(self, url):\n        return requests.get(url, verify=self.VERIFY, timeout=10)\n`;
    assert.equal(analyzeSnippet(source('VERIFY = False'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('VERIFY = True'), { rules }).findings, []);
    // A method setting it from the user's choice decides instead of the class default.
    assert.deepEqual(analyzeSnippet(source('VERIFY = False', '    def __init__(self, verify):\n        self.VERIFY = verify\n'), { rules }).findings, []);
  });

  it('reads the call a functools.partial builds for the executor', () => {
    const source = (keywords: string) =>
      `from functools import partial\n\nimport requests\n\n\nasync def fetch(hass, url):\n    return await hass.async_add_executor_job(partial(requests.get, url, ${keywords}))\n`;
    const [finding] = analyzeSnippet(source('verify=False, timeout=10'), { rules }).findings;
    assert.equal(finding?.range.start.character, source('verify=False').split('\n')[6].indexOf('False'));
    const fixed = applyEdits(source('verify=False, timeout=10'), finding.fix?.edits ?? finding.suggestions![0].edits);
    assert.match(fixed, /partial\(requests\.get, url, verify=True, timeout=10\)/);
    assert.deepEqual(analyzeSnippet(source('timeout=10'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('verify="/etc/ssl/ca.pem"'), { rules }).findings, []);
  });

  it('reports verification filled in as off when the form left it out, and setdefault(..., False)', () => {
    const flow = (fill: string) =>
      `from homeassistant.const import CONF_VERIFY_SSL\nfrom homeassistant.helpers.aiohttp_client import async_get_clientsession\n\n\nasync def validate(hass, user_input):\n${fill}\n    return async_get_clientsession(hass, user_input[CONF_VERIFY_SSL])\n`;
    assert.equal(analyzeSnippet(flow('    if CONF_VERIFY_SSL not in user_input:\n        user_input[CONF_VERIFY_SSL] = False'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(flow('    user_input.setdefault(CONF_VERIFY_SSL, False)'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(flow('    if CONF_VERIFY_SSL not in user_input:\n        user_input[CONF_VERIFY_SSL] = True'), { rules }).findings, []);
    // Turned off because the user asked for it.
    assert.deepEqual(analyzeSnippet(flow('    if user_input.get("allow_self_signed"):\n        user_input[CONF_VERIFY_SSL] = False'), { rules }).findings, []);
  });

  it('reports verification written off into a dict, as an import step does for every migrated entry', () => {
    const flow = (entry: string) =>
      `from homeassistant.config_entries import ConfigFlow\nfrom homeassistant.const import CONF_HOST, CONF_VERIFY_SSL\n\n\nclass Flow(ConfigFlow, domain="demo"):\n    async def async_step_import(self, import_info):\n        config = {CONF_HOST: import_info[CONF_HOST], ${entry}}\n        return await self.async_step_user(config)\n`;
    const found = analyzeSnippet(flow('CONF_VERIFY_SSL: False'), { rules, fileName: 'config_flow.py' }).findings;
    assert.deepEqual(found.map((finding) => [finding.range.start.line, finding.message]), [[6, 'Certificate verification is set off here; keep it on by default and let users opt out for self-signed devices.']]);
    assert.equal(analyzeSnippet(flow('"insecure": True'), { rules, fileName: 'config_flow.py' }).findings.length, 1);
    // A constant read through its module, which the model does not resolve, is judged by its name.
    assert.equal(analyzeSnippet(flow('pyacme.CONF_VERIFY_SSL: False').replace('from homeassistant.const import', 'import pyacme\nfrom homeassistant.const import'), { rules, fileName: 'config_flow.py' }).findings.length, 1);
    for (const safe of ['CONF_VERIFY_SSL: True', 'CONF_VERIFY_SSL: import_info.get(CONF_VERIFY_SSL, True)', '"verified": False', '"insecure": False']) {
      assert.deepEqual(analyzeSnippet(flow(safe), { rules, fileName: 'config_flow.py' }).findings, [], safe);
    }
  });

  it("knows Home Assistant's helpers reached through hass.helpers, as older integrations call them", () => {
    const source = 'async def async_setup(hass, config):\n    session = hass.helpers.aiohttp_client.async_get_clientsession(verify_ssl=False)\n    return True\n';
    const findings = analyzeSnippet(source, { rules }).findings;
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^`async_get_clientsession` is called with certificate verification off/);
  });

  it('offers turning verification on as a suggestion, not a safe fix, for a local device', () => {
    const source = 'from homeassistant.helpers.aiohttp_client import async_get_clientsession\n\n\nasync def async_setup_entry(hass, entry):\n    return async_get_clientsession(hass, False)\n';
    const local = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'local_polling', requirements: [] });
    const [device] = analyzeSnippet(source, { rules, manifest: local }).findings;
    assert.equal(device.fix, undefined);
    assert.equal(device.suggestions?.[0]?.safe, false);
    const [cloud] = analyzeSnippet(source, { rules }).findings;
    assert.equal(cloud.fix?.safe, true);
  });

  it('is an error for cloud integrations and a warning for local devices', () => {
    const source = 'from homeassistant.helpers.aiohttp_client import async_get_clientsession\nsession = async_get_clientsession(hass, verify_ssl=False)\n';
    assert.equal(analyzeSnippet(source, { rules }).findings[0].severity, 'error');
    assert.equal(analyzeSnippet(source, { rules, manifest: localManifest }).findings[0].severity, 'warning');
    assert.equal(analyzeSnippet(source, { rules, manifest: null }).findings[0].severity, 'error');
  });

  it('ignores test files', () => {
    const source = 'import requests\nrequests.get("https://x.io", verify=False)\n';
    for (const fileName of ['tests/test_api.py', 'test_init.py', 'conftest.py']) {
      assert.deepEqual(analyzeSnippet(source, { rules, fileName }).findings, [], fileName);
    }
  });

  it('follows a verify flag defined in another module of the integration', () => {
    const otherFiles = { 'const.py': 'VERIFY = False\nDEFAULT_VERIFY_SSL = False\n' };
    const source = [
      'import voluptuous as vol',
      'from homeassistant.helpers.aiohttp_client import async_get_clientsession',
      'from .const import DEFAULT_VERIFY_SSL, VERIFY',
      '',
      'SCHEMA = vol.Schema({vol.Optional("verify_ssl", default=DEFAULT_VERIFY_SSL): bool})',
      'session = async_get_clientsession(hass, VERIFY)',
      '',
    ].join('\n');
    const findings = findingsIn(analyzeSnippet(source, { rules, otherFiles }));
    assert.deepEqual(findings.map((finding) => finding.range.start.line), [4, 5]);
    // `VERIFY = not USE_PROXY`: a debugging switch, read through the negation.
    const negated = (proxy: string) => findingsIn(analyzeSnippet(source, { rules, otherFiles: { 'const.py': `USE_PROXY = ${proxy}\nVERIFY = not USE_PROXY\nDEFAULT_VERIFY_SSL = True\n` } })).length;
    assert.equal(negated('True'), 1);
    assert.equal(negated('False'), 0);
  });

  it("follows a flag the class keeps in self, when every value it assigns agrees", () => {
    const source = (init: string) =>
      `import requests\n\n\nclass Api:\n    def __init__(self, verify_ssl):\n${init}\n\n    def get(self, url, **kw):\n        kw.setdefault("timeout", 20)\n        kw.setdefault("verify", self.verify)\n        return requests.get(url, verify=self.verify)\n`;
    const findings = analyzeSnippet(source('        self.verify = False'), { rules }).findings;
    assert.deepEqual(findings.map((finding) => finding.range.start.line), [9, 10]);
    assert.match(findings[1].message, /^verify=self\.verify, always False here, accepts any certificate/);
    for (const init of ['        self.verify = verify_ssl', '        self.verify = False\n        if verify_ssl:\n            self.verify = True']) {
      assert.deepEqual(analyzeSnippet(source(init), { rules }).findings, [], init);
    }
  });

  it("asks for a review of a TLS context a library builds, which this code cannot see into", () => {
    const source = (imports: string, build: string) =>
      `${imports}\nfrom roombapy import RoombaFactory, TransportOptions\n\n\nasync def async_setup_entry(hass, entry):\n    tls_context = ${build}\n    return RoombaFactory.create_roomba(entry.data["host"], transport=TransportOptions(tls_context=tls_context))\n`;
    const item = (imports: string, build: string) => {
      const result = analyzeSnippet(source(imports, build), { rules });
      assert.deepEqual(result.findings, []);
      return result.checklist.find((entry) => entry.id === 'tls-verification');
    };
    const library = item('from roombapy import generate_tls_context', 'await hass.async_add_executor_job(generate_tls_context)');
    assert.equal(library?.status, 'review');
    assert.match(library?.note ?? '', /TLS context built by `roombapy\.generate_tls_context` \(tls_context=\)/);
    assert.equal(item('import roombapy', 'roombapy.generate_tls_context()')?.status, 'review');
    // The ssl module's and Home Assistant's contexts are judged by what they are.
    assert.notEqual(item('import ssl', 'ssl.create_default_context()')?.status, 'review');
    assert.notEqual(item('from homeassistant.util.ssl import get_default_context', 'get_default_context()')?.status, 'review');
    // The integration's own helper is read where it is written.
    assert.notEqual(item('from .helpers import build_context', 'build_context()')?.status, 'review');
  });

  it('reports a curl or wget download told to accept any certificate', () => {
    const lines = (command: string) => findingsIn(analyzeSnippet(`import subprocess\n\n\ndef fetch(folder):\n    subprocess.run(${command}, check=True)\n`, { rules })).map((finding) => finding.message.split('`')[1]);
    assert.deepEqual(lines('["curl", "-Lk", "https://example.com/cli.tar.gz", "--output", folder]'), ['-Lk']);
    assert.deepEqual(lines('["/usr/bin/curl", "--insecure", "https://example.com/x"]'), ['--insecure']);
    assert.deepEqual(lines('"curl -sSk https://example.com/x | tar -x", shell=True'), ['-sSk']);
    assert.deepEqual(lines('["wget", "--no-check-certificate", "https://example.com/x"]'), ['--no-check-certificate']);
    // Verified downloads, and wget's -k (convert links), are fine.
    assert.deepEqual(lines('["curl", "-L", "-o", folder, "https://example.com/x"]'), []);
    assert.deepEqual(lines('["wget", "-k", "https://example.com/x"]'), []);
  });

  it("reports an ssh session scripted to answer yes to the unknown host key prompt, not other yes answers", () => {
    const login = (prompt: string, answer = '"yes"') =>
      `import pexpect\n\n\ndef get_clients(host, password):\n    ssh = pexpect.spawn("ssh", ["admin@" + host])\n    query = ssh.expect(["password:", "${prompt}"])\n    if query == 1:\n        ssh.sendline(${answer})\n        ssh.expect("password:")\n    ssh.sendline(password)\n    return ssh.before\n`;
    const found = (prompt: string, answer?: string) => analyzeSnippet(login(prompt, answer), { rules, manifest: localManifest }).findings;
    const [finding] = found('continue connecting (yes/no)?');
    assert.equal(finding.range.start.line, 7);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /accepts any host key/);
    assert.equal(found('Are you sure you want to continue connecting (yes/no/[fingerprint])?').length, 1);
    assert.deepEqual(found('Reboot the access point (yes/no)?'), []);
    assert.deepEqual(found('continue connecting (yes/no)?', '"no"'), []);
    assert.deepEqual(found('Save the configuration? [y/n]'), []);
  });

  it('reports a pxssh session, whose login answers yes to an unknown host key, unless its options decide', () => {
    const session = (options: string) =>
      `from pexpect import pxssh\n\n\ndef get_arp(host, username, password, options):\n    session = pxssh.pxssh(${options})\n    session.login(host, username, password)\n    return session.before\n`;
    const found = (options: string) => analyzeSnippet(session(options), { rules, manifest: localManifest }).findings;
    const [finding, ...rest] = found('encoding="utf-8"');
    assert.equal(rest.length, 0);
    assert.equal(finding.range.start.line, 4);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /pxssh's login\(\) answers yes .* pass options=\{"StrictHostKeyChecking": "yes"\}/);
    assert.deepEqual(found('options={"StrictHostKeyChecking": "yes"}'), []);
    assert.deepEqual(found('options=options'), []);
    // Turned off in the options: that entry is the finding, not the session.
    const off = found('options={"StrictHostKeyChecking": "no", "UserKnownHostsFile": "/dev/null"}');
    assert.deepEqual(off.map((item) => item.message.split('`')[1]), ['StrictHostKeyChecking', 'UserKnownHostsFile']);
  });

  it('reports ssh options turned off as dict entries, not other values of those keys', () => {
    const source = (options: string) => `import asyncssh\n\nSSH_OPTIONS = ${options}\n`;
    assert.equal(analyzeSnippet(source('{"StrictHostKeyChecking": "no"}'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('dict(StrictHostKeyChecking="off")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('{"StrictHostKeyChecking": "yes", "UserKnownHostsFile": "/config/.ssh/known_hosts"}'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('{"StrictHostKeyChecking": "accept-new"}'), { rules }).findings, []);
  });

  it('reports CERT_NONE imported by name or under another name, and its fix imports CERT_REQUIRED', () => {
    const source = (imported: string, used: string) =>
      `import paho.mqtt.client as mqtt\n${imported}\n\n\ndef connect(host):\n    client = mqtt.Client()\n    client.tls_set(cert_reqs=${used})\n    client.connect(host, 8883)\n    return client\n`;
    for (const [imported, used] of [['from ssl import CERT_NONE', 'CERT_NONE'], ['from ssl import CERT_NONE as NOVERIFY', 'NOVERIFY']]) {
      const before = source(imported, used);
      const [finding, ...rest] = findingsOf(before, rules);
      assert.equal(rest.length, 0, imported);
      assert.match(finding.message, /accepts any certificate; require one with `CERT_REQUIRED`/, imported);
      const fixed = applyFixAndCheck(before, finding.fix, finding, rules);
      assert.match(fixed, /^from ssl import CERT_REQUIRED$/m, imported);
      assert.match(fixed, /tls_set\(cert_reqs=CERT_REQUIRED\)/, imported);
    }
    assert.deepEqual(findingsOf(source('from ssl import CERT_REQUIRED as STRICT', 'STRICT'), rules), []);
  });

  it('reads verify=False handed over in a ** spread of a local dict', () => {
    const source = (kwargs: string) => `import requests\n\n\ndef fetch(url):\n    kwargs = ${kwargs}\n    return requests.get(url, **kwargs)\n`;
    const [finding] = analyzeSnippet(source('{"verify": False, "timeout": 10}'), { rules }).findings;
    assert.match(finding?.message ?? '', /verify=False accepts any certificate/);
    assert.deepEqual(analyzeSnippet(source('{"verify": True, "timeout": 10}'), { rules }).findings, []);
  });

  it('reads a download run with create_subprocess_exec, and counts a verified one as the item passed', () => {
    const source = (words: string) =>
      `import asyncio\n\n\nasync def fetch(path, url):\n    process = await asyncio.create_subprocess_exec(${words})\n    await process.communicate()\n`;
    const insecure = analyzeSnippet(source('"curl", "-sLk", "-o", path, url'), { rules });
    assert.deepEqual(insecure.findings.map((finding) => finding.message.split('`')[1]), ['-sLk']);
    const verified = analyzeSnippet(source('"curl", "-L", "-o", path, url'), { rules });
    assert.deepEqual(verified.findings, []);
    assert.equal(verified.checklist.find((entry) => entry.id === 'tls-verification')?.status, 'pass');
    // Another program run the same way makes no download.
    const other = analyzeSnippet(source('"ffprobe", "-v", "quiet", path'), { rules });
    assert.equal(other.checklist.find((entry) => entry.id === 'tls-verification')?.status, 'not-applicable');
  });

  it('leaves a flag that comes from the user alone, through variables and conditions', () => {
    const source = [
      'from homeassistant.helpers import aiohttp_client',
      '',
      'async def setup(hass, entry, verify_ssl):',
      '    verify = entry.data["verify_ssl"]',
      '    a = aiohttp_client.async_get_clientsession(hass, verify)',
      '    b = aiohttp_client.async_get_clientsession(hass, verify_ssl=verify_ssl)',
      '    c = aiohttp_client.async_get_clientsession(hass, False if entry.options["insecure"] else True)',
      '    return a, b, c',
      '',
    ].join('\n');
    assert.deepEqual(analyzeSnippet(source, { rules }).findings, []);
  });

  it('takes verification switched off in the branch where the user turned it off, not where they turned it on', () => {
    const source = (condition: string, branch: 'if' | 'else') =>
      [
        'import ssl',
        '',
        '',
        'def socket_options(entry):',
        '    context = ssl.create_default_context()',
        `    if ${condition}:`,
        `        ${branch === 'if' ? 'context.verify_mode = ssl.CERT_NONE' : 'pass'}`,
        ...(branch === 'else' ? ['    else:', '        context.verify_mode = ssl.CERT_NONE'] : []),
        '    return context',
        '',
      ].join('\n');
    const reported = (condition: string, branch: 'if' | 'else') => analyzeSnippet(source(condition, branch), { rules }).findings.length;
    assert.equal(reported('not entry.data["verify_ssl"]', 'if'), 0);
    assert.equal(reported('entry.options.get("allow_insecure", False)', 'if'), 0);
    assert.equal(reported('entry.data["verify_ssl"]', 'else'), 0);
    assert.equal(reported('entry.data["verify_ssl"]', 'if'), 1, 'turning the option on switches checks off');
    assert.equal(reported('not entry.data["verify_ssl"]', 'else'), 1);
  });

  const fixes: [string, string, string][] = [
    ['a positional verify_ssl', 'from homeassistant.helpers import aiohttp_client\ns = aiohttp_client.async_create_clientsession(hass, False)\n', 'from homeassistant.helpers import aiohttp_client\ns = aiohttp_client.async_create_clientsession(hass, True)\n'],
    ['requests verify=False', 'import requests\nr = requests.get(url, verify=False, timeout=5)\n', 'import requests\nr = requests.get(url, verify=True, timeout=5)\n'],
    ['an aiohttp connector', 'import aiohttp\nc = aiohttp.TCPConnector(ssl=False)\n', 'import aiohttp\nc = aiohttp.TCPConnector()\n'],
    [
      'ssl=False on a multi-line session request',
      "async def f(session, url):\n    async with session.get(\n        url,\n        ssl=False,\n        timeout=10,\n    ) as response:\n        return await response.json()\n",
      "async def f(session, url):\n    async with session.get(\n        url,\n        timeout=10,\n    ) as response:\n        return await response.json()\n",
    ],
    ['an insecure schema default', "import voluptuous as vol\nS = vol.Schema({vol.Optional('verify_ssl', default=False): bool})\n", "import voluptuous as vol\nS = vol.Schema({vol.Optional('verify_ssl', default=True): bool})\n"],
    ['a MQTT host name check', 'def f(client):\n    client.tls_insecure_set(True)\n', 'def f(client):\n    client.tls_insecure_set(False)\n'],
    ['an unverified context', 'import ssl\nctx = ssl._create_unverified_context()\n', 'import ssl\nctx = ssl.create_default_context()\n'],
    [
      'CERT_NONE together with check_hostname',
      'import ssl\n\n\ndef context():\n    ctx = ssl.create_default_context()\n    ctx.check_hostname = False\n    ctx.verify_mode = ssl.CERT_NONE\n    return ctx\n',
      'import ssl\n\n\ndef context():\n    ctx = ssl.create_default_context()\n    ctx.check_hostname = True\n    ctx.verify_mode = ssl.CERT_REQUIRED\n    return ctx\n',
    ],
    [
      "Home Assistant's no-verify context imported by name",
      'from homeassistant.util.ssl import get_default_no_verify_context\n\nctx = get_default_no_verify_context()\n',
      'from homeassistant.util.ssl import get_default_no_verify_context\nfrom homeassistant.util.ssl import get_default_context\n\nctx = get_default_context()\n',
    ],
    ['a library flag', "api = AcmeApi(host, verify_ssl=False)\n", "api = AcmeApi(host, verify_ssl=True)\n"],
  ];
  for (const [name, before, after] of fixes) {
    it(`turns verification on for ${name} (safe, parses, idempotent)`, () => {
      const findings = findingsOf(before, rules);
      assert.equal(findings.length, 1, findings.map((finding) => finding.message).join('\n'));
      assert.ok(findings[0].fix?.safe);
      const fixed = applyFixAndCheck(before, findings[0].fix, findings[0], rules);
      assert.equal(fixed, after);
      assert.deepEqual(findingsOf(fixed, rules), []);
    });
  }

  it('offers only a suggestion for a bare SSLContext, whose replacement may change other settings', () => {
    const source = 'import ssl\nctx = ssl.SSLContext()\n';
    const [finding] = findingsOf(source, rules);
    assert.equal(finding.fix, undefined);
    assert.equal(applyEdits(source, finding.suggestions![0].edits), 'import ssl\nctx = ssl.create_default_context()\n');
  });

  it('marks the item used when the integration makes HTTP sessions, even safely', () => {
    const result = analyzeSnippet('from homeassistant.helpers.aiohttp_client import async_get_clientsession\nsession = async_get_clientsession(hass)\n', { rules });
    assert.equal(result.checklist.find((entry) => entry.id === 'tls-verification')?.status, 'pass');
    const unused = analyzeSnippet('value = 1\n', { rules });
    assert.equal(unused.checklist.find((entry) => entry.id === 'tls-verification')?.status, 'not-applicable');
    // Answering a webhook with aiohttp's server side makes no outgoing connection.
    const serverOnly = analyzeSnippet('from aiohttp import web\n\n\nasync def handle(hass, webhook_id, request):\n    return web.json_response({"ok": True}, status=200)\n', { rules });
    assert.equal(serverOnly.checklist.find((entry) => entry.id === 'tls-verification')?.status, 'not-applicable');
  });
  it("reads a library's camel-case verification keyword (verifySsl=False) as the snake-case one", () => {
    const source = (keyword: string) => `import pcomfortcloud\n\n\ndef connect(user, password):\n    return pcomfortcloud.Session(user, password, ${keyword})\n`;
    for (const keyword of ['verifySsl=False', 'verifySSL=False', 'sslVerify=False', 'tlsInsecure=True']) assert.equal(analyzeSnippet(source(keyword), { rules }).findings.length, 1, keyword);
    assert.deepEqual(analyzeSnippet(source('verifySsl=True'), { rules }).findings, []);
  });
  it("takes a guard on a name the code sets to a fixed True or False for the author's choice, not the user's", () => {
    const source = (setup: string, guard: string) =>
      `import ssl\n\n${setup}\n\n\ndef make_context(entry):\n    tls_insecure = entry.options.get("tls_insecure", False)\n    context = None\n    if ${guard}:\n        context = ssl._create_unverified_context()\n    return context\n`;
    assert.equal(analyzeSnippet(source('VERIFY_SSL = False', 'not VERIFY_SSL'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('VERIFY_SSL = False', 'tls_insecure'), { rules }).findings, []);
  });

  it("reports asyncssh's known_hosts=None written out or in a dict spread into the call", () => {
    const source = (call: string, options = '') =>
      `import asyncssh\n\n\nasync def shutdown(host, username, password):\n${options}    async with ${call} as conn:\n        await conn.run("sudo shutdown now")\n`;
    assert.equal(analyzeSnippet(source('asyncssh.connect(host, username=username, password=password, known_hosts=None)'), { rules }).findings.length, 1);
    const spread = '    options = {"host": host, "username": username, "password": password, "known_hosts": None}\n';
    const [finding] = analyzeSnippet(source('asyncssh.connect(**options)', spread), { rules }).findings;
    assert.match(finding?.message ?? '', /known_hosts=None turns off SSH host key checking/);
    assert.deepEqual(analyzeSnippet(source('asyncssh.connect(**options)', spread.replace('None', '"/config/.ssh/known_hosts"')), { rules }).findings, []);
  });
});
