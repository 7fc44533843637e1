import type { TaskText } from '@chorale/core';

/**
 * Words that say nothing about *what* a task touches: English function words, the verbs of
 * every task title (add, fix, update, implement), and words of issue templates. Two tasks
 * sharing only these share no subject.
 */
const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing done down during each either else
etc few for from further had has have having he her here hers him his how i if in into is it
its itself just let like may me might more most must my no nor not now of off on once only or
other our ours out over own per same she should so some such than that the their theirs them
then there these they this those through to too under until up upon us very via was we were
what when where which while who whom why will with within without would yes yet you your
add adds added adding update updates updated updating fix fixes fixed fixing implement
implements implemented implementing implementation create creates created creating make makes
making made remove removes removed removing change changes changed changing use uses used using
support supports supported supporting allow allows allowed need needs needed want get gets set
sets new old current currently existing first second next last one two three
issue issues bug bugs pr pull request feature features task tasks todo wip draft
test tests testing tested docs doc documentation readme example examples description
behavior behaviour expected actual result results version versions release releases
type types kind work works working run runs running build builds code file files line lines
please thanks thank see note notes related problem problems solution question
value values thing things way case cases part parts end start well much many really still
true false null none`.split(/\s+/),
);

/** `preferences` → `preference`, `policies` → `policy`: enough to see the same entity twice. */
export function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) {
    return word.slice(0, -1);
  }
  return word;
}

/** Whether a word can name a subject: not a stop word, at least three characters, not a number. */
export function isMeaningful(word: string): boolean {
  return word.length >= 3 && !/^\p{N}+$/u.test(word) && !STOP_WORDS.has(word);
}

/**
 * The subject words two tasks have in common (singular forms), leaving out stop words and the
 * words in `exclude` (a rule's own vocabulary, which is evidence of a kind, not of a subject).
 */
export function sharedSubjects(
  a: TaskText,
  b: TaskText,
  exclude: ReadonlySet<string> = new Set(),
): string[] {
  const mine = new Set<string>();
  for (const word of a.words) {
    if (isMeaningful(word) && !exclude.has(word)) mine.add(singular(word));
  }
  const shared = new Set<string>();
  for (const word of b.words) {
    if (!isMeaningful(word) || exclude.has(word)) continue;
    const s = singular(word);
    if (mine.has(s) && !exclude.has(s)) shared.add(s);
  }
  return [...shared].sort();
}

/** The words of `list` the text has. */
export function present(text: TaskText, list: Iterable<string>): string[] {
  const found: string[] = [];
  for (const word of list) if (text.has(word)) found.push(word);
  return found;
}

/** Whether the text has one of these phrases (several words next to each other). */
export function hasAnyPhrase(text: TaskText, phrases: Iterable<string>): boolean {
  for (const phrase of phrases) if (text.hasPhrase(phrase)) return true;
  return false;
}

/** Whether the text has a word starting with one of these stems. */
export function hasAnyPrefix(text: TaskText, stems: Iterable<string>): boolean {
  for (const stem of stems) if (text.hasPrefix(stem)) return true;
  return false;
}

/** Rounds a confidence to two decimals and keeps it in 0..1. */
export function confidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

/** "a, b and c" */
export function list(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
