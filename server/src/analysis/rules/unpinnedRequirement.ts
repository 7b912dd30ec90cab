import type { Requirement } from '../model/integration';
import type { Rule } from '../rule';
import type { Fix } from '../types';

/**
 * Packages Home Assistant itself installs and constrains. An integration that pins one of them fights core's
 * own pin, so leaving them unpinned is right.
 */
const SHIPPED_WITH_HOME_ASSISTANT = new Set([
  'aiohttp', 'aiohttp-cors', 'aiohttp-fast-zlib', 'aiodns', 'astral', 'async-interrupt', 'atomicwrites-homeassistant',
  'attrs', 'awesomeversion', 'bcrypt', 'certifi', 'ciso8601', 'cryptography', 'fnv-hash-fast', 'hass-nabucasa',
  'home-assistant-bluetooth', 'httpx', 'ifaddr', 'jinja2', 'lru-dict', 'orjson', 'packaging', 'pillow', 'propcache',
  'psutil-home-assistant', 'pydantic', 'pyjwt', 'pyopenssl', 'python-slugify', 'pyyaml', 'requests', 'sqlalchemy',
  'typing-extensions', 'ulid-transform', 'urllib3', 'voluptuous', 'voluptuous-openapi', 'voluptuous-serialize', 'yarl',
  'zeroconf', 'webrtc-models', 'securetar', 'audioop-lts', 'annotatedyaml', 'multidict', 'async-timeout',
  // Pinned exactly in core's package_constraints.txt: another pin makes the integration uninstallable.
  'numpy', 'pandas', 'protobuf', 'grpcio', 'grpcio-status', 'grpcio-reflection', 'charset-normalizer', 'anyio', 'h11',
  'httpcore', 'regex', 'paho-mqtt', 'mutagen', 'pyserial', 'pynacl', 'pyudev', 'pyturbojpeg', 'bleak',
  'bleak-retry-connector', 'bluetooth-adapters', 'bluetooth-auto-recovery', 'bluetooth-data-tools', 'habluetooth',
  'dbus-fast', 'hassil', 'home-assistant-intents', 'ha-ffmpeg', 'ha-av', 'async-upnp-client', 'cached-ipaddress',
]);

/** `pkg==1.2.3`, `pkg[extra]==1.0`, `pkg===1.0`, a VCS URL at a full commit, or a URL with a hash. */
export function isPinned(requirement: string): boolean {
  const spec = requirement.split(';')[0].trim();
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[A-Za-z0-9][A-Za-z0-9.+!*_-]*\s*$/.test(spec)) {
    return !spec.includes('*');
  }
  if (/@[0-9a-f]{40}(#|$)/i.test(spec)) return true;
  return /#(sha256|sha384|sha512)=[0-9a-f]{32,}/i.test(spec);
}

export const unpinnedRequirement: Rule = {
  meta: {
    id: 'unpinned-requirement',
    checklist: 'dependency-pinning',
    severity: 'warning',
    fix: 'suggestion',
    cwe: 1357,
    description: 'A requirement in manifest.json is not pinned to an exact version with ==.',
    docs: `Home Assistant installs an integration's \`requirements\` from PyPI when the integration loads. A range such
as \`acme-client>=1.0\` installs whatever is newest that day: a compromised or broken release reaches every user
without anyone reviewing it, and two users may run different code. An exact pin makes the installed code the code
that was reviewed, and lets advisories be checked against one known version.

Home Assistant's own tooling requires \`==\` pins for core integrations. Custom integrations often use ranges to
coexist with other integrations; the trade-off is real, so this is a warning. Do **not** pin packages that Home
Assistant itself ships (aiohttp, yarl, voluptuous, pydantic, ...) or pins exactly in its package constraints
(numpy, protobuf, grpcio, pandas, ...): core decides their version, and they are never reported.

Pinned requirements still need auditing against known advisories (for example with pip-audit); that part is
left to a person and shown as \`review\` in the checklist.

Bad:
\`\`\`json
"requirements": ["acme-client>=1.0", "pyacme"]
\`\`\`

Good:
\`\`\`json
"requirements": ["acme-client==1.4.2", "pyacme[async]==0.9.1"]
\`\`\``,
  },
  checkIntegration(context) {
    const { integration } = context;
    const requirements = integration.manifest.requirements;
    if (integration.manifest.unreadable) {
      context.review('manifest.json is not valid JSON, so its requirements could not be checked; fix the file and check again.');
      return;
    }
    if (requirements.length === 0) return;
    context.markUsed();
    const isCore = /(^|\/)homeassistant\/components\/[^/]+\/?$/.test(integration.root.replace(/\\/g, '/'));
    for (const requirement of requirements) {
      if (isPinned(requirement.text) || SHIPPED_WITH_HOME_ASSISTANT.has(requirement.name)) continue;
      const how = describeSpec(requirement.text);
      const isUrl = /:\/\//.test(requirement.text);
      const message = isCore
        ? `Requirement "${requirement.text}" ${how}; core integrations must pin every requirement with ==.`
        : isUrl
          ? `Requirement "${requirement.text}" ${how}: a branch or tag can be moved to other code after review; pin a commit hash (@<40 hex digits>) or a released version with ==.`
          : `Requirement "${requirement.text}" ${how}, so users get whatever release is newest; pin it with == (custom integrations may keep a range to coexist with others, but then each release installs unreviewed code).`;
      context.report(integration.manifestPath, requirement.range, message, {
        severity: isCore ? 'error' : undefined,
        suggestions: lowerBoundPin(requirement),
      });
    }
    const pinned = requirements.filter((requirement) => isPinned(requirement.text));
    if (pinned.length > 0) {
      context.review(
        `Check the pinned requirements (${pinned.map((requirement) => requirement.text).join(', ')}) against known advisories, e.g. with pip-audit; no advisory list ships with this tool.`,
      );
    }
  },
};

function describeSpec(requirement: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*$/.test(requirement.trim())) return 'has no version';
  if (/:\/\//.test(requirement)) return 'is a URL without a pinned commit or hash';
  return 'is a version range';
}

/** `acme>=1.2.3,<2` can be pinned to the lowest version it allows; a person must confirm that version. */
function lowerBoundPin(requirement: Requirement): Fix[] {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?)\s*(?:>=|~=)\s*([0-9][A-Za-z0-9.+!_-]*)/.exec(requirement.text);
  if (!match) return [];
  const pinned = `${match[1]}==${match[2]}`;
  // An environment marker (`; sys_platform != "win32"`) says where the package is installed at all: it stays.
  const marker = /;.*$/.exec(requirement.text)?.[0].replace(/\s*$/, '') ?? '';
  const { start, end } = requirement.range;
  return [
    {
      title: `Pin to ${pinned} (the lowest version the range allows)`,
      safe: false,
      edits: [{ range: { start: { line: start.line, character: start.character + 1 }, end: { line: end.line, character: end.character - 1 } }, newText: JSON.stringify(`${pinned}${marker}`).slice(1, -1) }],
    },
  ];
}
