import type { Rule } from '../rule';
import { credentialsOutsideEntry } from './credentialsOutsideEntry';
import { diagnosticsUnredacted } from './diagnosticsUnredacted';
import { dynamicEval } from './dynamicEval';
import { flowInputUnvalidated } from './flowInputUnvalidated';
import { hardcodedSecret } from './hardcodedSecret';
import { htmlInjection } from './htmlInjection';
import { insecureHttpUrl } from './insecureHttpUrl';
import { insecureSecretComparison } from './insecureSecretComparison';
import { logSecret } from './logSecret';
import { persistedDataNotRemoved } from './persistedDataNotRemoved';
import { personalDataAttribute } from './personalDataAttribute';
import { pollingTooFast } from './pollingTooFast';
import { requestBodyUnvalidated } from './requestBodyUnvalidated';
import { serviceWithoutSchema } from './serviceWithoutSchema';
import { shellCommand } from './shellCommand';
import { sqlStringBuilt } from './sqlStringBuilt';
import { tlsVerifyDisabled } from './tlsVerifyDisabled';
import { unpinnedRequirement } from './unpinnedRequirement';
import { unsafeDeserialization } from './unsafeDeserialization';
import { unsafeFilePath } from './unsafeFilePath';
import { viewWithoutAuth } from './viewWithoutAuth';
import { webhookUnsigned } from './webhookUnsigned';

/** Every rule, sorted by id. Adding a rule means adding it here. */
export const RULES: readonly Rule[] = [
  credentialsOutsideEntry,
  diagnosticsUnredacted,
  dynamicEval,
  flowInputUnvalidated,
  hardcodedSecret,
  htmlInjection,
  insecureHttpUrl,
  insecureSecretComparison,
  logSecret,
  persistedDataNotRemoved,
  personalDataAttribute,
  pollingTooFast,
  requestBodyUnvalidated,
  serviceWithoutSchema,
  shellCommand,
  sqlStringBuilt,
  tlsVerifyDisabled,
  unpinnedRequirement,
  unsafeDeserialization,
  unsafeFilePath,
  viewWithoutAuth,
  webhookUnsigned,
].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id);
}
