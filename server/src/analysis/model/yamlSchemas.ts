import type { Node } from '../python/syntaxTree';
import type { FileModel } from './fileModel';
import { SCHEMA_FLOW_STEP } from './secretFlow';

/** The module constants Home Assistant checks an integration's configuration.yaml section against. */
const YAML_SCHEMA_NAMES = ['CONFIG_SCHEMA', 'PLATFORM_SCHEMA'] as const;

/** Home Assistant's ready-made schemas that take nothing from YAML but a warning that the integration has moved on. */
const NOTHING_FROM_YAML = /config_entry_only_config_schema|empty_config_schema|platform_only_config_schema/;

export interface YamlSchema {
  name: (typeof YAML_SCHEMA_NAMES)[number];
  node: Node;
  /** False for the ready-made schemas that accept no YAML settings. */
  takesSettings: boolean;
  /** Whether it checks the settings it takes: `cv.deprecated(DOMAIN)` lets anything through with a warning. */
  validates: boolean;
}

/** `cv.deprecated(DOMAIN)`: a schema that only warns that the YAML is deprecated and passes it on unchecked. */
const PASSES_UNCHECKED = /(^|\.)config_validation\.deprecated$/;

/**
 * The YAML schemas a file defines. A config flow's form schema that happens to be called `CONFIG_SCHEMA` (defined in
 * config_flow.py, or shown with `data_schema=`) checks what a user types into a form, not configuration.yaml.
 */
export function yamlSchemas(file: FileModel): YamlSchema[] {
  const schemas: YamlSchema[] = [];
  for (const name of YAML_SCHEMA_NAMES) {
    const node = file.constants.get(name);
    if (!node || isFormSchema(file, name) || (name === 'PLATFORM_SCHEMA' && isPackageModule(file))) continue;
    const takesSettings = !NOTHING_FROM_YAML.test(node.text);
    const passesUnchecked = node.type === 'call' && PASSES_UNCHECKED.test(file.callSite(node)?.name ?? '');
    schemas.push({ name, node, takesSettings, validates: takesSettings && !passesUnchecked });
  }
  return schemas;
}

/**
 * Home Assistant reads `PLATFORM_SCHEMA` from a platform's module (`sensor.py`); one in the integration's `__init__.py`
 * checks nothing unless a platform module takes it in (which is where it counts).
 */
function isPackageModule(file: FileModel): boolean {
  return /(^|[\\/])__init__\.py$/.test(file.path);
}

function isFormSchema(file: FileModel, name: string): boolean {
  if (/(^|[\\/])config_flow\.py$/.test(file.path)) return true;
  return file.calls.some((call) => (call.keywords.get('data_schema') ?? (SCHEMA_FLOW_STEP.test(call.name ?? '') ? call.args[0] : undefined))?.text === name);
}
