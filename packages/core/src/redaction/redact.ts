/**
 * Secret redaction (the reference's SHHH): keys, tokens, passwords and private keys are replaced
 * by `[REDACTED:<kind>]` before a text reaches a planner's prompt, the mesh or a sink.
 *
 * Our own patterns, not secretlint: secretlint's `lintSource` is asynchronous, built for files
 * (rule contexts, locales, source maps), takes about 0.6 ms a text, and misses bare AWS key
 * ids, JWTs, PEM blocks, OpenAI project keys and shorter key shapes. These patterns are
 * synchronous, a few microseconds a message, and every one is anchored on a known prefix or a
 * key name, so ordinary words, UUIDs, commit SHAs and version strings are never touched.
 */

export const SECRET_KINDS = [
  'private_key',
  'connection_string',
  'url_credentials',
  'slack_webhook',
  'aws_access_key_id',
  'aws_secret_access_key',
  'github_token',
  'gitlab_token',
  'anthropic_api_key',
  'openai_api_key',
  'slack_token',
  'npm_token',
  'jwt',
  'authorization',
  'password',
  'secret',
  'token',
  'api_key',
] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

export interface RedactionFinding {
  kind: SecretKind;
  count: number;
}

export interface RedactionResult {
  /** The text with every secret replaced by `[REDACTED:<kind>]`; the same string when none was found. */
  text: string;
  /** How many secrets of each kind were replaced; empty when none. */
  findings: RedactionFinding[];
}

/** `[REDACTED:github_token]`. */
export function redactionMarker(kind: SecretKind): string {
  return `[REDACTED:${kind}]`;
}

interface Rule {
  kind: SecretKind;
  pattern: RegExp;
  /** A cheaper test a text must pass before `pattern` runs on it (the key and its `=`/`:`). */
  quick?: RegExp;
  /** The replacement of one match; `undefined` keeps the match (a look-alike, not a secret). */
  replace(match: string, groups: string[]): string | undefined;
}

/** Replaces the whole match. */
function whole(kind: SecretKind, pattern: RegExp, check?: (match: string) => boolean): Rule {
  return {
    kind,
    pattern,
    replace: (match) => (check && !check(match) ? undefined : redactionMarker(kind)),
  };
}

/** Keeps groups 1 and 3 (what surrounds the secret), replaces group 2. */
function middle(kind: SecretKind, pattern: RegExp, check?: (value: string) => boolean): Rule {
  return {
    kind,
    pattern,
    replace: (_match, [before = '', value = '', after = '']) =>
      check && !check(value) ? undefined : `${before}${redactionMarker(kind)}${after}`,
  };
}

function withQuick(quick: RegExp, rule: Rule): Rule {
  return { ...rule, quick };
}

const hasDigit = (s: string) => /\d/.test(s);
const hasLetter = (s: string) => /[A-Za-z]/.test(s);

/** The end of a token: not followed by another character of the same alphabet. */
const END = '(?![A-Za-z0-9_-])';
const DB_SCHEMES =
  'postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver';

/** Key names whose value is a secret, by the kind they stand for. */
const ASSIGNMENT_KEYS: [SecretKind, string][] = [
  ['password', 'passw(?:or)?d|passphrase'],
  ['api_key', 'api[_-]?key|access[_-]?key'],
  ['secret', 'secret'],
  ['token', 'token'],
];

/**
 * A value after `key=` or `key:` that is a secret rather than prose ("token: refresh the
 * cache"), a placeholder (`${DB_PASSWORD}`, `<password>`, `***`, `process.env.TOKEN`) or a
 * redaction already made.
 */
function secretValue(value: string, quoted: boolean, separator: string): boolean {
  if (/^[[<{$%*]|^(?:x+|\*+|\.+)$|^(?:process\.)?env\./i.test(value)) return false;
  if (/^(?:null|none|nil|true|false|undefined|required|optional|string|redacted)$/i.test(value))
    return false;
  // After `=` or inside quotes the value is deliberate; after `: ` in prose it must look like one.
  if (quoted || separator.includes('=')) return value.length >= 3;
  return (
    (value.length >= 6 && hasDigit(value)) ||
    (value.length >= 8 && /[!@#%^&*+=/~?|]/.test(value)) ||
    (value.length >= 20 && /[a-z]/.test(value) && /[A-Z]/.test(value))
  );
}

/** `key=value`, `key: value`, `"key": "value"`: the value goes, the key stays. */
function assignment(kind: SecretKind, key: string): Rule {
  return {
    kind,
    quick: new RegExp(`(?:${key})["']?\\s*[:=]`, 'i'),
    pattern: new RegExp(
      `(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{0,40}?(?:${key})["']?)(\\s*[:=]\\s*)(?:"([^"\\n]+)"|'([^'\\n]+)'|([^\\s"'\`,;&)]+))`,
      'gi',
    ),
    replace(_match, [name = '', separator = '', doubleQuoted = '', singleQuoted = '', bare = '']) {
      const quote = doubleQuoted ? '"' : singleQuoted ? "'" : '';
      const value = doubleQuoted || singleQuoted || bare;
      return secretValue(value, quote !== '', separator)
        ? `${name}${separator}${quote}${redactionMarker(kind)}${quote}`
        : undefined;
    },
  };
}

/**
 * Applied in order: a span replaced by an earlier rule is a marker the later rules do not
 * match (markers start with `[`, which no pattern accepts), so the most specific kind wins.
 */
const RULES: Rule[] = [
  whole(
    'private_key',
    /-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----|$)/g,
  ),
  // scheme://user:password@host: the user and password go, the scheme and host stay.
  withQuick(
    /:\/\/[^\s/?#@]*@/,
    middle(
      'connection_string',
      new RegExp(`\\b((?:${DB_SCHEMES}):\\/\\/)([^\\s/?#@:[\\]]*:[^\\s/?#@[\\]]+)(@)`, 'gi'),
    ),
  ),
  withQuick(
    /:\/\/[^\s/?#@]*@/,
    middle(
      'url_credentials',
      /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/?#@:[\]]+:[^\s/?#@[\]]+)(@)/gi,
    ),
  ),
  whole(
    'slack_webhook',
    /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{10,}/g,
  ),
  whole('aws_access_key_id', /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g),
  middle(
    'aws_secret_access_key',
    /\b((?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?)([A-Za-z0-9/+]{40})((?![A-Za-z0-9/+=]))/gi,
  ),
  whole('github_token', new RegExp(`\\bgh[pousr]_[A-Za-z0-9]{36,251}${END}`, 'g')),
  whole('github_token', new RegExp(`\\bgithub_pat_[A-Za-z0-9_]{40,247}${END}`, 'g')),
  whole(
    'gitlab_token',
    new RegExp(
      `\\bgl(?:pat|dt|rt|ptt|ft|cbt|oas|soat)-[A-Za-z0-9_-]{20,}(?:\\.[A-Za-z0-9_-]+)*${END}`,
      'g',
    ),
  ),
  whole('anthropic_api_key', new RegExp(`\\bsk-ant-[A-Za-z0-9_-]{20,}${END}`, 'g')),
  whole('openai_api_key', new RegExp(`\\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}${END}`, 'g')),
  // Legacy keys: sk- and 20+ letters and digits, both present (so no "sk-" word runs).
  whole(
    'openai_api_key',
    new RegExp(`\\bsk-[A-Za-z0-9]{20,}${END}`, 'g'),
    (m) => hasDigit(m.slice(3)) && hasLetter(m.slice(3)),
  ),
  whole('slack_token', new RegExp(`\\bxox[abprs]-[A-Za-z0-9-]{10,}${END}`, 'g'), hasDigit),
  whole('npm_token', new RegExp(`\\bnpm_[A-Za-z0-9]{36}${END}`, 'g')),
  whole('jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g),
  middle(
    'authorization',
    /\b((?:Bearer|Basic)\s+)([A-Za-z0-9._~+/-]{16,}={0,2})((?![A-Za-z0-9._~+/=-]))/g,
    (value) => hasDigit(value) && hasLetter(value),
  ),
  ...ASSIGNMENT_KEYS.map(([kind, key]) => assignment(kind, key)),
];

/**
 * Any character that starts a secret some rule can find: texts without one (most messages)
 * are returned after a single scan.
 */
const PREFILTER =
  /PRIVATE KEY|:\/\/|AKIA|ASIA|secret|gh[pousr]_|github_pat_|gl[a-z]{1,3}-|sk-|xox|npm_|eyJ|Bearer|Basic|passw|passphrase|api[_-]?key|access[_-]?key|token/i;

/**
 * Replaces every secret in `text` by `[REDACTED:<kind>]` (for assignments and URLs only the
 * secret part: `password=[REDACTED:password]`, `postgres://[REDACTED:connection_string]@db`).
 * Idempotent: a redacted text is returned unchanged, with no findings.
 */
export function redactSecrets(text: string): RedactionResult {
  if (!PREFILTER.test(text)) return { text, findings: [] };
  const counts = new Map<SecretKind, number>();
  let out = text;
  for (const rule of RULES) {
    if (rule.quick && !rule.quick.test(out)) continue;
    rule.pattern.lastIndex = 0;
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      const groups = rest.slice(0, -2).map((g) => (typeof g === 'string' ? g : ''));
      const replacement = rule.replace(match, groups);
      if (replacement === undefined) return match;
      counts.set(rule.kind, (counts.get(rule.kind) ?? 0) + 1);
      return replacement;
    });
  }
  if (counts.size === 0) return { text, findings: [] };
  return { text: out, findings: [...counts].map(([kind, count]) => ({ kind, count })) };
}

/**
 * Redacts every string in a JSON-like value (plain objects and arrays, walked to any depth);
 * returns a copy where something changed and the value itself where nothing did.
 */
export function redactDeep<T>(value: T): { value: T; findings: RedactionFinding[] } {
  const counts = new Map<SecretKind, number>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const result = redactSecrets(v);
      for (const { kind, count } of result.findings)
        counts.set(kind, (counts.get(kind) ?? 0) + count);
      return result.text;
    }
    if (Array.isArray(v)) {
      let changed = false;
      const items = v.map((item) => {
        const next = walk(item);
        changed ||= next !== item;
        return next;
      });
      return changed ? items : v;
    }
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      let changed = false;
      const entries = Object.entries(v).map(([k, item]) => {
        const next = walk(item);
        changed ||= next !== item;
        return [k, next] as const;
      });
      return changed ? Object.fromEntries(entries) : v;
    }
    return v;
  };
  const redacted = walk(value) as T;
  return { value: redacted, findings: [...counts].map(([kind, count]) => ({ kind, count })) };
}

/** Adds findings together, by kind. */
export function mergeFindings(...lists: RedactionFinding[][]): RedactionFinding[] {
  const counts = new Map<SecretKind, number>();
  for (const list of lists)
    for (const { kind, count } of list) counts.set(kind, (counts.get(kind) ?? 0) + count);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}
