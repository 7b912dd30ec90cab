import type { Rule } from '../rule';
import { credentialsOutsideEntry } from './credentialsOutsideEntry';
import { persistedDataNotRemoved } from './persistedDataNotRemoved';
import { personalDataAttribute } from './personalDataAttribute';
import { pollingTooFast } from './pollingTooFast';
import { unpinnedRequirement } from './unpinnedRequirement';
import { unsafeDeserialization } from './unsafeDeserialization';

/** Every rule, sorted by id. Adding a rule means adding it here. */
export const RULES: readonly Rule[] = [
  credentialsOutsideEntry,
  persistedDataNotRemoved,
  personalDataAttribute,
  pollingTooFast,
  unpinnedRequirement,
  unsafeDeserialization,
].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id);
}
