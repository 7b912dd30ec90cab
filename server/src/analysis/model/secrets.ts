import type { Node } from '../python/syntaxTree';
import { interpolations, unwrap } from '../python/syntax';

/**
 * Deciding whether a name or key denotes a credential. Shared by every rule that follows secrets
 * (logs, diagnostics, storage, hardcoded values, comparisons), so they agree on what a secret is.
 */

/** Words that make a name a credential on their own (after splitting snake_case and camelCase). */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'credential', 'credentials', 'creds',
  'privatekey', 'privkey', 'prvkey', 'bearer', 'cookie', 'jwt', 'signingkey', 'hmackey', 'secretkey', 'accesskey', 'authkey',
  'sessionkey', 'refreshtoken', 'accesstoken', 'clientsecret', 'authorization', 'psk', 'otp', 'totp',
  // A login session's id is a bearer credential; an alarm panel's user codes are PINs.
  'passcode', 'sessionid', 'usercode', 'pincode',
  // LuCI's session token (OpenWrt, TP-Link routers): every admin URL carries it (`/cgi-bin/luci/;stok=.../admin`).
  'stok',
  // A vendor's keys for signing or encrypting its API calls, shipped in code: `signKey`, `_loginKey`, `iotkey`.
  'signkey', 'loginkey', 'iotkey', 'aeskey', 'appsecret',
]);

/** Pairs of words that form a credential: `api key`, `private key`, `client secret`. */
const SECRET_PAIRS = new Set([
  'api_key', 'app_key', 'app_secret', 'private_key', 'secret_key', 'access_key', 'auth_key', 'signing_key',
  'hmac_key', 'encryption_key', 'master_key', 'session_key', 'auth_code', 'pass_word', 'pass_phrase', 'pin_code',
  'security_code', 'alarm_code', 'shared_secret', 'client_secret', 'consumer_secret', 'webhook_secret', 'auth_token',
  'api_token', 'refresh_token', 'access_token', 'id_token', 'bearer_token', 'x_api_key', 'local_key', 'device_key',
  'management_key', 'admin_key', 'license_key', 'integration_key', 'subscription_key', 'account_key', 'shared_key',
  'webhook_auth', 'priv_key', 'prv_key', 'session_id', 'session_token', 'sign_key', 'login_key', 'iot_key', 'aes_key',
  'cipher_key', 'crypto_key', 'panel_code', 'alarmpanel_code', 'disarm_code', 'keypad_code', 'door_code', 'lock_code',
  'master_code', 'access_code', 'installer_code', 'tech_code', 'admin_code', 'arm_code', 'user_code',
  // A Zigbee install code: the key a device joins the network with (a smart meter's local API password).
  'install_code', 'installation_code',
  // PINs named for whose or what they open (a bare `*_pin` is as often a GPIO pin: `led_pin`, `relay_pin`).
  'admin_pin', 'user_pin', 'master_pin', 'alarm_pin', 'panel_pin', 'lock_pin', 'door_pin', 'access_pin', 'security_pin',
  'secret_pin', 'account_pin', 'parental_pin', 'pairing_pin',
  // Codes that open a door or gate for someone: an intercom's guest and entry codes.
  'entry_code', 'guest_code', 'gate_code', 'visitor_code',
  // A signed path's token (`?authSig=...`, Home Assistant's SIGN_QUERY_PARAM).
  'auth_sig',
  // Radio networks' encryption keys: Zigbee's network and link keys (Z-Wave's S0 and S2 keys: see judgeSecretName).
  'network_key', 'link_key',
  // Azure's shared access signature keys and tokens (`event_hub_sas_key`).
  'sas_key', 'sas_token',
  // SNMP v1/v2c's shared password: a write community can reconfigure the device.
  'community_string', 'write_community', 'read_community', 'community_write', 'community_read', 'snmp_community', 'rw_community', 'ro_community',
]);

/**
 * Words that, as the last part of a name, make it describe a secret rather than hold it:
 * `TOKEN_URL`, `password_hint`, `token_type`, `token_expires_at`, `CONF_PASSWORD_KEY`.
 */
const DESCRIPTOR_SUFFIXES = new Set([
  'url', 'uri', 'urls', 'endpoint', 'path', 'file', 'filename', 'dir', 'type', 'types', 'expires', 'expiry',
  'expiration', 'expire', 'expiresin', 'at', 'in', 'ttl', 'age', 'length', 'len', 'size', 'count', 'min', 'max',
  'hint', 'field', 'fields', 'key_name', 'name', 'names', 'label', 'prompt', 'schema', 'error', 'errors', 'invalid',
  'required', 'changed', 'valid', 'validity', 'format', 'pattern', 'regex', 'policy', 'rules', 'header', 'param',
  'placeholder', 'description', 'title', 'id', 'ids', 'index', 'step', 'reset', 'set', 'mode', 'version', 'source',
  'refreshed', 'updated', 'received', 'status', 'state', 'timestamp', 'time', 'date', 'lock', 'manager', 'class',
  'callback', 'entity', 'sensor', 'attribute', 'attr', 'exists', 'present', 'enabled', 'flag', 'cache', 'store',
  'location', 'scope', 'scopes', 'host', 'server', 'service', 'user', 'username', 'expired', 'missing',
  // How a secret is made or where it is sent: `PASSWORD_HASH_ALGO`, `auth_method`, `MQTT_PASSWORD_TOPIC`.
  'algo', 'algorithm', 'alg', 'method', 'topic', 'topics',
  // When a credential stops or started being good: `access_token_expires_on`, `token_valid_until`, `key_issued_on`.
  'on', 'until',
  // A cookie's attributes: `COOKIE_SECURE`, `cookie_samesite` say how a cookie is sent, not what it holds.
  'secure', 'httponly', 'samesite', 'domain',
  // Bluetooth GATT slots: `PASSWORD_CHAR_UUID` names where a lock takes its PIN, not the PIN.
  'uuid', 'guid', 'characteristic', 'char', 'handle',
  // Code that works on a credential: `token_type_handler`, `password_validator`, `token_generator` are objects.
  'handler', 'handlers', 'validator', 'validators', 'generator', 'factory', 'parser', 'serializer', 'encoder', 'decoder',
  // The names of a mapping's keys: `token_response_keys` lists what a token response holds, not the token.
  'keys',
  // How often and when a credential is tried or renewed: `token_refresh_retries`, `password_attempts`,
  // `token_refresh_interval`, `token_refresh_task` are numbers, durations and jobs.
  'retries', 'retrys', 'retry', 'attempts', 'attempt', 'tries', 'counter', 'interval', 'timeout', 'delay', 'task', 'timer',
  // A JWT's `exp` claim: `token_exp`, `jwt_exp` say when the token expires.
  'exp',
]);

/** Whether a name ending in this word describes a secret (`token_url`, `signature_size`) rather than holds one. */
export function isDescriptorSuffix(word: string): boolean {
  return DESCRIPTOR_SUFFIXES.has(word);
}

/** A webhook's id or URL is all a caller needs to call it, so it is a credential as much as a token. */
const WEBHOOK_ADDRESS = /(^|_)(webhook|cloudhook)_?(url|id)$/;

/** `webhook_id`, `CONF_WEBHOOK_ID`, `cloudhook_url`, `self._webhook_url`. */
export function isWebhookAddress(name: string): boolean {
  // Asked of every key of every dict and subscript: most never spell "hook", and normalising them costs.
  if (!/hook/i.test(name)) return false;
  const normalized = normalizeName(name);
  // `has_valid_external_webhook_url`: a truth about the address, not the address.
  return !PREDICATE_PREFIXES.has(normalized.split('_')[0]) && WEBHOOK_ADDRESS.test(normalized);
}

/**
 * `self._webhook_url`, `webhook_id`: a value named like a webhook's address, also filled into an f-string
 * (`f"{base}/api/webhook/{webhook_id}"` is the webhook's URL). The name, without leading underscores.
 */
export function webhookAddressIn(value: Node): string | undefined {
  const target = unwrap(value);
  if (target.type === 'string' || target.type === 'concatenated_string') {
    for (const expression of interpolations(target)) {
      const found = webhookAddressIn(expression);
      if (found) return found;
    }
    return undefined;
  }
  const name = target.type === 'attribute' ? target.childForFieldName('attribute')?.text : target.type === 'identifier' ? target.text : undefined;
  return name !== undefined && isWebhookAddress(name) ? name.replace(/^_+/, '') : undefined;
}

/** Whole names that mention a secret word but never hold one. */
const NEVER_SECRET = new Set([
  'token_type', 'grant_type', 'secret_name', 'password_reset', 'no_password', 'has_password', 'use_token',
  'needs_token', 'requires_password', 'password_required', 'token_required', 'csrf', 'tokenize', 'tokenizer',
  'tokens_count', 'keyring', 'secrets', 'secret_store',
]);

/** `apiKey` -> `api_key`, `CONF_API_KEY` -> `conf_api_key`; non-alphanumerics become `_`. */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/**
 * True when a variable, attribute, parameter or dict key with this name holds a credential:
 * `password`, `api_key`, `self._token`, `clientSecret`, `CONF_ACCESS_TOKEN` (as a key), `x-api-key`.
 * False for names that only describe one (`TOKEN_URL`, `token_type`, `password_hint`, `has_password`).
 */
export function isSecretName(name: string): boolean {
  // Most names spell none of the words a secret name is made of; they need neither the cache nor the judgement.
  if (!SECRET_VOCABULARY.test(name)) return false;
  let secret = secretNameCache.get(name);
  if (secret === undefined) {
    // Rules ask about the same few hundred names of a file over and over.
    if (secretNameCache.size >= SECRET_NAME_CACHE_LIMIT) secretNameCache.clear();
    secret = judgeSecretName(name);
    secretNameCache.set(name, secret);
  }
  return secret;
}

/**
 * A part of every word in SECRET_WORDS and SECRET_PAIRS and of the names judgeSecretName accepts otherwise (`pass`,
 * Z-Wave's `s2_..._key`, `apikey`): a name without one of these is no secret name.
 */
const SECRET_VOCABULARY = /pass|pwd|secret|token|key|credential|creds|bearer|cookie|jwt|auth|psk|otp|code|session|sig|stok|community|pin/i;

/** A name about a credential that holds none (`token_exp`, `password_hint`, `token_type`). */
export function describesSecret(name: string): boolean {
  return SECRET_VOCABULARY.test(name) && !isSecretName(name);
}

/** The vocabulary secret names are judged by (for the test that holds SECRET_VOCABULARY to it). */
export const SECRET_NAME_WORDS: readonly string[] = [...SECRET_WORDS, ...SECRET_PAIRS];

const SECRET_NAME_CACHE_LIMIT = 50_000;
const secretNameCache = new Map<string, boolean>();

function judgeSecretName(name: string): boolean {
  // The prefix says whose or which value it is (`user_token`, `stored_password`), except in a keypad's `user_code` and `user_pin`.
  const normalized = normalizeName(name).replace(/^(conf|attr|key|data|self|cls|the|my|your|user|default|stored|saved|new|old|current|raw|encoded|encrypted|hashed|cached)_(?!(codes?|pins?)$)/, '');
  if (!normalized || NEVER_SECRET.has(normalized)) return false;
  // In an identifier a numbered copy is the same thing (`_loginKey2`, `token1`); longer numbers (`password2024`), or
  // text that is no identifier (`Qw3rty!Secret99`), make a value, not a name.
  const numbered = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
  const words = normalized.split('_').filter(Boolean).map((word) => (numbered && NUMBERED.test(word) ? word.slice(0, word.search(/\d+$/)) : word));
  if (words.length === 0) return false;
  // An anti-forgery token (`csrf_token`, `x-xsrf-token`) proves a form came from the page, bound to a session cookie
  // and a single login; it logs nobody in.
  if (words.some((word) => word === 'csrf' || word === 'xsrf' || word === 'csrftoken' || word === 'xsrftoken')) return false;
  // A public key and its parts are meant to be shared (`_password_rsa_n`: the modulus a password is encrypted with).
  if (words.some((word) => word === 'public' || word === 'pubkey') || (words.includes('rsa') && PUBLIC_KEY_PARTS.has(words[words.length - 1]))) return false;
  // A language model's token counts (`max_tokens`, `prompt_tokens`, `tokens_used`, `token_limit`): pieces of text.
  if (words.includes('tokens') && words.some((word) => TEXT_TOKEN_COUNTS.has(word))) return false;
  if (words.includes('token') && words.some((word) => TEXT_TOKEN_LIMITS.has(word))) return false;
  // A paging or sync cursor (`pageToken`, `nextPageToken`, `syncToken`, `continuationToken`, `NextToken`): it says
  // where a listing goes on, and lets nobody in.
  if ((words.includes('token') || words.includes('tokens')) && words.some((word) => PAGING_WORDS.has(word))) return false;
  // A messaging platform's reply token (LINE's `replyToken`): a one-time handle for answering one message, good only
  // with the bot's own access token.
  if (words.length === 2 && words[0] === 'reply' && words[1] === 'token') return false;
  // `has_token`, `is_token_expired`, OAuth2Session's `valid_token`: a truth about the credential, not the credential.
  if (words.length > 1 && PREDICATE_PREFIXES.has(words[0])) return false;
  const last = words[words.length - 1];
  // `session_id`, `rf_session_id`: a pair naming a credential outweighs the descriptor it ends in.
  // Plural too: `api_keys`, `access_tokens` hold several.
  if (words.length > 1 && (SECRET_PAIRS.has(`${words[words.length - 2]}_${last}`) || SECRET_PAIRS.has(`${words[words.length - 2]}_${last.replace(/s$/, '')}`))) return true;
  if (words.length > 1 && DESCRIPTOR_SUFFIXES.has(last)) return false;
  // Z-Wave's security keys: `s0_legacy_key`, `s2_access_control_key`, `lr_s2_authenticated_key`.
  if (last === 'key' && /(^|_)s[02]_/.test(normalized)) return true;
  // `pass`, `ssh_pass`, `CONF_PASS`: short for password at the end of a name (`pass_through` is something else).
  if (last === 'pass') return true;
  if (words.length > 2 && DESCRIPTOR_SUFFIXES.has(`${words[words.length - 2]}_${last}`)) return false;
  // `serial_from_credentials`, `expiry_of_token`: a thing named after a credential, not the credential. The words
  // before the preposition say what the name holds (`token_for_user` is still a token).
  const preposition = words.findIndex((word, index) => index > 0 && PREPOSITIONS.has(word));
  const head = preposition > 0 ? words.slice(0, preposition) : words;
  for (let index = 0; index < head.length; index++) {
    const word = head[index];
    if (SECRET_WORDS.has(word) || SECRET_WORDS.has(word.replace(/s$/, ''))) return true;
    if (index + 1 < head.length && SECRET_PAIRS.has(`${word}_${head[index + 1]}`)) return true;
    if (index + 2 < head.length && SECRET_PAIRS.has(`${word}_${head[index + 1]}_${head[index + 2]}`)) return true;
  }
  // `apikey`, `authtoken`, `accesstoken` written as one word.
  return /(?:api|auth|access|refresh|bearer|client|app)(?:key|token|secret)$/.test(head.join(''));
}

/** Words that, with `token`, name a cursor through a listing rather than a credential. */
const PAGING_WORDS = new Set(['page', 'paging', 'pagination', 'next', 'prev', 'previous', 'sync', 'continuation', 'continue', 'cursor', 'delta', 'skip']);

/** Words that, with `tokens`, count a language model's text (a request's `max_tokens`, a reply's `total_tokens`). */
const TEXT_TOKEN_COUNTS = new Set(['max', 'min', 'total', 'used', 'usage', 'prompt', 'completion', 'input', 'output', 'num', 'number', 'limit', 'remaining', 'reasoning', 'context', 'estimated', 'budget']);
/** With a single `token`, only the words that cannot name a credential's own field (`token_input` may be one). */
const TEXT_TOKEN_LIMITS = new Set(['limit', 'usage', 'budget', 'remaining']);

const PREDICATE_PREFIXES = new Set(['is', 'has', 'have', 'needs', 'need', 'should', 'can', 'uses', 'use', 'got', 'no']);

/** A word ending in a number of one or two digits after a letter: `key2`, `token1`. */
const NUMBERED = /[a-z]\d{1,2}$/;

const PUBLIC_KEY_PARTS = new Set(['n', 'e', 'modulus', 'exponent', 'pub']);

const PREPOSITIONS = new Set(['from', 'of', 'by', 'via', 'with', 'using', 'for', 'per']);

const DESCRIBES_THE_VALUE = /_(time|timestamp|date|datetime|updated|last_updated|age|enabled|verified|valid|status|count|type|fix|signal|satellites|sats|quality|source|mode|method|dimension|accuracy|precision|format|unit|units)$/;

/** Keys that identify a person rather than authenticate one: logging them is a privacy matter, not a leak. */
export function isPersonalDataName(name: string): boolean {
  const normalized = normalizeName(name);
  // `gps_time`, `email_verified`, `phone_count`: a fact about the data (when, whether, how many), not the data.
  if (DESCRIBES_THE_VALUE.test(normalized) && !/birth/.test(normalized)) return false;
  // An address is personal when it is where someone lives or is reached; ip/mac/device addresses are device facts.
  if (/(^|_)(street|home|postal|billing|shipping|mailing|physical|residential|user|owner|customer|contact)_address(_|$)|^address(_line\w*|_\d)?$/.test(normalized)) {
    return true;
  }
  // An account's user name or handle (`username`, `twitch_user`, `last_user`) names the person using it; a map or
  // list of users (`user_map`: ids to names) names them all.
  if (/(^|_)(usernames?|user_names?|screen_name|nickname|users?_(map|list))(_|$)|^(?!(is|has|can|allow|multi|max|min|num|total|count|per)_)[a-z0-9]+_user$/.test(normalized)) return true;
  // Written as one word: `accountnumber`, `customerId` is split by its capital, `phonenumber` is not.
  if (/(^|_)(accountnumber|accountno|accountid|customernumber|customerid|contractnumber|phonenumber|mobilenumber|emailaddress|zipcode|dateofbirth)(_|$)/.test(normalized)) return true;
  // The lines of a postal address (`street1`, `street_2`, `address2`).
  if (/(^|_)(street|address)_?\d(_|$)/.test(normalized)) return true;
  // A membership or subscription number names the account holder; a meter point number (the UK's MPAN and MPRN,
  // France's PCE and PDL, Portugal's CIL, a supply point id) names the home the supply goes to.
  if (/(^|_)(member_id|member_number|membership_id|membership_number|subscriber_id|subscriber_number|mpan|mprn|pce|pdl|cil|supply_point_(id|number)|meter_point_(id|number|reference))(_|$)/.test(normalized)) return true;
  // Short forms of a customer's or account's number: `cust_no`, `acct_id`, `custno`.
  if (/(^|_)((cust|acct)_?(no|num|nr|number|id))(_|$)/.test(normalized)) return true;
  // A patient's or citizen's identity: health and insurance records, national identity and passport numbers; and the
  // plural of the contact words (`emails`, `phones`: every attendee's).
  if (/(^|_)((student|child|kid|guest|member|contact|customer|tenant|resident|driver|employee)_names?)(_|$)/.test(normalized)) return true;
  // Who a message or call came from or went to: an SMS's numbers, a call's parties.
  if (/(^|_)((from|to|caller|callee|sender|recipient|calling|called)_(number|phone|phone_number)|(last_)?(sender|recipient|caller))$/.test(normalized)) return true;
  if (/(^|_)(patient_(id|name|number)|insurance_(id|number|no)|policy_number|national_id|national_number|passport_(id|number|no)|tax_id|social_security_number)(_|$)/.test(normalized)) return true;
  // Plural contact words name the addresses themselves at the end of a name (`attendee_emails`), not counts of
  // messages (`emails_sent`, `emails_bounced`).
  if (/(^|_)(emails|phones|phone_numbers)$/.test(normalized)) return true;
  return /(^|_)(email|e_mail|phone|phone_number|mobile|street|zip_code|postcode|postal_code|birth|birthday|birthdate|date_of_birth|dob|latitude|longitude|gps|coordinates|full_name|fullname|first_name|firstname|last_name|lastname|surname|account_id|account_number|account_no|user_id|customer_id|customer_number|customer_no|contract_id|contract_number|contract_no|ssn|iban|bban|account_holder|account_owner|holder_name|owner_name|sip_uri|sip_address)(_|$)/.test(
    normalized,
  );
}

