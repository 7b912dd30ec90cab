import type { Node } from 'web-tree-sitter';
import { removeArgument } from '../fixes';
import type { FileModel } from '../model/fileModel';
import { isPersonalDataName } from '../model/secrets';
import { pythonQuery } from '../python/parser';
import { descendants, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';

/** Entities whose purpose is a location: their coordinates are the product, not a leak. */
const LOCATION_ENTITY_BASES = /(^|\.)(TrackerEntity|ScannerEntity|BaseTrackerEntity|GeolocationEvent|GeoJsonEvent)$/;
const LOCATION_KEYS = /^(latitude|longitude|gps_accuracy|location|gps|coordinates|lat|lon|lng)$/;

export const personalDataAttribute: Rule = {
  meta: {
    id: 'personal-data-attribute',
    checklist: 'data-minimization',
    severity: 'warning',
    fix: 'suggestion',
    cwe: 359,
    description: 'An entity state attribute exposes personal data (e-mail, phone, address, position, account ids).',
    docs: `State attributes are not private. The recorder stores them in the database for days, they are shown in the
UI, sent to every websocket client and automation, exported by history and logbook, and pasted into bug reports.
Personal data such as the account holder's e-mail address, phone number, street address, birth date, account
ids or the home's GPS position does not belong there unless it is the entity's purpose.

The rule reads \`extra_state_attributes\` properties, \`_attr_extra_state_attributes\` assignments and
\`hass.states.async_set(..., attributes)\`, resolving keys through constants (\`ATTR_LATITUDE\`), and flags keys or
values that name personal data. Facts about the device (model, firmware, its own serial number) are fine.
Location entities (\`TrackerEntity\`, \`ScannerEntity\`, geolocation events) exist to report a position, so their
coordinates are not reported; integrations that are location products by design can say so with
\`# ha-security: ignore[personal-data-attribute] reason\`.

**Fix:** drop the attribute, or expose only what an automation needs (a presence flag rather than the address).

Bad:
\`\`\`python
@property
def extra_state_attributes(self):
    return {"email": self._account.email, "home_address": self._account.address}
\`\`\`

Good:
\`\`\`python
@property
def extra_state_attributes(self):
    return {"firmware": self._device.firmware, "plan": self._account.plan_name}
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    for (const fn of file.functions) {
      if (fn.childForFieldName('name')?.text !== 'extra_state_attributes') continue;
      context.markUsed();
      const location = isLocationEntity(file, fn);
      for (const dict of returnedDictionaries(file, fn)) checkDictionary(context, dict, location);
      for (const assignment of subscriptAssignments(fn)) checkEntry(context, assignment.key, assignment.value, assignment.statement, location, false);
    }
    for (const { node } of pythonQuery('(assignment left: [(identifier) (attribute)] @target right: (dictionary) @value)').captures(file.root)) {
      if (node.type === 'dictionary' || !/(^|\.)_attr_extra_state_attributes$/.test(node.text)) continue;
      context.markUsed();
      const value = node.parent?.childForFieldName('right');
      if (value) checkDictionary(context, value, isLocationEntity(file, node));
    }
    for (const call of file.calls) {
      if (!call.name || !/(^|\.)states\.(async_)?set$/.test(call.name)) continue;
      const attributes = call.args[2] ?? call.keywords.get('attributes');
      if (!attributes) continue;
      context.markUsed();
      for (const origin of file.origins(attributes)) {
        if (origin.node.type === 'dictionary') checkDictionary(context, origin.node, false);
      }
    }
  },
};

function checkDictionary(context: FileContext, dict: Node, location: boolean): void {
  for (const pair of dict.namedChildren) {
    if (!pair || pair.type !== 'pair') continue;
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    if (key) checkEntry(context, key, value, pair, location, true);
  }
}

function checkEntry(context: FileContext, key: Node, value: Node | null, at: Node, location: boolean, removable: boolean): void {
  const { file, integration } = context;
  const keyName = file.stringValue(key, integration?.constantString);
  const valueName = value ? personalValueName(value) : undefined;
  const personal = [keyName, valueName].find((name) => name !== undefined && isPersonalDataName(name));
  if (!personal) return;
  if (location && LOCATION_KEYS.test(personal.toLowerCase())) return;
  context.report(at, `State attribute ${keyName !== undefined ? `"${keyName}"` : key.text} exposes personal data (${personal}); attributes are recorded and shared, so keep it out unless it is the entity's purpose.`, {
    suggestions: removable ? [{ title: `Remove the "${keyName ?? key.text}" attribute`, safe: false, edits: [removeArgument(at)] }] : [],
  });
}

/** `self._account.email` -> `email`; `data["phone"]` -> `phone`. */
function personalValueName(value: Node): string | undefined {
  const node = unwrap(value);
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text;
  if (node.type === 'subscript') {
    const index = node.childForFieldName('subscript');
    return index?.type === 'string' ? index.text.replace(/^[a-z]*['"]+|['"]+$/gi, '') : undefined;
  }
  if (node.type === 'identifier') return node.text;
  return undefined;
}

function returnedDictionaries(file: FileModel, fn: Node): Node[] {
  const found: Node[] = [];
  for (const statement of descendants(fn, ['return_statement'])) {
    const value = statement.namedChild(0);
    if (!value) continue;
    for (const origin of file.origins(value)) {
      if (origin.node.type === 'dictionary') found.push(origin.node);
    }
  }
  return found;
}

function subscriptAssignments(fn: Node): { key: Node; value: Node | null; statement: Node }[] {
  const found: { key: Node; value: Node | null; statement: Node }[] = [];
  for (const assignment of descendants(fn, ['assignment'])) {
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'subscript') continue;
    const key = left.childForFieldName('subscript');
    if (key) found.push({ key, value: assignment.childForFieldName('right'), statement: assignment });
  }
  return found;
}

function isLocationEntity(file: FileModel, node: Node): boolean {
  if (/(^|\/)(device_tracker|geo_location)\.py$/.test(file.path)) return true;
  let current = node.parent;
  while (current && current.type !== 'class_definition') current = current.parent;
  const bases = current?.childForFieldName('superclasses');
  if (!bases) return false;
  return bases.namedChildren.some((base) => base !== null && LOCATION_ENTITY_BASES.test(file.qualifiedName(base) ?? base.text));
}
