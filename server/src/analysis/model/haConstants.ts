/**
 * Values of the `homeassistant.const` names integrations use as config keys, so that
 * `entry.data[CONF_PASSWORD]` is known to read the "password" key without reading Home Assistant's source.
 */
const CONF_KEYS = [
  'access_token', 'address', 'api_key', 'api_token', 'authentication', 'client_id', 'client_secret', 'code',
  'country', 'device', 'device_id', 'email', 'entity_id', 'host', 'id', 'ip_address', 'latitude', 'location',
  'longitude', 'mac', 'model', 'name', 'password', 'path', 'pin', 'port', 'protocol', 'region', 'resource',
  'scan_interval', 'ssl', 'timeout', 'token', 'type', 'url', 'username', 'verify_ssl', 'webhook_id',
];

/** `homeassistant.const` attribute names for state attributes. */
const ATTR_KEYS = [
  'latitude', 'longitude', 'gps_accuracy', 'battery_level', 'friendly_name', 'model', 'manufacturer', 'sw_version',
  'hw_version', 'serial_number', 'via_device', 'device_class', 'unit_of_measurement', 'icon', 'location', 'name',
  'attribution', 'entity_id', 'id', 'temperature', 'editable',
];

export const HA_CONSTANTS: ReadonlyMap<string, string> = new Map([
  ...ATTR_KEYS.map((key): [string, string] => [`homeassistant.const.ATTR_${key.toUpperCase()}`, key]),
  ...CONF_KEYS.map((key): [string, string] => [`homeassistant.const.CONF_${key.toUpperCase()}`, key]),
  ['homeassistant.const.CONF_ELEVATION', 'elevation'],
  ['homeassistant.const.CONF_RADIUS', 'radius'],
  // The query parameter of a signed path (`async_sign_path`): the token that lets its holder in.
  ['homeassistant.components.http.auth.SIGN_QUERY_PARAM', 'authSig'],
]);

/** Names of `homeassistant.const` whose value is not their own name in lower case. */
const IRREGULAR = new Map([
  ['homeassistant.const.CONF_SERVICE_DATA', 'data'],
  ['homeassistant.const.CONF_SERVICE_DATA_TEMPLATE', 'data_template'],
]);

/**
 * The value of a `homeassistant.const` config or attribute name. Home Assistant names these after their value
 * (`CONF_UNIQUE_ID = "unique_id"`, `ATTR_BATTERY_LEVEL = "battery_level"`), so names the table above does not list
 * are read the same way, save the few that break the rule.
 */
export function homeAssistantConstant(qualified: string): string | undefined {
  const known = HA_CONSTANTS.get(qualified) ?? IRREGULAR.get(qualified);
  if (known !== undefined) return known;
  const named = /^homeassistant\.const\.(?:CONF|ATTR)_([A-Z0-9_]+)$/.exec(qualified);
  return named ? named[1].toLowerCase() : undefined;
}
