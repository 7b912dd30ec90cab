// The parse-only floor of the throughput benchmark: reads every .py file under a folder and parses it with
// web-tree-sitter, nothing else (no file model, no rules, no report). Prints one JSON line with what it did.
const fs = require('node:fs');
const path = require('node:path');
const { Language, Parser } = require('web-tree-sitter');

function pythonFiles(directory) {
  const files = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...pythonFiles(full));
    else if (entry.name.endsWith('.py')) files.push(full);
  }
  return files;
}

async function main() {
  const [directory, wasmDirectory] = process.argv.slice(2);
  await Parser.init({ locateFile: (name) => path.join(wasmDirectory, name) });
  const parser = new Parser();
  parser.setLanguage(await Language.load(path.join(wasmDirectory, 'tree-sitter-python.wasm')));
  let lines = 0;
  const files = pythonFiles(directory);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    lines += text.split('\n').length;
    parser.parse(text).delete();
  }
  process.stdout.write(`${JSON.stringify({ files: files.length, lines })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(2);
});
