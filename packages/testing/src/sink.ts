/**
 * Conformance suite for SLURP sinks. Every sink plugin runs it in its `compliance.test.ts`:
 *
 * ```ts
 * import { testSink } from '@chorale/testing/sink';
 * testSink(async () => {
 *   const path = join(await mkdtemp(join(tmpdir(), 'sink-')), 'slurp.jsonl');
 *   return { sink: jsonlSink({ path }), read: async () => readLines(path) };
 * });
 * ```
 *
 * `read()` returns what reached the destination so far, as the snake_case JSON objects of
 * `encodeSlurpEvent` (what CHORUS's SLURP integrator receives). `emit` must resolve only once
 * the event is durable, so `read()` right after it sees the event.
 */
import type { SlurpSink } from '@chorale/core';
import { encodeSlurpEvent, type SlurpEvent } from '@chorale/protocol';
import { afterEach, describe, expect, it } from 'vitest';

export interface SinkHarness {
  sink: SlurpSink;
  /** Everything the sink has delivered so far, in delivery order. */
  read(): Promise<unknown[]>;
}

export type SinkSetup = () => SinkHarness | Promise<SinkHarness>;

const T0 = Date.parse('2025-09-30T10:00:00Z');

/** A realistic decision record: the reference's resolved API_Contract session, numbered `n`. */
export function sampleSlurpEvent(n = 1, overrides: Partial<SlurpEvent> = {}): SlurpEvent {
  const sessionId = `dep_1_42_${1727690400 + n}`;
  return {
    discussionId: sessionId,
    sessionId,
    participants: ['agent-001', 'agent-002'],
    startTime: T0 + n * 60_000,
    endTime: T0 + n * 60_000 + 15 * 60_000,
    messages: [
      {
        messageId: `msg_${n}_1`,
        fromAgentId: 'meta_coordinator',
        fromPeerId: 'coordinator-peer',
        content:
          'COORDINATION PLAN:\n1. SEQUENCE:\n- Task 1 (API definition) must be completed first',
        messageType: 'proposal',
        timestamp: T0 + n * 60_000,
        planRevision: 1,
        metadata: {},
      },
      {
        messageId: `msg_${n}_2`,
        fromAgentId: 'agent-001',
        fromPeerId: 'peer-001',
        content: 'I agree with the proposed sequence. API spec will be ready by EOD.',
        messageType: 'agreement',
        timestamp: T0 + n * 60_000 + 5 * 60_000,
        planRevision: 1,
        metadata: {},
      },
    ],
    consensusReached: true,
    consensusStrength: 0.9,
    outcomeType: 'resolved',
    projectPath: 'backend-api',
    relatedTasks: ['1:42', '2:43'],
    metadata: {
      sessionType: 'dependency',
      sessionStatus: 'resolved',
      resolution: 'Consensus reached among participants',
      escalationReason: '',
      messageCount: 2,
      participantCount: 2,
    },
    ...overrides,
  };
}

/** Registers the sink conformance tests. */
export function testSink(setup: SinkSetup): void {
  describe('SLURP sink conformance', () => {
    let harness: SinkHarness | undefined;
    const get = async (): Promise<SinkHarness> => {
      harness = await setup();
      return harness;
    };
    afterEach(async () => {
      await harness?.sink.close();
      harness = undefined;
    });

    it('declares specificationVersion v1 and a name', async () => {
      const { sink } = await get();
      expect(sink.specificationVersion).toBe('v1');
      expect(typeof sink.name).toBe('string');
      expect(sink.name.length).toBeGreaterThan(0);
    });

    it('delivers N events in order, each durable once emit resolves', async () => {
      const { sink, read } = await get();
      const events = [1, 2, 3, 4, 5].map((n) => sampleSlurpEvent(n));
      for (const [i, event] of events.entries()) {
        await sink.emit(event);
        expect(await read(), `after emit #${i + 1}`).toHaveLength(i + 1);
      }
      const delivered = await read();
      expect(delivered.map(sessionIdOf)).toEqual(events.map((e) => e.sessionId));
    });

    it('delivers the snake_case JSON of encodeSlurpEvent', async () => {
      const { sink, read } = await get();
      const event = sampleSlurpEvent(1);
      await sink.emit(event);
      const [delivered] = await read();
      expect(delivered).toEqual(encodeSlurpEvent(event));
    });

    it('keeps content with newlines, quotes and non-ASCII text intact', async () => {
      const { sink, read } = await get();
      const base = sampleSlurpEvent(7);
      const event = sampleSlurpEvent(7, {
        messages: [
          {
            ...base.messages[1]!,
            content: 'line 1\nline 2\r\n"quoted" \\ tab\t ünïcødé 🎵 \u2028end',
          },
        ],
      });
      await sink.emit(event);
      await sink.emit(sampleSlurpEvent(8));
      const delivered = await read();
      expect(delivered).toHaveLength(2);
      expect(delivered[0]).toEqual(encodeSlurpEvent(event));
    });

    it('delivers every one of many concurrent emits exactly once', async () => {
      const { sink, read } = await get();
      const events = Array.from({ length: 25 }, (_, i) => sampleSlurpEvent(100 + i));
      await Promise.all(events.map((e) => sink.emit(e)));
      const delivered = await read();
      expect(delivered).toHaveLength(events.length);
      expect(new Set(delivered.map(sessionIdOf))).toEqual(new Set(events.map((e) => e.sessionId)));
    });

    it('close is idempotent and emit after close rejects', async () => {
      const { sink, read } = await get();
      await sink.emit(sampleSlurpEvent(1));
      await sink.close();
      await sink.close();
      await expect(sink.emit(sampleSlurpEvent(2))).rejects.toThrow();
      expect(await read()).toHaveLength(1);
    });

    it('finishes the emits already started when closed', async () => {
      const { sink, read } = await get();
      const pending = [1, 2, 3].map((n) => sink.emit(sampleSlurpEvent(n)));
      await sink.close();
      await Promise.all(pending);
      expect(await read()).toHaveLength(3);
    });
  });
}

function sessionIdOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>).session_id
    : undefined;
}
