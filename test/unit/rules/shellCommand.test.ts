import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { shellCommand, SWITCH_TITLE } from '../../../server/src/analysis/rules/shellCommand';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [shellCommand];

function fixOnce(source: string): { fixed: string; title: string; safe: boolean } {
  const [finding] = analyzeSnippet(source, { rules }).findings;
  assert.ok(finding, 'expected a finding');
  const fix = finding.fix ?? finding.suggestions?.[0];
  assert.ok(fix, 'expected a fix');
  return { fixed: applyEdits(source, fix.edits), title: fix.title, safe: fix.safe };
}

function parses(source: string): boolean {
  const tree = parsePython(source);
  const ok = !tree.rootNode.hasError;
  tree.delete();
  return ok;
}

describe('shell-command', () => {
  before(setup);

  for (const fixture of fixtureFiles('shell-command')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('is an error when interpolated and a warning when constant', () => {
    const findings = analyzeSnippet('import subprocess\nsubprocess.run("uptime", shell=True)\nsubprocess.run(f"ping {h}", shell=True)\n', { rules }).findings;
    assert.deepEqual(findings.map((finding) => finding.severity), ['warning', 'error']);
    const fromService = analyzeSnippet('import os\n\nasync def handle(call):\n    os.system("ping " + call.data["host"])\n\nhass.services.async_register("d", "s", handle)\n', { rules }).findings;
    assert.match(fromService[0].message, /service call data/);
  });

  const cases: [string, string, string][] = [
    [
      'an f-string with shell=True',
      'import subprocess\n\n\ndef ping(host: str):\n    subprocess.run(f"ping -c 1 {host}", shell=True)\n',
      'import subprocess\n\n\ndef ping(host: str):\n    subprocess.run(["ping", "-c", "1", host])\n',
    ],
    [
      'a non-string value, wrapped in str() as the f-string did',
      "import subprocess\n\n\ndef wait(seconds):\n    subprocess.run(f'sleep {seconds}', shell=True, check=True)\n",
      "import subprocess\n\n\ndef wait(seconds):\n    subprocess.run(['sleep', str(seconds)], check=True)\n",
    ],
    [
      'os.system, adding the import once and keeping the exit status',
      'import os\n\n\ndef wake(mac: str):\n    return os.system("wakeonlan " + mac)\n',
      'import os\nimport subprocess\n\n\ndef wake(mac: str):\n    return subprocess.run(["wakeonlan", mac], check=False).returncode\n',
    ],
    [
      'os.system with subprocess imported under an alias',
      'import os\nimport subprocess as sp\n\n\ndef wake(mac: str):\n    os.system("wakeonlan %s" % mac)\n',
      'import os\nimport subprocess as sp\n\n\ndef wake(mac: str):\n    sp.run(["wakeonlan", mac], check=False)\n',
    ],
    [
      'asyncio.create_subprocess_shell with a mixed word',
      'import asyncio\n\n\nasync def reboot(ip: str):\n    await asyncio.create_subprocess_shell(f"ssh root@{ip} reboot", stdout=None)\n',
      'import asyncio\n\n\nasync def reboot(ip: str):\n    await asyncio.create_subprocess_exec("ssh", f"root@{ip}", "reboot", stdout=None)\n',
    ],
    [
      '.format with positional fields',
      'import subprocess\n\n\ndef arp(iface: str, ip: str):\n    subprocess.check_output("arping -I {} {}".format(iface, ip), shell=True)\n',
      'import subprocess\n\n\ndef arp(iface: str, ip: str):\n    subprocess.check_output(["arping", "-I", iface, ip])\n',
    ],
  ];
  for (const [name, before, after] of cases) {
    it(`switches ${name} to an argument list (safe, idempotent)`, () => {
      const { fixed, title, safe } = fixOnce(before);
      assert.equal(title, SWITCH_TITLE);
      assert.equal(safe, true);
      assert.equal(fixed, after);
      assert.ok(parses(fixed));
      assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, [], 'the finding is gone and nothing new appears');
    });
  }

  it('offers no rewrite for pipes and redirections, which only a shell understands', () => {
    const [finding] = analyzeSnippet('import subprocess\n\n\ndef up():\n    subprocess.check_output("uptime | cut -d, -f1", shell=True)\n', { rules }).findings;
    assert.equal(finding.fix, undefined);
    assert.equal(finding.suggestions, undefined);
  });

  it('offers only a shlex.split suggestion when the command is a variable or quotes words', () => {
    for (const source of [
      'import subprocess\n\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n',
      'import subprocess\n\n\ndef say():\n    subprocess.run("espeak \'hello world\'", shell=True)\n',
    ]) {
      const [finding] = analyzeSnippet(source, { rules }).findings;
      assert.equal(finding.fix, undefined);
      const [suggestion] = finding.suggestions ?? [];
      assert.equal(suggestion.safe, false);
      const fixed = applyEdits(source, suggestion.edits);
      assert.match(fixed, /^import shlex\nimport subprocess\n/);
      assert.match(fixed, /subprocess\.(run|check_output)\(shlex\.split\(/);
      assert.ok(parses(fixed));
    }
  });

  it('every fix offered on the fixtures parses and removes its finding', () => {
    for (const fixture of fixtureFiles('shell-command')) {
      const source = require('node:fs').readFileSync(fixture, 'utf8') as string;
      for (const finding of analyzeSnippet(source, { rules }).findings) {
        for (const fix of [finding.fix, ...(finding.suggestions ?? [])]) {
          if (!fix) continue;
          const fixed = applyEdits(source, fix.edits);
          assert.ok(parses(fixed), `${fix.title} at line ${finding.range.start.line + 1} parses`);
          const after = analyzeSnippet(fixed, { rules }).findings;
          assert.ok(after.length < analyzeSnippet(source, { rules }).findings.length, `${fix.title} at line ${finding.range.start.line + 1} removes its finding`);
        }
      }
    }
  });
});
