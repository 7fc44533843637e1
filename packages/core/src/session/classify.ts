import type { CoordinationMessageType } from '@chorale/protocol';

/**
 * Classifies a free-text reply the way a reader would, word by word (never by substring):
 * "disagree", "don't agree", "not approved" and "can't agree" are concerns, not agreement;
 * "no concerns, sounds good" is agreement. The reference's agreement keywords are
 * agree, sounds good, approved, looks good, confirmed.
 */

const AGREEMENT_WORDS = new Set([
  'agree',
  'agreed',
  'agrees',
  'approve',
  'approved',
  'approves',
  'confirm',
  'confirmed',
  'confirms',
  'lgtm',
]);
const AGREEMENT_PHRASES = [
  ['sounds', 'good'],
  ['looks', 'good'],
  ['sound', 'good'],
  ['look', 'good'],
];
const CONCERN_WORDS = new Set([
  'disagree',
  'disagreed',
  'disagrees',
  'concern',
  'concerns',
  'concerned',
  'object',
  'objection',
  'objections',
  'oppose',
  'reject',
  'rejected',
  'blocker',
  'blocking',
  'veto',
]);
const NEGATIONS = new Set([
  'not',
  'no',
  'never',
  'nor',
  'dont',
  'doesnt',
  'didnt',
  'cant',
  'cannot',
  'wont',
  'isnt',
  'wasnt',
  'arent',
  'shouldnt',
  'wouldnt',
  'couldnt',
  'hardly',
  'without',
]);
/** How many words before a keyword a negation still applies ("I do not fully agree"). */
const NEGATION_REACH = 3;

export function tokenizeReply(text: string): string[] {
  return text
    .toLowerCase()
    .replaceAll(/[\u2018\u2019`]/g, "'")
    .replaceAll("n't", 'nt')
    .replaceAll("'", '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether a negation stands shortly before `index`, and was not already spent on an objection ("no concerns, ..."). */
function negated(tokens: readonly string[], index: number): boolean {
  for (let i = index - 1; i >= Math.max(0, index - NEGATION_REACH); i--) {
    if (CONCERN_WORDS.has(tokens[i]!)) return false;
    if (NEGATIONS.has(tokens[i]!)) return true;
  }
  return false;
}

interface Signals {
  agreement: boolean;
  negatedAgreement: boolean;
  concern: boolean;
}

function signals(tokens: readonly string[]): Signals {
  const result: Signals = { agreement: false, negatedAgreement: false, concern: false };
  tokens.forEach((token, i) => {
    const isAgreement =
      AGREEMENT_WORDS.has(token) ||
      AGREEMENT_PHRASES.some(([first, second]) => token === first && tokens[i + 1] === second);
    if (isAgreement) {
      if (negated(tokens, i)) result.negatedAgreement = true;
      else result.agreement = true;
    }
    if (CONCERN_WORDS.has(token) && !negated(tokens, i)) result.concern = true;
  });
  return result;
}

/** Whether the text says yes: an agreement keyword, not negated, and no objection beside it. */
export function isAgreementText(text: string): boolean {
  return classifyReply(text) === 'agreement';
}

/**
 * The message type of a reply that did not state one: `concern` (objection or negated
 * agreement), `question` (asks something, even beside an agreement: an open question blocks
 * consensus), `agreement`, or plain `response`.
 */
export function classifyReply(text: string): Exclude<CoordinationMessageType, 'proposal'> {
  const s: Signals = { agreement: false, negatedAgreement: false, concern: false };
  // A negation reaches to the end of its clause at most: "No objections. LGTM".
  for (const clause of text.split(/[.,;:!?\n]+/)) {
    const c = signals(tokenizeReply(clause));
    s.agreement ||= c.agreement;
    s.negatedAgreement ||= c.negatedAgreement;
    s.concern ||= c.concern;
  }
  if (s.concern || s.negatedAgreement) return 'concern';
  if (text.includes('?')) return 'question';
  if (s.agreement) return 'agreement';
  return 'response';
}
