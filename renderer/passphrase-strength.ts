// Passphrase strength, estimated with zxcvbn-ts (dictionaries, keyboard patterns, dates)
// rather than character-class rules, which reward "Password1!" and punish long phrases.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

export interface Strength {
  /** 0 (very weak) … 4 (very strong). */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  hint: string;
}

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

export function passphraseStrength(passphrase: string): Strength {
  if (!passphrase) return { score: 0, label: LABELS[0], hint: 'Use four or more random words, or a long sentence only you know.' };
  const r = zxcvbn.check(passphrase);
  const hint = r.feedback.warning || r.feedback.suggestions[0] || (r.score >= 3 ? 'Good: this would take a very long time to guess.' : 'Add more words.');
  return { score: r.score, label: LABELS[r.score], hint };
}

/** The weakest passphrase the onboarding accepts. */
export const MIN_SCORE = 3;
