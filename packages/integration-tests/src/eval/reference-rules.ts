/**
 * The four dependency rules of the CHORUS reference as it writes them: substring tests over
 * the lower-cased title and description. API_Contract is the reference's code; for the other
 * three the reference says "both tasks involve <kind> work", so both texts must contain one of
 * the rule's keywords (as substrings). The baseline that `eval:detector` compares with.
 */

export interface ReferenceTask {
  title: string;
  description?: string;
}

interface ReferenceRule {
  name: string;
  keywords: string[];
  validate(text1: string, text2: string): boolean;
}

const both = (keywords: string[]) => (text1: string, text2: string) =>
  keywords.some((k) => text1.includes(k)) && keywords.some((k) => text2.includes(k));

export const REFERENCE_RULES: readonly ReferenceRule[] = [
  {
    name: 'API_Contract',
    keywords: ['api', 'endpoint', 'contract', 'interface', 'schema'],
    validate: (text1, text2) =>
      (text1.includes('api') && text2.includes('implement')) ||
      (text2.includes('api') && text1.includes('implement')),
  },
  {
    name: 'Database_Schema',
    keywords: ['database', 'schema', 'migration', 'table', 'model'],
    validate: both(['database', 'schema', 'migration', 'table', 'model']),
  },
  {
    name: 'Configuration_Dependency',
    keywords: ['config', 'environment', 'settings', 'parameters'],
    validate: both(['config', 'environment', 'settings', 'parameters']),
  },
  {
    name: 'Security_Compliance',
    keywords: ['security', 'auth', 'permission', 'token', 'encrypt'],
    validate: both(['security', 'auth', 'permission', 'token', 'encrypt']),
  },
];

/** The first reference rule that matches two tasks (the reference reports the first), or undefined. */
export function referenceMatch(a: ReferenceTask, b: ReferenceTask): string | undefined {
  const text1 = `${a.title} ${a.description ?? ''}`.toLowerCase();
  const text2 = `${b.title} ${b.description ?? ''}`.toLowerCase();
  return REFERENCE_RULES.find((rule) => rule.validate(text1, text2))?.name;
}
