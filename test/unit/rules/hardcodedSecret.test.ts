import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { knownSecretFormat, looksLikeSecretValue } from '../../../server/src/analysis/model/secretValues';
import { hardcodedSecret } from '../../../server/src/analysis/rules/hardcodedSecret';
import { analyzeSnippet, assertFixture, findingsIn, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [hardcodedSecret];

describe('hardcoded-secret', () => {
  before(setup);

  for (const fixture of fixtureFiles('hardcoded-secret')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('tells secret values from key names, messages, locators and placeholders', () => {
    const secrets: [string, string][] = [
      ['9f8b7c6d5e4f3a2b', 'api_key'],
      ['hunter2hunter2', 'password'],
      ['s3cr3t-Pa55w0rd!', 'secret'],
      ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5', 'client_secret'],
      ['kXABXqQgfRzLmWpTvBnYcDs', 'app_secret'],
      ['3f1c2b4a-9d8e-4f7a-b6c5-d4e3f2a1b0c9', 'api_key'],
      ['Basic dXNlcjpwYXNzd29yZA==', 'Authorization'],
      ['MyPassword2024!', 'password'],
      ['AKIAJ7Q2X5Z3M4N6P8R1', 'anything'],
      // Digits alone under a name that says secret: a vendor app's numeric client secret.
      ['56951025', 'client_secret'],
      // A few characters in a row that follow each other happen in random text too.
      ['9f8b7c6d5e4f3a2b0123', 'api_key'],
      ['Qw3rtYuabcX9z8LmN2pK', 'token'],
    ];
    for (const [value, name] of secrets) assert.ok(looksLikeSecretValue(value, name), `${name} = ${value}`);
    const notSecrets: [string, string][] = [
      ['password', 'CONF_PASSWORD'],
      // Digits alone are ids, ports and PINs otherwise, and a run of one digit is a placeholder.
      ['56951025', 'api_key'],
      ['12345678', 'pin'],
      ['11111111', 'client_secret'],
      ['api_key', 'CONF_API_KEY'],
      ['https://x.io/token', 'TOKEN_URL'],
      ['<your token>', 'token'],
      ['invalid_auth', 'error'],
      ['accessToken', 'ACCESS_TOKEN_FIELD'],
      ['changeme', 'password'],
      ['', 'password'],
      ['xxxxxxxxxxxx', 'token'],
      ['REDACTED', 'password'],
      ['PeriodicSync_ConsentGranted', 'CONSENT_SESSION_KEY'],
      ['X-Auth-Token', 'token_header'],
      ['Bearer {token}', 'Authorization'],
      ['12345678', 'pin_code'],
      ['2.1.0-beta', 'token'],
      ['admin1234', 'DEFAULT_PASSWORD'],
      ['thisIsAVeryLongCamelCaseName', 'token'],
      ['AKIAIOSFODNN7EXAMPLE', 'anything'],
      ['{host}:{port}', 'token'],
      ['user@example.com', 'password'],
      ['[^\\W\\d]\\w*', 'jsonnet_token'],
      ['(?P<token>[A-Za-z0-9]+)', 'TOKEN_RE'],
      // Identifiers whose words carry short numbers: an ONVIF profile's token, an algorithm's name.
      ['Profile_1', 'ONVIF_PROFILE_TOKEN'],
      ['pbkdf2_sha256', 'password_hasher'],
      // Names that say the value stands in for one.
      ['a1b2c3d4e5f6a7b8', 'EXAMPLE_LOCAL_KEY'],
      ['9f8b7c6d5e4f3a2b', 'DUMMY_TOKEN'],
      // The alphabet typed out in order: a stand-in of the right length.
      ['abcdef0123456789abcdef0123456789', 'token'],
      ['1234567890abcdef', 'api_key'],
      ['ABCDEFGHIJKLMNOP', 'client_secret'],
    ];
    for (const [value, name] of notSecrets) assert.ok(!looksLikeSecretValue(value, name), `${name} = ${value}`);
  });

  it('recognises secret formats inside longer strings but not their placeholders', () => {
    assert.match(knownSecretFormat('https://maps.googleapis.com/api/js?key=AIzaSyD4f8Gk2Lm9Np3Qr6St1Uv5Wx0Yz7Ab2Cd') ?? '', /Google API key/);
    assert.match(knownSecretFormat('123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1') ?? '', /Telegram/);
    for (const text of [
      'https://{user}:{password}@api.acme.io',
      'https://api.acme.io/v1?token={token}',
      'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'Token refreshedsuccessfully_now',
      '-----BEGIN PRIVATE KEY-----',
    ]) {
      assert.equal(knownSecretFormat(text), undefined, text);
    }
  });

  it('finds a known key format hidden in base64, and a key handed over as a query parameter', () => {
    const encoded = Buffer.from('AIzaSyD4kR8mQ2xW7vN1pL9sT3uY6hJ0cF5bE2g').toString('base64');
    const constant = analyzeSnippet(`from typing import Final\n\nAUTH_ENDPOINT_KEY: Final = "${encoded}"\n`, { rules }).findings;
    assert.match(constant[0]?.message ?? '', /holds a Google API key, base64-encoded/);
    assert.deepEqual(analyzeSnippet(`LOGO = "${Buffer.from('just a logo, nothing secret in it at all').toString('base64')}"\n`, { rules }).findings, []);
    const request = (params: string) => analyzeSnippet(`async def fetch(session, lat):\n    return await session.get("https://api.example.invalid/v1", params={"lat": lat, ${params}})\n`, { rules }).findings;
    assert.match(request('"key": "9f8B7c6D5e4F3a2B1c0D9e8F7a6B5c4D"')[0]?.message ?? '', /The "key" query parameter is given a literal secret/);
    assert.deepEqual(request('"key": "temperature"'), []);
    assert.deepEqual(request('"units": "9f8B7c6D5e4F3a2B1c0D9e8F7a6B5c4D"'), []);
    // A key in the query string of a URL built on a base URL constant.
    const built = (text: string) => analyzeSnippet(`BASE_URL = "https://api.example.invalid"\n\n\nasync def track(session, code):\n    return await session.get(${text})\n`, { rules }).findings;
    assert.match(built('f"{BASE_URL}/v2/parcels/{code}?apikey=a8f5f167f44f4964e6c998dee827110c"')[0]?.message ?? '', /a URL with a key in its query string \(apikey=\)/);
    assert.deepEqual(built('f"{code}?apikey=a8f5f167f44f4964e6c998dee827110c"'), []);
    assert.deepEqual(built('f"{BASE_URL}/v2/parcels/{code}?apikey={code}"'), []);
  });

  it('finds a private key in a triple-quoted string, but not a docstring quoting a token', () => {
    const source = 'KEY = """-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"""\n\n\ndef f():\n    """Send eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlc2lnbmF0dXJl."""\n';
    const findings = analyzeSnippet(source, { rules }).findings;
    assert.equal(findings.length, 1);
    assert.equal(findings[0].range.start.line, 0);
  });

  it("reports a literal default of a schema key probatio's Secret declares a credential", () => {
    const source = (key: string) => `import probatio\n\nCONF_KEY = "key"\nSCHEMA = probatio.Schema({probatio.Optional(${key}, default="q8Zr2LmX4vTn7WcK3pHs"): str})\n`;
    assert.equal(findingsIn(analyzeSnippet(source('probatio.Secret(CONF_KEY)'), { rules })).length, 1);
    assert.deepEqual(findingsIn(analyzeSnippet(source('CONF_KEY'), { rules })), []);
  });

  it('reads key bytes written out as numbers, hex or base64, and a literal held in a local then encoded', () => {
    const sign = (key: string, use = 'xqmauth_secret') => `import hmac\n\n\ndef sign(msg):\n    xqmauth_secret = ${key}\n    return hmac.new(${use}, msg, digestmod="sha256").hexdigest()\n`;
    const found = (key: string, use?: string) => analyzeSnippet(sign(key, use), { rules }).findings.map((finding) => finding.message);
    const numbers = '[26, 256-74, 256-103, 37, 256-84, 23, 256-102, 256-86, 78, 256-125, 256-85, 256-26, 113, 256-87, 71, 109, 0x17]';
    assert.match(found(`bytes(${numbers})`)[0] ?? '', /"xqmauth_secret" is given a literal secret/);
    assert.equal(found(`bytearray(${numbers.replace('[', '(').replace(']', ')')})`).length, 1);
    assert.equal(found('bytes.fromhex("1ab699259d17a6aa4e83abe671a9476d176418b85bd706f1436ca15be647989c")').length, 1);
    assert.equal(found('base64.b64decode("c2VjcmV0LWtleS1mb3ItdGhlLWFwcC0xMjM0NQ==")').length, 1);
    assert.match(found('"1ab699259d17a6aa4e83abe671a9476d176418b85bd706f1436ca15be647989c"', 'xqmauth_secret.encode()')[0] ?? '', /given a literal secret/);
    // Few or repeated bytes are a padding or a header, not a key; bytes computed at run time are no literal.
    assert.deepEqual(found('bytes([0, 0, 0, 0])'), []);
    assert.deepEqual(found('bytes([0] * 32)'), []);
    assert.deepEqual(found('bytes(entry.data["key"])'), []);
  });

  it('skips test code', () => {
    const source = 'API_KEY = "9f8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"\n';
    for (const fileName of ['tests/test_api.py', 'test_config_flow.py', 'conftest.py']) {
      assert.deepEqual(analyzeSnippet(source, { rules, fileName }).findings, [], fileName);
    }
    assert.equal(analyzeSnippet(source, { rules, fileName: 'api.py' }).findings.length, 1);
  });

  it('follows a constant imported from another module to where it is used', () => {
    const otherFiles = { 'const.py': 'VENDOR = "8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"\nCLIENT_SECRET = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5"\n' };
    const source = 'from .const import CLIENT_SECRET, VENDOR\n\n\ndef make(session):\n    return Api(session, api_key=VENDOR, client_secret=CLIENT_SECRET)\n';
    const result = analyzeSnippet(source, { rules, fileName: 'api.py', otherFiles });
    // VENDOR is only a secret by its use here; CLIENT_SECRET is reported once, in const.py, where it is named.
    const here = findingsIn(result, 'api.py');
    assert.equal(here.length, 1);
    assert.match(here[0].message, /"api_key".*written in const\.py/);
    assert.equal(findingsIn(result, 'const.py').length, 1);
  });

  it('marks the item used when a file handles credentials, so a clean integration passes', () => {
    const used = analyzeSnippet('def setup(entry):\n    password = entry.data["password"]\n    return password\n', { rules });
    assert.equal(used.checklist.find((entry) => entry.id === 'hardcoded-credentials')?.status, 'pass');
    // Credentials unpacked, or only handed on, are handled too (tomato).
    const unpacked = analyzeSnippet('from homeassistant.const import CONF_PASSWORD, CONF_USERNAME\n\n\ndef setup(config):\n    username, secret = config[CONF_USERNAME], config[CONF_PASSWORD]\n    return connect(username, secret)\n', { rules });
    assert.equal(unpacked.checklist.find((entry) => entry.id === 'hardcoded-credentials')?.status, 'pass');
    const unused = analyzeSnippet('value = 1\n# a password is never asked for\nprint("token")\n', { rules });
    assert.equal(unused.checklist.find((entry) => entry.id === 'hardcoded-credentials')?.status, 'not-applicable');
  });

  it('offers no automatic fix: only the author can move and revoke a secret', () => {
    const [finding] = analyzeSnippet('TOKEN = "tok_4f9a8b7c6d5e4f3a2b1c"\n', { rules }).findings;
    assert.equal(finding.severity, 'error');
    assert.equal(finding.fix, undefined);
    assert.equal(hardcodedSecret.meta.fix, 'none');
  });

  it('takes an AES key in hex under a bare "key" in a table of keys, not any value called key', () => {
    const lines = (source: string) => analyzeSnippet(source, { rules, fileName: 'cloud.py' }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(lines('DEFAULT_KEYS = {\n    99: {"key": "ed37bd31558a4b039aaf4e7a7a59aa7a75fd9101682045f69baf45d28380ae5c"},\n}\n'), [1]);
    assert.deepEqual(lines('SENSORS = [{"key": "temperature_outdoor_sensor_value_celsius"}, {"key": "0123456789abcdef"}]\n'), []);
    assert.deepEqual(lines('ENTRY = {"key": "5f2b9c8e-1d2a-4e7b-9a3c-6d8e1f2a3b4c"}\n'), []);
  });
  it('takes a Basic header of (null):(null) or empty parts for a placeholder, not one with a real password', () => {
    const source = (header: string) => `class Ws:\n    def __init__(self):\n        self.authorization = "Basic ${header}"\n`;
    assert.deepEqual(analyzeSnippet(source('KG51bGwpOihudWxsKQ=='), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('OnBhc3N3b3Jk'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('YWRtaW46WGsyOXBxTG16V3E3'), { rules }).findings.length, 1);
  });

  it('reports a *_key name holding an AES key written in hex, and no other value under such a name', () => {
    const count = (source: string) => analyzeSnippet(source, { rules, fileName: 'const.py' }).findings.length;
    assert.equal(count('CLOUD_KEY = "7c1e9a4f2b8d03e65a9c7f1d4e2b8a037c1e9a4f2b8d03e65a9c7f1d4e2b8a03"\n'), 1);
    assert.equal(count('RELAY_KEY = "7c1e9a4f2b8d03e65a9c7f1d4e2b8a60"\n'), 1);
    assert.equal(count('SORT_KEY = "last_updated"\n'), 0);
    assert.equal(count('CACHE_KEY = "demo_cache_v2"\n'), 0);
    assert.equal(count('ENTITY_KEY = "0123456789abcdef0123456789abcdef"\n'), 0);
    // The same key's bytes, decoded from hex where it is written.
    assert.equal(count('CLOUD_KEY = bytes.fromhex("7c1e9a4f2b8d03e65a9c7f1d4e2b8a60")\n'), 1);
    assert.equal(count('import binascii\n\nCLOUD_KEY = binascii.unhexlify("7c1e9a4f2b8d03e65a9c7f1d4e2b8a60")\n'), 1);
    assert.equal(count('CLOUD_KEY = bytearray.fromhex("0123456789abcdef0123456789abcdef")\n'), 0);
  });

  it('reads the key of hmac.new and jwt.encode given by keyword, and through functools.partial', () => {
    const count = (call: string) => analyzeSnippet(`import functools\nimport hmac\n\nimport jwt\n\n\ndef sign(payload, body):\n    return ${call}\n`, { rules }).findings.length;
    assert.equal(count('jwt.encode(payload, key="Zk3pQ9rT2vXy7LmN4bWc8HdF", algorithm="HS256")'), 1);
    assert.equal(count('hmac.new(key=b"Zk3pQ9rT2vXy7LmN4bWc8HdF", msg=body, digestmod="sha256")'), 1);
    assert.equal(count('functools.partial(jwt.encode, key="Zk3pQ9rT2vXy7LmN4bWc8HdF")(payload)'), 1);
    assert.equal(count('jwt.encode(payload, key=self._secret, algorithm="HS256")'), 0);
  });
});
