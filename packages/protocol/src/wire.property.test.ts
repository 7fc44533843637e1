import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DropReason, ProtocolError } from './errors.js';
import {
  COORDINATION_MESSAGE_TYPES,
  type Envelope,
  type Message,
  type Participant,
  type PlanSections,
  type TaskContext,
  type TaskDependency,
} from './model.js';
import { formatRfc3339, parseRfc3339 } from './time.js';
import {
  decodeEnvelope,
  decodeEnvelopeValue,
  encodeEnvelope,
  envelopeToJson,
  parseJson,
  parseMessage,
  parseTaskContext,
} from './wire.js';

const REASONS: readonly DropReason[] = [
  'too_large',
  'not_json',
  'forbidden_key',
  'invalid_envelope',
  'unknown_type',
  'invalid_message',
];

/** A parse result is either a value or a ProtocolError with a known reason — and never a throw. */
function assertWellFormed(result: { ok: boolean; error?: unknown }): void {
  if (result.ok) return;
  expect(result.error).toBeInstanceOf(ProtocolError);
  expect(REASONS).toContain((result.error as ProtocolError).reason);
  expect((result.error as ProtocolError).message.length).toBeGreaterThan(0);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries of domain values (within the limits the wire schemas set)

/** Times an RFC 3339 timestamp can hold: years 0000 to 9999. */
const MIN_MS = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');
const epochMs = fc.integer({ min: MIN_MS, max: MAX_MS });

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const id = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 24 })
  .filter((s) => !FORBIDDEN.has(s));
const taskId = fc.oneof(fc.maxSafeNat(), id);
const words = fc.array(anyText(20), { maxLength: 5 });

const taskContext: fc.Arbitrary<TaskContext> = fc.record(
  {
    taskId,
    projectId: taskId,
    repository: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    title: anyText(80),
    description: anyText(200),
    keywords: words,
    agentId: id,
    claimedAt: epochMs,
  },
  {
    requiredKeys: [
      'taskId',
      'projectId',
      'repository',
      'title',
      'description',
      'keywords',
      'agentId',
    ],
  },
);

const participant: fc.Arbitrary<Participant> = fc.record({
  agentId: id,
  peerId: anyText(40),
  repository: anyText(40),
  capabilities: words,
  lastSeen: epochMs,
  active: fc.boolean(),
});
const participants = fc.dictionary(id, participant, { maxKeys: 4, noNullPrototype: true });

const dependency: fc.Arbitrary<TaskDependency> = fc.record({
  task1: taskContext,
  task2: taskContext,
  relationship: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  reason: anyText(100),
  detectedAt: epochMs,
});

const sections: fc.Arbitrary<PlanSections> = fc.record({
  sequence: words,
  informationSharing: words,
  coordinationPoints: words,
  potentialConflicts: words,
  successCriteria: words,
});

const hops = fc.integer({ min: 0, max: 1_000_000 });
const revision = fc.integer({ min: 1, max: 1_000 });
const kind = fc.constantFrom(...COORDINATION_MESSAGE_TYPES);
const tasks = fc.array(taskContext, { maxLength: 3 });

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('task_claim' as const), task: taskContext }),
  fc.record({
    type: fc.constant('dependency_detected' as const),
    dependency,
    coordinationRequest: anyText(100),
    agentsInvolved: fc.array(id, { maxLength: 4 }),
    repositories: words,
    hopCount: hops,
    maxHops: hops,
  }),
  fc.record(
    {
      type: fc.constant('coordination_plan' as const),
      sessionId: id,
      plan: anyText(300),
      planRevision: revision,
      sections,
      tasksInvolved: tasks,
      participants,
      message: anyText(100),
    },
    {
      requiredKeys: [
        'type',
        'sessionId',
        'plan',
        'planRevision',
        'tasksInvolved',
        'participants',
        'message',
      ],
    },
  ),
  fc.record(
    {
      type: fc.constant('coordination_response' as const),
      sessionId: id,
      agentId: id,
      response: anyText(200),
      responseType: kind,
      planRevision: revision,
      timestamp: epochMs,
    },
    { requiredKeys: ['type', 'sessionId', 'agentId', 'response', 'timestamp'] },
  ),
  fc.record(
    {
      type: fc.constant('session_message' as const),
      sessionId: id,
      fromAgent: id,
      content: anyText(200),
      responseType: kind,
      planRevision: revision,
      timestamp: epochMs,
    },
    { requiredKeys: ['type', 'sessionId', 'fromAgent', 'content', 'timestamp'] },
  ),
  fc.record({
    type: fc.constant('escalation' as const),
    sessionId: id,
    escalationReason: anyText(100),
    sessionSummary: anyText(100),
    participants,
    tasksInvolved: tasks,
    requiresHuman: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('resolution' as const),
    sessionId: id,
    resolution: anyText(100),
    summary: anyText(100),
  }),
  fc.record({
    type: fc.constant('coordination_request' as const),
    sessionType: fc.constantFrom('planning' as const, 'conflict' as const),
    agentId: id,
    tasks: fc.array(taskContext, { minLength: 1, maxLength: 3 }),
    reason: anyText(100),
  }),
  fc.record({
    type: fc.constant('escalation_request' as const),
    sessionId: id,
    agentId: id,
    reason: anyText(100),
  }),
);

const envelope: fc.Arbitrary<Envelope> = fc.record({
  from: anyText(60),
  timestamp: epochMs,
  hopCount: hops,
  message,
});

const BIG = { maxBytes: 10 * 1024 * 1024 };

// ---------------------------------------------------------------------------------------------

describe('decoding never throws', () => {
  it('for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => {
        assertWellFormed(decodeEnvelope(raw));
        assertWellFormed(parseJson(raw));
      }),
      { numRuns: 1_000 },
    );
  });

  it('for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
        assertWellFormed(decodeEnvelope(raw));
      }),
      { numRuns: 1_000 },
    );
  });

  it('for arbitrary JSON values, as text and as values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assertWellFormed(decodeEnvelope(JSON.stringify(value)));
        assertWellFormed(decodeEnvelopeValue(value));
        assertWellFormed(parseTaskContext(value));
      }),
      { numRuns: 500 },
    );
  });

  it('for anything JSON.stringify can write', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        let raw: string | undefined;
        try {
          raw = JSON.stringify(value);
        } catch {
          return; // not representable as JSON (e.g. a BigInt): nothing to decode
        }
        if (raw === undefined) return;
        assertWellFormed(decodeEnvelope(raw));
        assertWellFormed(decodeEnvelope(new TextEncoder().encode(raw)));
      }),
      { numRuns: 500 },
    );
  });

  it('for envelopes of every type whose fields were replaced by arbitrary JSON', () => {
    const types = ['task_claim', 'meta_discussion', 'task_announcement', 'resolution'] as const;
    fc.assert(
      fc.property(
        envelope,
        fc.constantFrom(...types),
        fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
        fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
        (env, type, topPatch, dataPatch) => {
          const json = envelopeToJson(env);
          const patched = {
            ...json,
            type,
            ...topPatch,
            data: { ...(json.data as Record<string, unknown>), ...dataPatch },
          };
          const result = decodeEnvelope(JSON.stringify(patched), BIG);
          assertWellFormed(result);
          if (result.ok) {
            // whatever is accepted can be written again and reads back the same
            const again = decodeEnvelope(encodeEnvelope(result.value), BIG);
            expect(again).toEqual(result);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('for timestamps anywhere, in any zone, as text or unix seconds: accepted means re-encodable', () => {
    const zone = fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
        )
        .map(
          ([sign, h, m]) => `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
        ),
    );
    const goTime = fc
      .tuple(fc.integer({ min: MIN_MS - 86_400_000, max: MAX_MS + 86_400_000 }), zone)
      .map(
        ([ms, z]) =>
          `${new Date(ms)
            .toISOString()
            .slice(0, 23)
            .replace(/^[+-]0*(\d{4})/, '$1')}${z}`,
      );
    const unixSeconds = fc.oneof(
      fc.double({ min: 0, max: 1e16, noNaN: true }),
      fc.integer({ min: 253_402_300_000, max: 253_402_301_000 }),
    );
    fc.assert(
      fc.property(taskContext, fc.oneof(goTime, unixSeconds), (task, at) => {
        const env: Envelope = {
          from: 'p',
          timestamp: 0,
          hopCount: 0,
          message: { type: 'task_claim', task },
        };
        const json = envelopeToJson(env);
        for (const patched of [
          { ...json, timestamp: at },
          { ...json, data: { ...(json.data as Record<string, unknown>), claimed_at: at } },
        ]) {
          const result = decodeEnvelope(JSON.stringify(patched), BIG);
          assertWellFormed(result);
          if (result.ok) expect(decodeEnvelope(encodeEnvelope(result.value), BIG)).toEqual(result);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('for message data of any known type made of arbitrary JSON', () => {
    const types = ['task_claim', 'dependency_detected', 'coordination_plan', 'escalation', 'x'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.jsonValue(), (type, data) => {
        assertWellFormed(parseMessage(type, data));
      }),
      { numRuns: 500 },
    );
  });
});

describe('encode → decode round-trips', () => {
  it('for generated TaskContexts in a task_claim', () => {
    fc.assert(
      fc.property(taskContext, epochMs, (task, at) => {
        const env: Envelope = {
          from: 'peer',
          timestamp: at,
          hopCount: 0,
          message: { type: 'task_claim', task },
        };
        const result = decodeEnvelope(encodeEnvelope(env), BIG);
        expect(result).toEqual({ ok: true, value: env });
      }),
      { numRuns: 300 },
    );
  });

  it('for generated envelopes of every message type', () => {
    fc.assert(
      fc.property(envelope, (env) => {
        const result = decodeEnvelope(encodeEnvelope(env), BIG);
        expect(result).toEqual({ ok: true, value: env });
      }),
      { numRuns: 500 },
    );
  });
});

describe('RFC 3339', () => {
  it('parseRfc3339(formatRfc3339(ms)) === ms for every time from year 0000 to 9999', () => {
    fc.assert(
      fc.property(epochMs, (ms) => parseRfc3339(formatRfc3339(ms)) === ms),
      { numRuns: 2_000 },
    );
  });

  it('reads Go timestamps with any fraction digits and zone offset', () => {
    const MIN_2000 = Date.parse('2000-01-01T00:00:00Z');
    const MAX_2100 = Date.parse('2100-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_2000, max: MAX_2100 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (seconds, nanos, digits, offsetMinutes) => {
          const utcSecond = Math.floor(seconds / 1000) * 1000;
          // the wall clock in the zone, written with the offset
          const wall = new Date(utcSecond + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const fraction = String(nanos).padStart(9, '0').slice(0, digits);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const text = `${wall}.${fraction}${zone}`;
          const expected = utcSecond + Number(fraction.slice(0, 3).padEnd(3, '0'));
          expect(parseRfc3339(text)).toBe(expected);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('never throws and returns a time or undefined for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (text) => {
        const value = parseRfc3339(text);
        expect(value === undefined || Number.isInteger(value)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});
