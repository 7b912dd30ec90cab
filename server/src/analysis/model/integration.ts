import * as jsonc from 'jsonc-parser';
import type { Node } from '../python/syntaxTree';
import type { Range } from '../types';
import { computeLineStarts, lineAndColumn } from '../text';
import { FileModel, type ConstantLookup } from './fileModel';
import { homeAssistantConstant } from './haConstants';

/**
 * An integration: the folder holding `manifest.json`, its manifest facts, and all its Python files,
 * analysed together so that rules can follow a name from one module into another.
 */

export interface Requirement {
  /** The requirement as written, e.g. `acme-client>=1.2`. */
  text: string;
  /** The distribution name, lower-cased, without extras. */
  name: string;
  /** The range of the string in manifest.json, quotes included. */
  range: Range;
}

export interface Manifest {
  domain?: string;
  name?: string;
  iotClass?: string;
  configFlow?: boolean;
  requirements: Requirement[];
  dependencies: string[];
  /** Where each top-level key sits in manifest.json, for positioning findings. */
  keyRanges: Map<string, Range>;
  /** manifest.json is not valid JSON: none of its facts were taken (a parser's guesses would be taken for them). */
  unreadable?: boolean;
}

export interface ManifestProblem {
  message: string;
  range: Range;
}

export interface IntegrationModel {
  /** The integration folder, as the caller names paths (absolute in the CLI). */
  root: string;
  domain: string;
  manifestPath: string;
  manifestText: string;
  manifest: Manifest;
  manifestProblems: ManifestProblem[];
  files: FileModel[];
  /** Looks a dotted module path up (`custom_components.acme.const`). */
  moduleFile(moduleName: string): FileModel | undefined;
  /** The literal string value of a constant defined in another module of the integration (see ConstantLookup). */
  constantString: ConstantLookup;
  /** A function (`def`) defined in a module of the integration, found by its qualified name. */
  resolveFunction(qualifiedName: string): { file: FileModel; node: Node } | undefined;
  /** The value expression of a module-level constant of the integration, found by its qualified name. */
  resolveConstant(qualifiedName: string): { file: FileModel; node: Node } | undefined;
}

/**
 * The expression a name stands for when it is a module constant: one of this file's, or one imported from
 * another module of the integration (`from .const import SCAN_INTERVAL`).
 */
export function constantExpression(
  file: FileModel,
  identifier: Node,
  integration: IntegrationModel | undefined,
): { file: FileModel; node: Node } | undefined {
  if (identifier.type !== 'identifier') return undefined;
  const local = file.constants.get(identifier.text);
  if (local && !file.imports.has(identifier.text)) return { file, node: local };
  const imported = file.imports.get(identifier.text);
  return imported && integration ? integration.resolveConstant(imported) : undefined;
}

export function parseManifest(text: string, fallbackDomain: string): { manifest: Manifest; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const errors: jsonc.ParseError[] = [];
  const tree = jsonc.parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const lineStarts = computeLineStarts(text);
  const toRange = (offset: number, length: number): Range => ({
    start: offsetToPosition(lineStarts, offset),
    end: offsetToPosition(lineStarts, offset + length),
  });
  for (const error of errors.slice(0, 1)) {
    problems.push({
      message: `manifest.json is not valid JSON (${jsonc.printParseErrorCode(error.error)}); the integration's manifest facts (domain, iot_class, requirements) could not be read.`,
      range: toRange(error.offset, Math.max(1, error.length)),
    });
  }
  const manifest: Manifest = { requirements: [], dependencies: [], keyRanges: new Map() };
  // A parser recovering from an error guesses (`"requirements": ["lib==1.0],` reads on into the next key): no fact
  // is taken from a manifest that is not valid JSON.
  if (errors.length > 0) {
    manifest.unreadable = true;
    manifest.domain = fallbackDomain;
    return { manifest, problems };
  }
  if (!tree || tree.type !== 'object') {
    if (tree && errors.length === 0) {
      problems.push({ message: 'manifest.json must hold a JSON object.', range: toRange(tree.offset, tree.length) });
    }
    manifest.domain = fallbackDomain;
    return { manifest, problems };
  }
  for (const property of tree.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode || typeof keyNode.value !== 'string') continue;
    manifest.keyRanges.set(keyNode.value, toRange(keyNode.offset, keyNode.length));
    if (!valueNode) continue;
    const value = jsonc.getNodeValue(valueNode);
    switch (keyNode.value) {
      case 'domain':
        if (typeof value === 'string') manifest.domain = value;
        break;
      case 'name':
        if (typeof value === 'string') manifest.name = value;
        break;
      case 'iot_class':
        if (typeof value === 'string') manifest.iotClass = value;
        break;
      case 'config_flow':
        if (typeof value === 'boolean') manifest.configFlow = value;
        break;
      case 'dependencies':
        if (Array.isArray(value)) manifest.dependencies = value.filter((item): item is string => typeof item === 'string');
        break;
      case 'requirements':
        if (valueNode.type !== 'array') {
          problems.push({ message: '"requirements" in manifest.json must be a list of strings.', range: toRange(valueNode.offset, valueNode.length) });
          break;
        }
        for (const item of valueNode.children ?? []) {
          if (item.type !== 'string' || typeof item.value !== 'string') {
            problems.push({ message: 'Each requirement in manifest.json must be a string.', range: toRange(item.offset, item.length) });
            continue;
          }
          manifest.requirements.push({
            text: item.value,
            name: requirementName(item.value),
            range: toRange(item.offset, item.length),
          });
        }
        break;
    }
  }
  manifest.domain ??= fallbackDomain;
  return { manifest, problems };
}

/** `Acme_Client[async]>=1.0 ; python_version>"3.11"` -> `acme-client`. */
export function requirementName(requirement: string): string {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
  return (match ? match[1] : requirement.trim()).toLowerCase().replace(/[._]+/g, '-');
}

/** The dotted module name of a file inside an integration folder: `custom_components.acme.sensor`. */
export function moduleNameFor(integrationRoot: string, filePath: string): string {
  const rootParts = integrationRoot.replace(/\\/g, '/').replace(/\/+$/, '').split('/');
  const packageName = rootParts.slice(-2).join('.');
  const relative = filePath.replace(/\\/g, '/').slice(rootParts.join('/').length).replace(/^\/+/, '');
  const moduleParts = relative.replace(/\.py$/, '').split('/').filter(Boolean);
  return [packageName, ...moduleParts].join('.');
}

export function buildIntegration(root: string, manifestPath: string, manifestText: string, files: FileModel[]): IntegrationModel {
  const folderName = root.replace(/\\/g, '/').replace(/\/+$/, '').split('/').pop() ?? '';
  const { manifest, problems } = parseManifest(manifestText, folderName);
  const byModule = new Map<string, FileModel>();
  for (const file of files) byModule.set(file.moduleName, file);
  const moduleFile = (name: string): FileModel | undefined => byModule.get(name) ?? byModule.get(`${name}.__init__`);
  const splitQualified = (qualified: string): { file: FileModel; name: string } | undefined => {
    const cut = qualified.lastIndexOf('.');
    if (cut <= 0) return undefined;
    const file = moduleFile(qualified.slice(0, cut));
    return file ? { file, name: qualified.slice(cut + 1) } : undefined;
  };
  bindStarImports(files, moduleFile);
  const resolving = new Set<string>();
  const constantString = (qualified: string, entry?: string): string | undefined => {
    // `const.CONF["SECRET_KEY"]`: an entry of a dict of key names in another module.
    if (entry !== undefined) {
      const dictionary = resolveConstant(qualified);
      return dictionary ? dictionary.file.dictionaryEntry(dictionary.node, entry, constantString) : undefined;
    }
    // A module of the integration may re-export Home Assistant's constants (`from homeassistant.const import ...`).
    const known = homeAssistantConstant(qualified);
    if (known !== undefined) return known;
    const target = splitQualified(qualified);
    if (!target || resolving.has(qualified)) return undefined;
    // Guards re-exports too: two modules importing a name from each other (`from . import X`) form a cycle.
    resolving.add(qualified);
    try {
      const value = target.file.constants.get(target.name);
      if (value) return target.file.stringValue(value, constantString);
      // Re-exported: `from .const import X` in the target module.
      const reexport = target.file.imports.get(target.name);
      return reexport ? constantString(reexport) : undefined;
    } finally {
      resolving.delete(qualified);
    }
  };
  const resolveFunction = (qualified: string, depth = 0): { file: FileModel; node: Node } | undefined => {
    const target = splitQualified(qualified);
    // Bounded like resolveConstant: re-exports may form a cycle between modules.
    if (!target || depth > 4) return undefined;
    const node = target.file.functions.find(
      (fn) => fn.childForFieldName('name')?.text === target.name && target.file.scopeOf(fn).type === 'module',
    );
    if (node) return { file: target.file, node };
    const reexport = target.file.imports.get(target.name);
    return reexport && reexport !== qualified ? resolveFunction(reexport, depth + 1) : undefined;
  };
  const resolveConstant = (qualified: string, depth = 0): { file: FileModel; node: Node } | undefined => {
    const target = splitQualified(qualified);
    if (!target || depth > 4) return undefined;
    const node = target.file.constants.get(target.name);
    if (node) return { file: target.file, node };
    const reexport = target.file.imports.get(target.name);
    return reexport && reexport !== qualified ? resolveConstant(reexport, depth + 1) : undefined;
  };
  return {
    root,
    domain: manifest.domain ?? folderName,
    manifestPath,
    manifestText,
    manifest,
    manifestProblems: problems,
    files,
    moduleFile,
    constantString,
    resolveFunction,
    resolveConstant,
  };
}

/**
 * Gives each file what its `from .module import *` statements bind, from the modules of the integration. A module
 * passes on what it star-imports itself, and modules may star-import each other, so the names spread round by round
 * until nothing changes. Files are cached across analyses (the editor builds the integration again on each edit), so
 * every build starts from no star names: one left from an earlier build could otherwise keep itself alive in a cycle.
 */
function bindStarImports(files: readonly FileModel[], moduleFile: (name: string) => FileModel | undefined): void {
  const starring = files.filter((file) => file.starImports.length > 0);
  for (const file of starring) file.bindStarImports(new Map());
  for (let round = 0; round <= starring.length; round++) {
    let changed = false;
    for (const file of starring) {
      const names = new Map<string, string>();
      for (const module of file.starImports) {
        const source = moduleFile(module);
        if (source && source !== file) for (const [name, qualified] of source.starExports()) names.set(name, qualified);
      }
      if (file.bindStarImports(names)) changed = true;
    }
    if (!changed) break;
  }
  for (const file of starring) file.settleStarBindings();
}

function offsetToPosition(lineStarts: number[], offset: number): { line: number; character: number } {
  const { line, column } = lineAndColumn(lineStarts, offset);
  return { line, character: column };
}
