// Microseconds per text of redactSecrets on typical messages (run after `pnpm run build`):
//   node bench/redaction.mjs
import { redactSecrets } from '../dist/index.js';

const typical = [
  // A task description, a plan paragraph, a reply: what most published text looks like.
  'Implement the OAuth2 token refresh flow in the API client; the password reset endpoint moves to /v2/auth/reset. See org/backend-api#142 and commit 3f786850e387550fdab836ed7e6dc881de23001b.',
  'COORDINATION PLAN:\n1. SEQUENCE: backend-api#42 (Define user authentication API) first, then frontend-app#43.\n2. INFORMATION SHARING: publish the OpenAPI spec (v1.4.0) before the client work starts.\n3. COORDINATION POINTS: agree on the error format and the session cookie name.\n4. POTENTIAL CONFLICTS: both tasks touch the auth middleware.\n5. SUCCESS CRITERIA: the client passes the contract tests against the spec.',
  'I agree with the proposed sequence. The API spec will be ready by EOD; token expiry stays at 15 minutes.',
];
const withSecrets = [
  'Deploy with AKIAIOSFODNN7EXAMPLE and GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345; DATABASE_URL=postgres://app:pa55word@db:5432/app',
];

function bench(label, texts, rounds) {
  for (let i = 0; i < 2_000; i++) redactSecrets(texts[i % texts.length]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) redactSecrets(texts[i % texts.length]);
  const us = Number(process.hrtime.bigint() - start) / 1_000 / rounds;
  const chars = texts.reduce((n, t) => n + t.length, 0) / texts.length;
  console.log(`${label}: ${us.toFixed(2)} µs per text (${Math.round(chars)} chars on average)`);
}

bench('typical messages (no secret)', typical, 200_000);
bench('message with 4 secrets', withSecrets, 100_000);

// Hostile input near the largest message (64 KiB): every pattern stays linear.
for (const [label, text] of [
  ['64 KiB of "a-a-a-" after "token"', `token ${'a-'.repeat(32_000)}`],
  ['64 KiB of "a.a.a." after "password"', `password ${'a.'.repeat(32_000)}`],
  ['64 KiB of almost-JWT segments', 'eyJaaaaaaaaaa.aaaaaaaaaaaaa.'.repeat(2_300)],
]) {
  const start = process.hrtime.bigint();
  redactSecrets(text);
  console.log(`${label}: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms`);
}
