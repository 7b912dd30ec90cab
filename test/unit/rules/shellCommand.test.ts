import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { before, describe, it } from 'node:test';
import { applyTextEdits, combineFixes, safeFixes } from '../../../server/src/analysis/fixAll';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { QUOTE_TITLE, shellCommand, SWITCH_TITLE } from '../../../server/src/analysis/rules/shellCommand';
import type { Finding } from '../../../server/src/analysis/types';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [shellCommand];

function findings(source: string, fileName = '__init__.py'): Finding[] {
  return analyzeSnippet(source, { rules, fileName }).findings;
}

function only(source: string): Finding {
  const all = findings(source);
  assert.equal(all.length, 1, `expected one finding, got ${all.map((finding) => finding.message).join('\n')}`);
  return all[0];
}

/** ERROR and MISSING nodes of a parse: a fix may not add any. */
function syntaxErrors(source: string): number {
  const tree = parsePython(source);
  try {
    let count = 0;
    const visit = (node: { type: string; isMissing: boolean; childCount: number; child(index: number): unknown }): void => {
      if (node.type === 'ERROR' || node.isMissing) count++;
      for (let index = 0; index < node.childCount; index++) visit(node.child(index) as typeof node);
    };
    visit(tree.rootNode as never);
    return count;
  } finally {
    tree.delete();
  }
}

/** Applies the fix or suggestion of the first finding, checking what every rewrite must hold. */
function rewrite(source: string, expectSafe: boolean): string {
  const before = findings(source);
  const finding = before[0];
  assert.ok(finding, 'expected a finding');
  const fix = finding.fix ?? finding.suggestions?.[0];
  assert.ok(fix, 'expected a rewrite');
  assert.ok(fix.title.startsWith(SWITCH_TITLE), fix.title);
  assert.equal(fix.safe, expectSafe, expectSafe ? 'a safe fix' : 'a suggestion only');
  assert.equal(finding.fix === undefined, !expectSafe, 'safe rewrites are the fix, others are suggestions');
  const fixed = applyEdits(source, fix.edits);
  assert.equal(syntaxErrors(fixed), 0, `the result parses:\n${fixed}`);
  const after = findings(fixed);
  assert.equal(after.length, before.length - 1, 'the finding is gone and nothing new appears');
  assert.ok(after.every((item) => before.some((earlier) => earlier.message === item.message)), 'no new finding');
  return fixed;
}

describe('shell-command', () => {
  before(setup);

  for (const fixture of fixtureFiles('shell-command')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  describe('severity and messages', () => {
    it('is an error when the command is built from values and a warning when it is constant', () => {
      const all = findings('import subprocess\n\n\ndef run(h):\n    subprocess.run("uptime", shell=True)\n    subprocess.run(f"ping {h}", shell=True)\n');
      assert.deepEqual(all.map((finding) => finding.severity), ['warning', 'error']);
      assert.match(all[0].message, /constant/);
    });

    it('treats module constants, also from another module, as constant', () => {
      const source = 'import subprocess\nfrom .const import TOOL\n\nOPTIONS = "-c 1"\n\n\ndef run():\n    subprocess.run(f"{TOOL} {OPTIONS} localhost", shell=True)\n';
      const result = analyzeSnippet(source, { rules, otherFiles: { 'const.py': 'TOOL = "ping"\n' } });
      assert.deepEqual(result.findings.map((finding) => finding.severity), ['warning']);
    });

    it('names the untrusted source', () => {
      const finding = only('import os\n\n\nasync def handle(call):\n    os.system("ping " + call.data["host"])\n\nhass.services.async_register("d", "s", handle)\n');
      assert.equal(finding.severity, 'error');
      assert.match(finding.message, /service call data/);
    });

    it('lowers values quoted with shlex.quote to a warning, unless placed inside shell quotes again', () => {
      const quoted = only('import shlex\nimport subprocess\n\n\ndef run(host):\n    safe = shlex.quote(host)\n    subprocess.run(f"ping {safe}", shell=True)\n');
      assert.equal(quoted.severity, 'warning');
      assert.match(quoted.message, /shlex\.quote/);
      const joined = only('import shlex\nimport subprocess\n\n\ndef run(hosts):\n    subprocess.run("fping " + " ".join(shlex.quote(h) for h in hosts), shell=True)\n');
      assert.equal(joined.severity, 'warning');
      const requoted = only("import shlex\nimport subprocess\n\n\ndef run(host):\n    subprocess.run(f\"ping '{shlex.quote(host)}'\", shell=True)\n");
      assert.equal(requoted.severity, 'error');
    });

    it('follows aliases: import subprocess as sp, from subprocess import run, from os import system', () => {
      const source = 'from os import system\nfrom subprocess import run as spawn\nimport subprocess as sp\n\n\ndef f(x):\n    spawn(x, shell=True)\n    sp.Popen(x, shell=True)\n    system(x)\n';
      assert.equal(findings(source).length, 3);
    });
  });

  describe('what is not reported', () => {
    it('stays silent on argument lists, shell=False, create_subprocess_exec and look-alike methods', () => {
      const source = [
        'import asyncio',
        'import subprocess',
        '',
        '',
        'async def f(host, use_shell=False):',
        '    subprocess.run(["ping", host])',
        '    subprocess.run(f"ping {host}", shell=False)',
        '    subprocess.run(["ping", host], shell=0)',
        '    await asyncio.create_subprocess_exec("ping", "-c", "1", host)',
        '    runner.system(f"ping {host}")',
        '    self.popen(host)',
        '    conn.run(f"ping {host}")',
        '',
      ].join('\n');
      assert.deepEqual(findings(source), []);
    });

    it('accepts an argument list whose shell flag is computed (the cross-platform idiom)', () => {
      assert.deepEqual(findings('import subprocess\nimport sys\n\n\ndef f(host):\n    subprocess.run(["ping", host], shell=sys.platform == "win32")\n'), []);
    });

    it('finds a shell started through sudo or env', () => {
      const all = findings('import subprocess\n\n\ndef f(cmd):\n    subprocess.run(["sudo", "sh", "-c", cmd])\n    subprocess.run(["/usr/bin/env", "bash", "-lc", cmd])\n    subprocess.run(["sudo", "reboot"])\n');
      assert.deepEqual(all.map((finding) => finding.range.start.line + 1), [5, 6]);
    });

    it('follows a shell flag through a variable set to False', () => {
      assert.deepEqual(findings('import subprocess\n\n\ndef f(host):\n    shell = False\n    subprocess.run(f"ping {host}", shell=shell)\n'), []);
    });

    it('reports a shell flag that may be true, without offering a rewrite', () => {
      const finding = only('import subprocess\n\n\ndef f(host, use_shell):\n    subprocess.run(f"ping {host}", shell=use_shell)\n');
      assert.equal(finding.fix, undefined);
      assert.equal(finding.suggestions, undefined);
    });

    it('ignores test files', () => {
      const source = 'import os\n\n\ndef test_it(host):\n    os.system(f"ping {host}")\n';
      assert.deepEqual(findings(source, 'test_network.py'), []);
      assert.deepEqual(findings(source, 'tests/helpers.py'), []);
      assert.equal(findings(source, 'network.py').length, 1);
    });

    it('marks the item used, so a clean integration passes rather than being not applicable', () => {
      const used = analyzeSnippet('import subprocess\n\n\ndef f(h):\n    subprocess.run(["ping", h])\n', { rules });
      assert.equal(used.checklist.find((entry) => entry.id === 'command-injection')?.status, 'pass');
      const unused = analyzeSnippet('value = 1\n', { rules });
      assert.equal(unused.checklist.find((entry) => entry.id === 'command-injection')?.status, 'not-applicable');
    });
  });

  describe('Switch to argument-list spawn (safe)', () => {
    const cases: [string, string, string][] = [
      [
        'an f-string with shell=True',
        'import subprocess\n\n\ndef ping(host: str):\n    subprocess.run(f"ping -c 1 {host}", shell=True)\n',
        'import subprocess\n\n\ndef ping(host: str):\n    subprocess.run(["ping", "-c", "1", host])\n',
      ],
      [
        'a value that may not be a str, wrapped in str() as the f-string did, keeping other keywords and single quotes',
        "import subprocess\n\n\ndef wait(seconds):\n    subprocess.run(f'sleep {seconds}', shell=True, check=True)\n",
        "import subprocess\n\n\ndef wait(seconds):\n    subprocess.run(['sleep', str(seconds)], check=True)\n",
      ],
      [
        '% with a tuple, %d of an int and %s of a str',
        'import subprocess\n\n\ndef ping(count: int, host: str):\n    subprocess.check_call("ping -c %d %s" % (count, host), shell=True)\n',
        'import subprocess\n\n\ndef ping(count: int, host: str):\n    subprocess.check_call(["ping", "-c", str(count), host])\n',
      ],
      [
        '"..." + value (concatenation only works with str, so no str())',
        'import subprocess\n\n\ndef wake(mac):\n    subprocess.call("wakeonlan " + mac + " -p 9", shell=True)\n',
        'import subprocess\n\n\ndef wake(mac):\n    subprocess.call(["wakeonlan", mac, "-p", "9"])\n',
      ],
      [
        '.format with automatic and named fields',
        'import subprocess\n\n\ndef arp(iface: str, ip: str):\n    subprocess.check_output("arping -I {} {target}".format(iface, target=ip), shell=True)\n',
        'import subprocess\n\n\ndef arp(iface: str, ip: str):\n    subprocess.check_output(["arping", "-I", iface, ip])\n',
      ],
      [
        'os.system as a statement, adding import subprocess once, in order',
        'import os\nimport time\n\n\ndef wake(mac: str):\n    os.system("wakeonlan " + mac)\n    os.system("wakeonlan " + mac)\n',
        'import os\nimport subprocess\nimport time\n\n\ndef wake(mac: str):\n    subprocess.run(["wakeonlan", mac], check=False)\n    os.system("wakeonlan " + mac)\n',
      ],
      [
        'os.system with subprocess imported under an alias',
        'import os\nimport subprocess as sp\n\n\ndef wake(mac: str):\n    os.system("wakeonlan %s" % mac)\n',
        'import subprocess as sp\n\n\ndef wake(mac: str):\n    sp.run(["wakeonlan", mac], check=False)\n',
      ],
      [
        'os.system, the last use of os, dropping import os from a list of imports',
        'import os, time\n\n\ndef wake(mac: str):\n    os.system("wakeonlan " + mac)\n    time.sleep(1)\n',
        'import time\nimport subprocess\n\n\ndef wake(mac: str):\n    subprocess.run(["wakeonlan", mac], check=False)\n    time.sleep(1)\n',
      ],
      [
        'system imported by name and used once, dropping that import with its comment',
        'import logging\nfrom os import system  # for wakeonlan\n\n\ndef wake(mac: str):\n    system("wakeonlan " + mac)\n',
        'import logging\nimport subprocess\n\n\ndef wake(mac: str):\n    subprocess.run(["wakeonlan", mac], check=False)\n',
      ],
      [
        'os.system where os is still used elsewhere, keeping import os',
        'import os\n\n\ndef wake(mac: str):\n    os.system("wakeonlan " + mac)\n    return os.getpid()\n',
        'import os\nimport subprocess\n\n\ndef wake(mac: str):\n    subprocess.run(["wakeonlan", mac], check=False)\n    return os.getpid()\n',
      ],
      [
        'os.system where os is imported inside try (the block would be left empty), keeping the import',
        'try:\n    import os\nexcept ImportError:\n    os = None\n\n\ndef wake(mac: str):\n    os.system("wakeonlan " + mac)\n',
        'import subprocess\n\ntry:\n    import os\nexcept ImportError:\n    os = None\n\n\ndef wake(mac: str):\n    subprocess.run(["wakeonlan", mac], check=False)\n',
      ],
      [
        'os.system whose status is only tested against zero',
        'import os\nimport subprocess\n\n\ndef up(host: str):\n    if os.system(f"ping -c 1 {host}") != 0:\n        raise OSError\n    return not os.system("true")\n',
        'import os\nimport subprocess\n\n\ndef up(host: str):\n    if subprocess.run(["ping", "-c", "1", host], check=False).returncode != 0:\n        raise OSError\n    return not os.system("true")\n',
      ],
      [
        'os.popen(...).read()',
        'import os\n\n\ndef temperature():\n    return os.popen("vcgencmd measure_temp").read().strip()\n',
        'import subprocess\n\n\ndef temperature():\n    return subprocess.run(["vcgencmd", "measure_temp"], stdout=subprocess.PIPE, text=True, check=False).stdout.strip()\n',
      ],
      [
        'asyncio.create_subprocess_shell, keeping stdout= and a mixed word as an f-string',
        'import asyncio\n\n\nasync def reboot(ip: str):\n    await asyncio.create_subprocess_shell(f"ssh root@{ip} reboot", stdout=asyncio.subprocess.PIPE)\n',
        'import asyncio\n\n\nasync def reboot(ip: str):\n    await asyncio.create_subprocess_exec("ssh", f"root@{ip}", "reboot", stdout=asyncio.subprocess.PIPE)\n',
      ],
      [
        'create_subprocess_shell imported by name',
        'from asyncio import create_subprocess_shell\n\n\nasync def play(sound: str):\n    await create_subprocess_shell("aplay " + sound)\n',
        'from asyncio import create_subprocess_exec\n\n\nasync def play(sound: str):\n    await create_subprocess_exec("aplay", sound)\n',
      ],
      [
        'loop.subprocess_shell',
        'import asyncio\n\n\nasync def scan(net: str):\n    loop = asyncio.get_running_loop()\n    await loop.subprocess_shell(asyncio.SubprocessProtocol, f"arp-scan {net}")\n',
        'import asyncio\n\n\nasync def scan(net: str):\n    loop = asyncio.get_running_loop()\n    await loop.subprocess_exec(asyncio.SubprocessProtocol, "arp-scan", net)\n',
      ],
      [
        'shell quotes, split the way the shell splits them',
        'import subprocess\n\n\ndef say():\n    subprocess.run("espeak -v en \'hello world\' \\"it\'s me\\"", shell=True)\n',
        'import subprocess\n\n\ndef say():\n    subprocess.run(["espeak", "-v", "en", "hello world", "it\'s me"])\n',
      ],
      [
        'a value inside shell quotes, one argument with its text',
        'import subprocess\n\n\ndef notify(message: str):\n    subprocess.run(f"notify-send \'Alert: {message}\'", shell=True)\n',
        'import subprocess\n\n\ndef notify(message: str):\n    subprocess.run(["notify-send", f"Alert: {message}"])\n',
      ],
      [
        'an option glued to its value (--opt={x} stays one argument)',
        'import subprocess\n\n\ndef fetch(url: str, name):\n    subprocess.run(f"wget --output-document={name}.jpg {url}", shell=True)\n',
        'import subprocess\n\n\ndef fetch(url: str, name):\n    subprocess.run(["wget", f"--output-document={name}.jpg", url])\n',
      ],
      [
        'a value quoted with shlex.quote in place (the quotes were for the shell)',
        'import shlex\nimport subprocess\n\n\ndef ping(host):\n    subprocess.run("ping -c 1 " + shlex.quote(host), shell=True)\n',
        'import shlex\nimport subprocess\n\n\ndef ping(host):\n    subprocess.run(["ping", "-c", "1", host])\n',
      ],
      [
        'a one-element list with shell=True',
        'import subprocess\n\n\ndef ping(host: str):\n    subprocess.run([f"ping {host}"], shell=True)\n',
        'import subprocess\n\n\ndef ping(host: str):\n    subprocess.run(["ping", host])\n',
      ],
      [
        'a constant command through shlex.split (its text is known to split cleanly)',
        'import subprocess\n\nREBOOT = "sudo reboot now"\n\n\ndef reboot():\n    subprocess.run(REBOOT, shell=True)\n',
        'import shlex\nimport subprocess\n\nREBOOT = "sudo reboot now"\n\n\ndef reboot():\n    subprocess.run(shlex.split(REBOOT))\n',
      ],
      [
        'a command across lines, keeping its layout',
        'import subprocess\n\n\ndef restart(name: str):\n    subprocess.run(\n        "systemctl restart " + name,\n        shell=True,\n    )\n',
        'import subprocess\n\n\ndef restart(name: str):\n    subprocess.run(\n        ["systemctl", "restart", name],\n    )\n',
      ],
    ];
    for (const [name, source, expected] of cases) {
      it(`rewrites ${name}`, () => {
        assert.equal(rewrite(source, true), expected);
      });
    }

    it('is idempotent: fix-all a second time changes nothing', () => {
      for (const [, source] of cases) {
        const once = applyTextEdits(source, combineFixes(safeFixes(findings(source))).edits);
        const twice = applyTextEdits(once, combineFixes(safeFixes(findings(once))).edits);
        assert.equal(twice, once);
      }
    });
  });

  describe('Switch to argument-list spawn (suggestion)', () => {
    it('offers shlex.split for a command in a variable, importing shlex once (or using its alias)', () => {
      const fixed = rewrite('import subprocess\n\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n', false);
      assert.equal(fixed, 'import shlex\nimport subprocess\n\n\ndef run(cmd):\n    subprocess.run(shlex.split(cmd))\n');
      const aliased = rewrite('import shlex as sx\nimport os\n\n\ndef run(cmd):\n    os.system(cmd)\n', false);
      assert.equal(aliased, 'import shlex as sx\nimport subprocess\n\n\ndef run(cmd):\n    subprocess.run(sx.split(cmd), check=False)\n');
      const spread = rewrite('import asyncio\n\n\nasync def run(cmd):\n    await asyncio.create_subprocess_shell(cmd)\n', false);
      assert.match(spread, /asyncio\.create_subprocess_exec\(\*shlex\.split\(cmd\)\)/);
    });

    it('offers shlex.split for globs and ~, which it keeps as text where a shell expanded them, and says so', () => {
      const source = 'import subprocess\n\n\ndef clean():\n    subprocess.run("rm -f /tmp/cache/*.jpg", shell=True)\n';
      const fixed = rewrite(source, false);
      assert.match(fixed, /subprocess\.run\(shlex\.split\("rm -f \/tmp\/cache\/\*\.jpg"\)\)/);
      assert.match(findings(source)[0].suggestions![0].title, /\* and ~ are then no longer expanded: expand them with glob\.glob or os\.path\.expanduser/);
      const plain = findings('import subprocess\n\n\ndef clean(name):\n    subprocess.run(f"rm -f /tmp/cache/{name}", shell=True)\n')[0];
      assert.equal((plain.fix ?? plain.suggestions![0]).title, SWITCH_TITLE);
    });

    it('is only a suggestion when a value may hold several words the shell would have split', () => {
      rewrite('import subprocess\n\n\ndef run(args):\n    subprocess.run(f"ffmpeg {args}", shell=True)\n', false);
      rewrite('import subprocess\n\nEXTRA = "-c 1 -W 2"\n\n\ndef run(host: str):\n    subprocess.run(f"ping {EXTRA} {host}", shell=True)\n', false);
      rewrite('import subprocess\n\n\ndef run(names):\n    subprocess.run("systemctl restart " + " ".join(names), shell=True)\n', false);
    });

    it('is only a suggestion when the exit status of os.system is used as a number', () => {
      const fixed = rewrite('import os\n\n\ndef wake(mac: str):\n    return os.system("wakeonlan " + mac)\n', false);
      assert.match(fixed, /return subprocess\.run\(\["wakeonlan", mac\], check=False\)\.returncode/);
    });

    it('uses shlex.split when a value was quoted elsewhere (shlex.split removes those quotes again)', () => {
      const fixed = rewrite('import shlex\nimport subprocess\n\n\ndef run(host):\n    safe = shlex.quote(host)\n    subprocess.run(f"ping {safe}", shell=True)\n', false);
      assert.match(fixed, /subprocess\.run\(shlex\.split\(f"ping \{safe\}"\)\)/);
    });
  });

  describe('no rewrite where only a shell will do', () => {
    const sources = [
      ['a pipe', 'subprocess.check_output("uptime | cut -d, -f1", shell=True)'],
      ['a command list', 'subprocess.run(f"cd /config && git pull {remote}", shell=True)'],
      ['a redirection', 'subprocess.run(f"echo {value} > /sys/class/gpio/export", shell=True)'],
      ['a variable expansion', 'subprocess.run(f"$HOME/bin/tool {value}", shell=True)'],
      ['a command substitution', 'subprocess.run(f"kill $(pidof {value})", shell=True)'],
      ['a shell builtin', 'subprocess.run(f"cd {value}", shell=True)'],
      ['an environment assignment', 'subprocess.run(f"LANG=C ls {value}", shell=True)'],
      ['an unbalanced quote', 'subprocess.run(f"echo \'{value}", shell=True)'],
      ['a chosen shell executable', 'subprocess.run(f"ls {value}", shell=True, executable="/bin/bash")'],
      ['bytes', 'subprocess.run(b"uptime", shell=True)'],
      ['a list of several elements with shell=True', 'subprocess.run(["ls", value], shell=True)'],
    ];
    for (const [name, line] of sources) {
      it(`offers nothing for ${name}`, () => {
        const finding = only(`import subprocess\n\n\ndef f(value, remote):\n    ${line}\n`);
        assert.equal(finding.fix, undefined);
        assert.equal(finding.suggestions, undefined);
      });
    }

    it('offers nothing for calls made later through an executor', () => {
      const finding = only('import os\n\n\nasync def f(hass, mac: str):\n    await hass.async_add_executor_job(os.system, f"etherwake {mac}")\n');
      assert.equal(finding.fix, undefined);
      assert.equal(finding.suggestions, undefined);
    });
  });

  describe('remote commands', () => {
    it('reports an interpolated paramiko command and suggests shlex.quote for each value', () => {
      const source = 'import paramiko\n\n\ndef kick(client: paramiko.SSHClient, mac, count: str):\n    client.exec_command(f"wifi kick {mac} {count}")\n';
      const finding = only(source);
      assert.equal(finding.severity, 'error');
      assert.equal(finding.fix, undefined);
      const [suggestion] = finding.suggestions ?? [];
      assert.equal(suggestion.title, QUOTE_TITLE);
      assert.equal(suggestion.safe, false);
      const fixed = applyEdits(source, suggestion.edits);
      assert.equal(fixed, 'import shlex\nimport paramiko\n\n\ndef kick(client: paramiko.SSHClient, mac, count: str):\n    client.exec_command(f"wifi kick {shlex.quote(str(mac))} {shlex.quote(count)}")\n');
      assert.deepEqual(findings(fixed), []);
    });

    it('knows paramiko from any file of the integration', () => {
      const result = analyzeSnippet('def kick(router, mac):\n    router.client.exec_command("wifi kick " + mac)\n', { rules, otherFiles: { 'api.py': 'import paramiko\n' } });
      assert.equal(result.findings.length, 1);
    });

    it('reports asyncssh connections, and pass-through commands only from untrusted input', () => {
      const source = [
        'import asyncssh',
        '',
        '',
        'async def run(host, cmd):',
        '    async with asyncssh.connect(host) as conn:',
        '        await conn.run(cmd)',
        '        await conn.run(f"ls {cmd}")',
        '',
        '',
        'async def handle(call):',
        '    async with asyncssh.connect("router") as conn:',
        '        await conn.run(call.data["command"])',
        '',
        'hass.services.async_register("d", "s", handle)',
        '',
      ].join('\n');
      const found = findings(source);
      assert.deepEqual(found.map((finding) => finding.range.start.line + 1), [7, 12]);
      // Quoting cannot help a command the caller chooses whole; values a command is built from it can.
      assert.match(found[0].message, /built from .*Quote each value with shlex\.quote/);
      assert.match(found[1].message, /the whole command is taken from service call data, so whoever sends it runs any command on that host; offer a fixed set of commands/);
    });

    it("puts a command taken whole from settings up for review rather than passing it as run without a shell", () => {
      const sensor = (command: string) =>
        `import paramiko\n\n\nclass SSHSensor:\n    def __init__(self, config):\n        self._command = config["command"]\n        self._ssh = paramiko.SSHClient()\n\n    def update(self):\n        self._ssh.exec_command(${command})\n`;
      const item = (command: string) => {
        const result = analyzeSnippet(sensor(command), { rules, fileName: 'sensor.py' });
        assert.deepEqual(result.findings, []);
        return result.checklist.find((entry) => entry.id === 'command-injection');
      };
      const configured = item('self._command');
      assert.equal(configured?.status, 'review');
      assert.match(configured?.note ?? '', /paramiko runs this command in the remote shell \(`self._command`\), taken whole from settings/);
      assert.equal(item('"uptime"')?.status, 'pass');
    });

    it('takes a command parameter that every caller hands a constant for a constant, and one caller with another value for none', () => {
      const client = (call: string) =>
        `import asyncssh\n\nLEDS_ON = "echo default-on > /sys/class/leds/led1/trigger"\nLEDS_OFF = "echo none > /sys/class/leds/led1/trigger"\n\n\nclass SshClient:\n    def __init__(self, host, command):\n        self._host = host\n        self._command = command\n\n    async def async_run(self, command):\n        async with asyncssh.connect(self._host) as conn:\n            return (await conn.run(command)).stdout\n\n    async def async_set_leds(self, enabled):\n        await self.async_run(${call})\n`;
      const item = (call: string) => analyzeSnippet(client(call), { rules, fileName: 'ssh.py' }).checklist.find((entry) => entry.id === 'command-injection')?.status;
      assert.equal(item('LEDS_ON if enabled else LEDS_OFF'), 'pass');
      assert.equal(item('LEDS_ON'), 'pass');
      assert.equal(item('self._command'), 'review');
      // Run locally with a shell, such a command is reported as a constant one: a warning, not an error.
      const local = (argument: string) => analyzeSnippet(`import subprocess\n\n\ndef _run(command):\n    return subprocess.run(command, shell=True, check=False)\n\n\ndef reboot(other):\n    return _run(${argument})\n`, { rules, fileName: 'helpers.py' }).findings;
      assert.equal(local('"sudo reboot"')[0]?.severity, 'warning');
      assert.match(local('"sudo reboot"')[0]?.message ?? '', /the command is a constant/);
      assert.equal(local('other')[0]?.severity, 'error');
    });
  });

  describe('pexpect', () => {
    const handler = (body: string) =>
      `import pexpect\n\n\nasync def async_setup(hass, config):\n    def handle(call):\n        host = call.data["host"]\n${body}\n\n    hass.services.async_register("demo", "ping", handle)\n    return True\n`;
    const messages = (body: string) => findings(handler(body)).map((finding) => finding.message);

    it('reports a shell pexpect starts, from a program and its arguments or from one command line it splits', () => {
      assert.match(messages('        pexpect.spawn("/bin/sh", ["-c", f"ping -c 1 {host}"]).expect(pexpect.EOF)')[0], /starts `\/bin\/sh -c` with a command string, and the command is built from service call data/);
      assert.match(messages('        pexpect.run(f"sh -c \'ping -c 1 {host}\'")')[0], /pexpect splits this command line itself and starts `sh -c`/);
      assert.equal(messages('        pexpect.popen_spawn.PopenSpawn(["bash", "-c", "ping -c 1 " + host])').length, 1);
    });

    it('leaves a program pexpect starts without a shell, and counts it as a process started', () => {
      for (const body of ['        pexpect.spawn("ping", ["-c", "1", host])', '        pexpect.run(f"ping -c 1 {host}")', '        pexpect.spawn(f"ssh admin@{host}")']) {
        const result = analyzeSnippet(handler(body), { rules });
        assert.deepEqual(result.findings, [], body);
        assert.equal(result.checklist.find((entry) => entry.id === 'command-injection')?.status, 'pass', body);
      }
    });
  });

  describe('shell=True handed over in a ** spread', () => {
    const scan = (body: string) =>
      findings(`import subprocess\n\n\ndef scan(options):\n${body}\n`);

    it('reads shell=True from a local dict literal, dict(...) or a literal spread, and offers no rewrite', () => {
      for (const body of [
        '    kwargs = {"shell": True, "text": True}\n    return subprocess.run("nmap -sn " + options, **kwargs).stdout',
        '    kwargs = dict(shell=True, text=True)\n    return subprocess.run("nmap -sn " + options, **kwargs).stdout',
        '    return subprocess.run("nmap -sn " + options, **{"shell": True}).stdout',
      ]) {
        const [finding, ...rest] = scan(body);
        assert.equal(rest.length, 0, body);
        assert.match(finding?.message ?? '', /`shell=True` makes `subprocess.run` start a shell, and the command is built from values that are not constants/, body);
        assert.equal(finding.fix, undefined, body);
        assert.deepEqual(finding.suggestions ?? [], [], body);
      }
    });

    it('leaves a spread that turns the shell off, may hold anything, or an argument list', () => {
      for (const body of [
        '    kwargs = {"shell": False, "text": True}\n    return subprocess.run("nmap -sn " + options, **kwargs).stdout',
        '    kwargs = {"text": True}\n    return subprocess.run(["nmap", "-sn", options], **kwargs).stdout',
        '    return subprocess.run(["nmap", "-sn", options], **options).stdout',
      ]) {
        assert.deepEqual(scan(body), [], body);
      }
    });
  });

  describe('ssh run with an argument list', () => {
    const reader = (argv: string) =>
      `import shlex\nimport subprocess\n\n\ndef read_temp(host, disk, key_file):\n    return subprocess.check_output(${argv}, text=True)\n`;

    it('judges the command ssh hands to the remote shell, after its options and the destination', () => {
      for (const argv of [
        '["ssh", f"root@{host}", f"smartctl -A /dev/{disk}"]',
        '["ssh", "-p", "2222", "-i", key_file, "-oBatchMode=yes", "-tt", host, "smartctl -A /dev/" + disk]',
        '["/usr/bin/ssh", "--", host, "cat", disk]',
        '["ssh", host, "cat", f"/dev/{disk}"]',
      ]) {
        const [finding, ...rest] = findings(reader(argv));
        assert.equal(rest.length, 0, argv);
        assert.match(finding?.message ?? '', /ssh hands this command to the remote host's shell, and the (whole )?command is (built|taken) from/, argv);
      }
    });

    it('leaves constant and quoted remote commands, a destination alone, and options it cannot read', () => {
      for (const argv of [
        '["ssh", host, "uptime"]',
        '["ssh", f"root@{host}", f"smartctl -A /dev/{shlex.quote(disk)}"]',
        '["ssh", "-i", key_file, host]',
        '["ssh", host, "cat", shlex.quote(disk)]',
        '["ssh", *disk, host, disk]',
        '["scp", disk, f"{host}:/tmp/"]',
      ]) {
        const result = analyzeSnippet(reader(argv), { rules });
        assert.deepEqual(result.findings, [], argv);
      }
    });
  });

  it('every rewrite offered on the fixtures parses, removes its finding, adds none and is idempotent', () => {
    let checked = 0;
    for (const fixture of fixtureFiles('shell-command')) {
      const fileName = fixture.split('/').pop()!;
      const source = fs.readFileSync(fixture, 'utf8');
      const before = findings(source, fileName);
      for (const finding of before) {
        for (const fix of [finding.fix, ...(finding.suggestions ?? [])]) {
          if (!fix) continue;
          checked++;
          const label = `${fileName}:${finding.range.start.line + 1} ${fix.title}`;
          const fixed = applyEdits(source, fix.edits);
          assert.ok(syntaxErrors(fixed) <= syntaxErrors(source), `${label}: parses`);
          const after = findings(fixed, fileName);
          assert.equal(after.length, before.length - 1, `${label}: removes exactly its finding`);
          const fixesAfter = after.flatMap((item) => [item.fix, ...(item.suggestions ?? [])]).filter((item) => item !== undefined);
          const fixesBefore = before.flatMap((item) => [item.fix, ...(item.suggestions ?? [])]).filter((item) => item !== undefined);
          assert.ok(fixesAfter.length <= fixesBefore.length - 1, `${label}: offers nothing new`);
          const again = applyEdits(fixed, combineFixes(safeFixes(after.filter((item) => item.range.start.line === finding.range.start.line))).edits);
          assert.equal(again, fixed, `${label}: nothing more to do on that line`);
        }
      }
    }
    assert.ok(checked >= 10, `the fixtures exercise the rewrites (${checked})`);
  });

  it("reports a service's command handed whole to a remote shell through a client's methods and the executor", () => {
    const client = 'import asyncio\n\nimport paramiko\n\n\nclass PcClient:\n    async def async_send(self, command):\n        return await self._execute(command)\n\n    async def _execute(self, command):\n        loop = asyncio.get_running_loop()\n        return await loop.run_in_executor(None, self._run, command)\n\n    def _run(self, command):\n        ssh = paramiko.SSHClient()\n        ssh.load_system_host_keys()\n        ssh.connect("pc.local")\n        ssh.exec_command(command)\n';
    const init = (value: string) =>
      `import voluptuous as vol\n\nfrom .client import PcClient\n\n\nasync def async_setup_entry(hass, entry):\n    client = PcClient()\n\n    async def send(call):\n        await client.async_send(${value})\n\n    hass.services.async_register("pc", "send", send, schema=vol.Schema({vol.Required("command"): str}))\n    return True\n`;
    const found = analyzeSnippet(init('call.data["command"]'), { rules, otherFiles: { 'client.py': client } });
    assert.match(found.findings[0]?.message ?? '', /the whole command is taken from service call data/);
    // The executor reached through the running loop, without a name for it.
    const chained = client.replace('        loop = asyncio.get_running_loop()\n        return await loop.run_in_executor', '        return await asyncio.get_running_loop().run_in_executor');
    assert.notEqual(chained, client);
    assert.equal(analyzeSnippet(init('call.data["command"]'), { rules, otherFiles: { 'client.py': chained } }).findings.length, 1);
    const fromSettings = analyzeSnippet(init('entry.data["command"]'), { rules, otherFiles: { 'client.py': client } });
    assert.deepEqual(fromSettings.findings, []);
    assert.equal(fromSettings.checklist.find((item) => item.id === 'command-injection')?.status, 'review');
  });

  it('takes a service field its schema limits to fixed values (vol.In) for one of those values, not free text', () => {
    const source = (schema: string, command: string) =>
      `import subprocess\n\nimport voluptuous as vol\n\nALLOWED_UNITS = ["nginx", "mosquitto"]\nSCHEMA = vol.Schema({vol.Required("unit"): ${schema}})\n\n\nasync def async_setup(hass, config):\n    def restart(call):\n        unit = call.data["unit"]\n        ${command}\n\n    hass.services.async_register("units", "restart", restart, schema=SCHEMA)\n    return True\n`;
    const remote = 'subprocess.run(["ssh", "root@192.168.1.5", "sudo", "systemctl", "restart", unit], check=True)';
    assert.deepEqual(analyzeSnippet(source('vol.In(ALLOWED_UNITS)', remote), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('vol.All(str, vol.In(ALLOWED_UNITS))', remote), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('str', remote), { rules }).findings.length, 1);
    // A local shell built from such a field is a constant command: the argument list is still better.
    const local = 'subprocess.run(f"systemctl restart {unit}", shell=True)';
    assert.deepEqual(analyzeSnippet(source('vol.In(ALLOWED_UNITS)', local), { rules }).findings.map((finding) => finding.severity), ['warning']);
    assert.deepEqual(analyzeSnippet(source('str', local), { rules }).findings.map((finding) => finding.severity), ['error']);
  });
});
