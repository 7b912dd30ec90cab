import type { Node } from '../python/syntaxTree';
import { removeArgument } from '../fixes';
import type { FileModel } from '../model/fileModel';
import { constantExpression, type IntegrationModel } from '../model/integration';
import { isPersonalDataName, normalizeName } from '../model/secrets';
import { stateAttributeEntries, type AttributeEntry } from '../model/stateAttributes';
import { classLineage, resolveCallables, resolveClass } from '../model/untrusted';
import { alternatives, ancestorOfType, descendants, interpolations, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import { excerpt } from '../text';

/** Entities whose purpose is a location: their coordinates are the product, not a leak. */
const LOCATION_ENTITY_BASES = /(^|\.)(TrackerEntity|ScannerEntity|BaseTrackerEntity|GeolocationEvent|GeoJsonEvent)$/;
// Also a place's own (`station_latitude`, `home_location`): where the value comes from says whose position it is.
const LOCATION_KEYS = /(^|_)(latitude|longitude|gps_accuracy|location|gps|coordinates|lat|lon|lng)$/;

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
Personal data such as the account holder's e-mail address, user name, phone number, street address, birth date,
account, membership or contract numbers, the meter point number of the home's energy supply (an MPAN or MPRN, a PCE
or PDL, a CIL) or
the home's GPS position does not belong there unless it is the entity's purpose.

The rule reads \`extra_state_attributes\` properties (and an entity's \`state_attributes\`, \`capability_attributes\` or
older \`device_state_attributes\`; also the dicts an entity description's function returns when the property calls it:
\`attributes_fn=lambda data: {...}\`), \`_attr_extra_state_attributes\` assignments and
\`hass.states.async_set(..., attributes)\`, an event entity's \`self._trigger_event(event_type, attributes)\`
and a legacy device tracker's \`see(..., attributes=...)\` and its scanner's \`get_extra_attributes(device)\`, resolving keys through constants (\`ATTR_LATITUDE\`)
and through the dicts a function of the integration returns (\`return to_attributes(...)\`, also from another module, reported where the property returns them),
and flags keys or values that name personal data. An entity's name (\`self._attr_name = f"Pickup ({account.address['street1']})"\`,
a \`name\` property, and with \`has_entity_name\` its device's \`DeviceInfo(name=...)\`)
is published as its \`friendly_name\` attribute and in its entity id, so a street address, phone number or account
number in it is reported too (not the account's user name or sign-in e-mail, which is how users tell accounts apart). Attributes set from a value whose keys cannot be read in the code (a webhook
payload, \`self._attributes\`, \`attributes or {}\`, a whole record spread in, \`{**pet.raw_data()}\`, \`{**vars(obj)}\`)
put the item up for review; a spread of another mapping it cannot read is left alone. Facts about the device (model, firmware, its own serial number) are fine.
Location entities (\`TrackerEntity\`, \`ScannerEntity\`, geolocation events) exist to report a position, so their
coordinates are not reported as findings; a GPS tracker (a \`TrackerEntity\` with a latitude and longitude, or a
legacy tracker calling \`see(..., gps=...)\`) still puts the item up for review, since a person's position is
personal data even where it is the product. On other entities a position read from a person, their home
(\`hass.config\`), vehicle, phone or tracker is reported; one read from anything else (a weather station, a charger
from an open-data API) is a place, and puts the item up for review; so does a bare \`address\`, \`street\`, \`postcode\`
or \`city\` not read from a person (a place's, such as a fuel station's, or an installation's, which is often its owner's home). Integrations that are location products by design can say so with
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
    const { publishes, entries, opaque, inherited } = stateAttributeEntries(context.file);
    if (publishes) context.markUsed();
    reviewPositions(context);
    for (const entry of entries) checkEntry(context, entry);
    // Values read as a comprehension over a constant dict are judged by its keys; the rest are unread.
    const unread = opaque.filter((value) => {
      const keyed = constantKeyedEntries(context, value);
      keyed?.forEach((entry) => checkEntry(context, entry));
      return keyed === undefined && !checkHelperKeys(context, value);
    });
    // `super().extra_state_attributes` of the integration's own base classes is read in their modules; Home
    // Assistant's entity classes publish what their `_attr_` attributes hold, read where they are set.
    for (const { value, bases } of inherited) {
      const known = (base: Node) => context.file.imports.get(base.text)?.startsWith('homeassistant.') || resolveClass(context.file, base, context.integration) !== undefined;
      if (!bases.every(known)) unread.push(value);
    }
    // `attrs[key] = value` for each column of a row: keys the data picks, not the code.
    for (const entry of entries) if (pickedByData(context, entry.key)) unread.push(entry.at);
    checkEntityNames(context);
    if (unread.length > 0) {
      context.review(`State attributes are published from values whose keys cannot be read here (\`${excerpt(unread[0].text, 43)}\` in ${context.file.path.split(/[\\/]/).pop()}); check they carry no personal data such as an e-mail, a street address or a person's position.`);
    }
  },
};

/**
 * `self._attr_name = f"Pickup ({account.address['street1']})"`: an entity's name is published as its friendly_name
 * attribute and made into its entity id, recorded and shared like any other attribute.
 */
function checkEntityNames(context: FileContext): void {
  const { file } = context;
  for (const { value, at: assignment } of entityNames(file)) {
    const text = unwrap(value);
    // `"power_fee_{}".format(account_number)`: the values formatted in, as an f-string's.
    const formatted = text.type === 'call' ? file.callSite(text) : undefined;
    const template = formatted?.method === 'format' ? formatted.callee.childForFieldName('object') : null;
    const parts =
      text.type === 'string' || text.type === 'concatenated_string'
        ? interpolations(text)
        : template && unwrap(template).type === 'string' && formatted
          ? [...formatted.args, ...formatted.keywords.values()]
          : [text];
    for (const part of parts) {
      const name = personalValueName(file, part);
      // Entities named after their account's user (`f"{username} balance"`, `f"Breaches {email}"` for the address
      // an account signs in with) or a family member are how users tell accounts apart; an address, a phone number
      // or an account number in the name is data nobody needs there.
      if (name === undefined || !isPersonalDataName(name) || LOCATION_KEYS.test(name.toLowerCase()) || PERSON_NAME.test(normalizeName(name)) || ACCOUNT_LOGIN.test(normalizeName(name))) continue;
      if (normalizeName(name) === 'address' && !PERSON_HOLDER.test(holderText(part))) continue;
      context.markUsed();
      context.report(assignment, `The entity's name includes personal data (${name}); the name is published as the friendly_name attribute and in the entity id, recorded and shared like any attribute, so name the entity after something else.`);
      break;
    }
  }
}

/**
 * `return to_attributes(self._account.username, ...)`, a function of another module of the integration that returns
 * dict literals: their keys are the attributes. Reported at the call when one names personal data. False when the
 * value is no such call (its keys stay unread).
 */
function checkHelperKeys(context: FileContext, value: Node): boolean {
  const { file, integration } = context;
  const call = unwrap(value);
  const callee = call.type === 'call' ? call.childForFieldName('function') : null;
  const [helper, ...others] = callee && integration ? resolveCallables(file, callee, integration).filter((target) => target.file !== file) : [];
  if (!helper || others.length > 0) return false;
  const returned = helper.file.returnedValues(helper.node).map(unwrap).filter((node) => node.type !== 'none');
  if (returned.length === 0 || returned.some((node) => node.type !== 'dictionary')) return false;
  const keys = returned.flatMap((dict) => dict.namedChildren.filter((pair) => pair.type === 'pair').map((pair) => helper.file.stringValue(pair.childForFieldName('key')!, integration?.constantString)));
  if (keys.some((key) => key === undefined)) return false;
  const personal = keys.find((key): key is string => key !== undefined && isPersonalDataName(key));
  if (!personal) return true;
  const where = `${helper.node.childForFieldName('name')?.text ?? 'a helper'} in ${helper.file.path.split(/[\\/]/).pop()}`;
  if (LOCATION_KEYS.test(personal.toLowerCase()) || ADDRESS_PARTS.test(normalizeName(personal))) {
    context.review(`State attribute "${personal}", set by ${where}, publishes a position or an address; if it is where a person, their home or their vehicle is, it is personal data: keep it out unless it is the entity's purpose.`);
    return true;
  }
  context.report(call, `State attribute "${personal}", set by ${where}, exposes personal data (${personal}); attributes are recorded and shared, so keep it out unless it is the entity's purpose.`);
  return true;
}

/**
 * The names an entity is given: `self._attr_name = ...`, what a `name` property returns, and with `has_entity_name`
 * (the device's name leads the entity's friendly_name and entity id) the name of its device (`DeviceInfo(name=...)`).
 */
function entityNames(file: FileModel): { value: Node; at: Node }[] {
  const names: { value: Node; at: Node }[] = [];
  if (file.mentions(/_attr_name\b/)) {
    for (const assignment of file.nodesOfType('assignment')) {
      const target = assignment.childForFieldName('left');
      const value = assignment.childForFieldName('right');
      if (value && target && /^(self\.)?_attr_name$/.test(target.text)) names.push({ value, at: assignment });
    }
  }
  for (const fn of file.mentions(/def name\b/) ? file.functions : []) {
    const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
    if (fn.childForFieldName('name')?.text !== 'name' || !decorated || !/@property\b/.test(decorated.text.slice(0, fn.startIndex - decorated.startIndex))) continue;
    for (const statement of descendants(fn, ['return_statement'])) {
      const value = statement.namedChild(0);
      if (!value) continue;
      // `return self._name`, set in `__init__` (`self._name = f"power_fee_{account_number}"`): the name given there.
      const attribute = unwrap(value).type === 'attribute' && unwrap(value).childForFieldName('object')?.text === 'self' ? unwrap(value).childForFieldName('attribute')?.text : undefined;
      const cls = attribute ? ancestorOfType(fn, ['class_definition']) : null;
      const written = cls && attribute ? file.selfAttributeWrites(cls, attribute).values : [];
      if (written.length > 0) for (const given of written) names.push({ value: given, at: given.parent ?? given });
      else names.push({ value, at: statement });
    }
  }
  if (file.mentions(/has_entity_name/)) {
    for (const call of file.calls) {
      const value = /(^|\.)DeviceInfo$/.test(call.name ?? '') ? call.keywords.get('name') : undefined;
      if (value) names.push({ value, at: value.parent ?? value });
    }
  }
  return names;
}

/** A key that is neither text nor a named constant: a loop variable or a computed value, which the data decides. */
function pickedByData(context: FileContext, key: Node): boolean {
  const node = unwrap(key);
  if (context.file.stringValue(node, context.integration?.constantString) !== undefined) return false;
  if (node.type === 'identifier') return !/^_?[A-Z][A-Z0-9_]*$/.test(node.text);
  return node.type === 'call' || node.type === 'subscript' || (node.type === 'string' && interpolations(node).length > 0);
}

/** The e-mail address an account signs in with: in an entity's name, which account it is. */
const ACCOUNT_LOGIN = /^_?(email|e_mail|email_address|account_email|login_email|user_email)$/;

const PERSON_NAME = /(^|_)(users?|usernames?|user_names?|nickname|screen_name|full_name|fullname|first_name|firstname|last_name|lastname|surname)(_|$)/;

/**
 * An address, or a part of one, named alone: a fuel station's `street` and `postcode` from an open-data API are a
 * place's, an account's are a person's; what holds the value tells (PERSON_HOLDER), else a person judges.
 */
const ADDRESS_PARTS = /^(address|street|street_address|street_name|house_number|postcode|post_code|postal_code|zip|zip_code|zipcode|city)$/;

function checkEntry(context: FileContext, { key, value, at, removable, owner }: AttributeEntry): void {
  const { file, integration } = context;
  const keyName = file.stringValue(key, integration?.constantString);
  const valueName = value ? personalValueName(file, value) : undefined;
  const personal = [keyName, valueName].find((name) => name !== undefined && isPersonalDataName(name)) ?? (value ? nestedPersonalKey(context, value) : undefined);
  if (!personal) return;
  // Asked only now: finding the entity's class climbs from the entry, and most entries name nothing personal.
  if (LOCATION_KEYS.test(personal.toLowerCase()) && isLocationEntity(file, owner, integration)) return;
  // A position read from something that is not where someone is (a weather station, a charger from an open-data
  // API) is a place: a person judges it, rather than it failing the item.
  if (LOCATION_KEYS.test(personal.toLowerCase()) && value && !SOMEONES_POSITION.test(holderTexts(file, value))) {
    context.review(`State attribute ${keyName !== undefined ? `"${keyName}"` : key.text} in ${file.path.split(/[\\/]/).pop()} publishes a position (\`${excerpt(value.text, 50)}\`); if it is where a person, their home or their vehicle is, it is personal data: keep it out unless it is the entity's purpose.`);
    return;
  }
  // A bare "address" is a person's where a person is tracked, or when it is read from a person; otherwise it may be a
  // place (a gym, a charging station) or the owner's home (an inverter's plant address): a person judges it.
  if (ADDRESS_PARTS.test(normalizeName(personal)) && !isLocationEntity(file, owner, integration) && !PERSON_HOLDER.test(value ? holderTexts(file, value) : '')) {
    context.review(`State attribute ${keyName !== undefined ? `"${keyName}"` : key.text} in ${file.path.split(/[\\/]/).pop()} publishes an address${value ? ` (\`${excerpt(value.text, 50)}\`)` : ''}; if it is where someone lives (the account's or the installation's address), it is personal data: keep it out unless it is the entity's purpose.`);
    return;
  }
  const shared = keyName !== undefined && unrecordedAttributes(file, owner, integration).has(keyName)
    ? 'it is kept out of the recorder but still shared with every frontend and API client'
    : 'attributes are recorded and shared';
  context.report(at, `State attribute ${keyName !== undefined ? `"${keyName}"` : key.text} exposes personal data (${personal}); ${shared}, so keep it out unless it is the entity's purpose.`, {
    suggestions: removable ? [{ title: `Remove the "${keyName ?? key.text}" attribute`, safe: false, edits: [removeArgument(at)] }] : [],
  });
}

/**
 * `{key: data[source] for key, source in ATTRIBUTES.items()}`: a comprehension whose keys are the keys of a constant
 * dict of the integration (here or in const.py) publishes those keys; one entry for each, at the comprehension's
 * pair. So does one over pairs written out (`for name, value in ((ATTR_X, self._x), ...)`), an entry at each pair.
 * Undefined when some value the attributes may be is not such a comprehension.
 */
function constantKeyedEntries(context: FileContext, value: Node): AttributeEntry[] | undefined {
  const { file, integration } = context;
  const entries: AttributeEntry[] = [];
  for (const origin of file.origins(value)) {
    const comprehension = unwrap(origin.node);
    if (comprehension.type === 'none') continue;
    if (comprehension.type !== 'dictionary_comprehension') return undefined;
    const pair = comprehension.childForFieldName('body');
    const key = pair?.childForFieldName('key');
    const loops = comprehension.namedChildren.filter((child) => child.type === 'for_in_clause');
    if (!pair || key?.type !== 'identifier' || loops.length !== 1) return undefined;
    const looped = loops[0].childForFieldName('left');
    const iterable = loops[0].childForFieldName('right');
    const firstName = looped?.type === 'identifier' ? looped : looped?.namedChildren[0];
    if (!iterable || firstName?.text !== key.text) return undefined;
    let source = unwrap(iterable);
    // `for name, value in ((ATTR_LAST_TRIP, self._last_trip), (ATTR_FILENAME, self._filename))`: pairs written out.
    if ((source.type === 'tuple' || source.type === 'list') && looped?.type !== 'identifier') {
      for (const item of source.namedChildren) {
        const [itemKey, itemValue] = item.type === 'tuple' ? item.namedChildren : [];
        if (!itemKey || file.stringValue(itemKey, integration?.constantString) === undefined) return undefined;
        entries.push({ key: itemKey, value: itemValue ?? null, at: item, removable: false, owner: comprehension });
      }
      continue;
    }
    // `for key in ATTRS`, `ATTRS.keys()`, and `for key, source in ATTRS.items()` go through the dict's keys.
    const method = source.type === 'call' ? source.childForFieldName('function') : undefined;
    if (method?.type === 'attribute') {
      const name = method.childForFieldName('attribute')?.text;
      if ((name !== 'items' && name !== 'keys') || (name === 'items') !== (looped?.type !== 'identifier')) return undefined;
      source = method.childForFieldName('object')!;
    } else if (looped?.type !== 'identifier') return undefined;
    const constant = source.type === 'identifier' ? constantExpression(file, source, integration) : undefined;
    const dict = constant ? unwrap(constant.node) : undefined;
    if (!constant || dict?.type !== 'dictionary') return undefined;
    for (const item of dict.namedChildren) {
      const itemKey = item.type === 'pair' ? item.childForFieldName('key') : undefined;
      if (itemKey?.type !== 'string' || constant.file.stringValue(itemKey) === undefined) return undefined;
      entries.push({ key: itemKey, value: pair.childForFieldName('value'), at: pair, removable: false, owner: comprehension });
    }
  }
  return entries;
}

/**
 * A key of a dict nested in the value that names personal data (`"attendees": [{"email": x.address} for x in ...]`);
 * positions and bare addresses nested in a value are more often places, so only the unmistakable ones count.
 */
function nestedPersonalKey(context: FileContext, value: Node): string | undefined {
  for (const pair of descendants(value, ['pair'])) {
    const key = pair.childForFieldName('key');
    const name = key ? context.file.stringValue(key, context.integration?.constantString) : undefined;
    if (name !== undefined && isPersonalDataName(name) && !LOCATION_KEYS.test(name.toLowerCase()) && normalizeName(name) !== 'address') return name;
  }
  return undefined;
}

/** Where a position says where someone is: a person, their home (`hass.config`), their car, phone or tracker. */
const SOMEONES_POSITION = /user|owner|account|member|person|profile|customer|contact|family|driver|child|patient|resident|hass\.config|home|vehicle|\bcar\b|_car\b|phone|tracker|device_tracker|gps|pet\b|bike/i;


/** Objects that stand for a person: `self._account.address`, `user["address"]`, `owner.address`. */
const PERSON_HOLDER = /user|owner|account|member|person|profile|customer|contact|family|driver|child|patient|resident/i;

/** What a value is read from: `club` in `club.address`, `data["owner"]` in `data["owner"]["address"]`. */
/**
 * What a value is read from, and what that holder was set to when it is a local name: `pos = self.vehicle["position"]`
 * then `pos["lat"]` is read from a vehicle.
 */
function holderTexts(file: FileModel, value: Node): string {
  const holder = holderText(value);
  const node = unwrap(value);
  const object = node.type === 'subscript' ? node.childForFieldName('value') : node.type === 'attribute' ? node.childForFieldName('object') : null;
  if (object?.type !== 'identifier') return holder;
  return [holder, ...file.origins(object).filter((origin) => origin.kind === 'expression' && origin.node.id !== object.id).map((origin) => origin.node.text)].join(' ');
}

function holderText(value: Node): string {
  const node = unwrap(value);
  if (node.type === 'attribute') return node.childForFieldName('object')?.text ?? '';
  if (node.type === 'subscript') return node.childForFieldName('value')?.text ?? '';
  if (node.type === 'call') return (lookupKey(node) ? node.childForFieldName('function')?.childForFieldName('object')?.text : node.childForFieldName('function')?.text) ?? '';
  return node.text;
}

/**
 * The name a value is read under, when it names personal data: `self._account.email` -> `email`; `data["phone"]`
 * and `data.get("phone")` -> `phone`; a local variable by its own name or by what was assigned to it (`shown = name or user_id`). Else
 * the value's own name, for the position checks.
 */
function personalValueName(file: FileModel, value: Node): string | undefined {
  const own = readName(value);
  if (own !== undefined && isPersonalDataName(own)) return own;
  if (unwrap(value).type === 'identifier') {
    for (const origin of file.origins(value, 3)) {
      if (origin.kind !== 'expression') continue;
      const found = alternatives(origin.node).map(readName).find((name) => name !== undefined && isPersonalDataName(name));
      if (found) return found;
    }
  }
  return own;
}

function readName(value: Node): string | undefined {
  const node = unwrap(value);
  // `[a.email for a in event.attendees]`: each item is what the comprehension reads.
  if (node.type === 'list_comprehension' || node.type === 'set_comprehension' || node.type === 'generator_expression') {
    const body = node.childForFieldName('body');
    return body ? readName(body) : undefined;
  }
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text;
  if (node.type === 'subscript') {
    const index = node.childForFieldName('subscript');
    return index?.type === 'string' ? index.text.replace(/^[a-z]*['"]+|['"]+$/gi, '') : undefined;
  }
  if (node.type === 'identifier') return node.text;
  const key = lookupKey(node);
  return key ? key.text.replace(/^[a-z]*['"]+|['"]+$/gi, '') : undefined;
}

/** `"email"` of `user.get("email")` or `user.get("email", "")`: a dict read that names its key. */
function lookupKey(node: Node): Node | undefined {
  const callee = node.type === 'call' ? node.childForFieldName('function') : null;
  if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'get') return undefined;
  const first = node.childForFieldName('arguments')?.namedChildren[0];
  return first?.type === 'string' ? first : undefined;
}


/** Entities that report where someone or something is on a map. */
const GPS_TRACKER_BASES = /(^|\.)(TrackerEntity|BaseTrackerEntity)$/;
// A `location_name` alone names a zone ("home"), as a router's presence tracker reports it: no position on a map.
const POSITION_MEMBERS = /^(_attr_)?(latitude|longitude)$/;

/**
 * A GPS tracker publishes a position by design: the checklist counts that as personal data, so a person should
 * confirm it is the product's purpose and that nothing more (an address, a history) goes out with it. Legacy
 * trackers report theirs with `see(..., gps=...)`.
 */
function reviewPositions(context: FileContext): void {
  const { file } = context;
  const where = file.path.split(/[\\/]/).pop();
  for (const cls of file.classes) {
    const bases = cls.childForFieldName('superclasses');
    if (!bases?.namedChildren.some((base) => base !== null && GPS_TRACKER_BASES.test(file.qualifiedName(base) ?? base.text))) continue;
    const body = cls.childForFieldName('body');
    const members = body ? [...descendants(body, ['function_definition']).map((fn) => fn.childForFieldName('name')?.text ?? ''), ...descendants(body, ['attribute', 'identifier']).map((node) => (node.type === 'attribute' ? node.childForFieldName('attribute')?.text ?? '' : node.text))] : [];
    if (!members.some((name) => POSITION_MEMBERS.test(name))) continue;
    context.markUsed();
    context.review(`${cls.childForFieldName('name')?.text ?? 'A tracker'} (${where}) publishes a GPS position, which is personal data: check that locating someone or something is the integration's purpose and that no more (an address, a history) goes out with it.`);
  }
  const see = file.calls.find((call) => (call.method === 'see' || call.method === 'async_see' || /(^|\.)(async_)?see$/.test(call.name ?? '')) && (call.keywords.has('gps') || splatsGps(file, call.node)));
  if (see) {
    context.markUsed();
    context.review(`${where} reports GPS positions to the device tracker (\`${see.method ?? see.name}(..., gps=...)\`), which is personal data: check that locating someone or something is the integration's purpose and that no more goes out with it.`);
  }
}

/**
 * The attributes the entity's class keeps out of the recorder (`_unrecorded_attributes = frozenset({ATTR_ADDRESS})`,
 * also set on a base class of the integration): still published, but not written to the database.
 */
function unrecordedAttributes(file: FileModel, node: Node, integration: IntegrationModel | undefined): Set<string> {
  const names = new Set<string>();
  const cls = ancestorOfType(node, ['class_definition']);
  if (!cls) return names;
  for (const { file: owner, node: ancestor } of classLineage(file, cls, integration).classes) {
    for (const statement of ancestor.childForFieldName('body')?.namedChildren ?? []) {
      const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
      if (assignment?.type !== 'assignment' || !/^_(entity_component_)?unrecorded_attributes$/.test(assignment.childForFieldName('left')?.text ?? '')) continue;
      for (const element of descendants(assignment.childForFieldName('right') ?? assignment, ['string', 'identifier', 'attribute'])) {
        const name = owner.stringValue(element, integration?.constantString);
        if (name !== undefined) names.add(name);
      }
    }
  }
  return names;
}

/** `see(**kwargs)` where `kwargs` holds a `gps` entry. */
function splatsGps(file: FileModel, call: Node): boolean {
  return descendants(call.childForFieldName('arguments') ?? call, ['dictionary_splat']).some((splat) => {
    const value = splat.namedChild(0);
    return value !== null && file.origins(value).some((origin) => /["']gps["']\s*:|\bgps\s*=/.test(origin.node.text));
  });
}

function isLocationEntity(file: FileModel, node: Node, integration: IntegrationModel | undefined): boolean {
  if (/(^|\/)(device_tracker|geo_location)\.py$/.test(file.path)) return true;
  const cls = ancestorOfType(node, ['class_definition']);
  return cls !== null && classLineage(file, cls, integration).outsideBases.some((base) => LOCATION_ENTITY_BASES.test(base));
}
