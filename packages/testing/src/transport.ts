/**
 * The conformance suite every Chorale `Transport` must pass.
 *
 * `testTransport(setup)` registers vitest tests. `setup.create()` returns two started-or-not
 * transports on the same network (`a` and `b`), optionally an `inject` function that puts raw
 * bytes on a topic as if a third peer had published them, and a `teardown`. The suite never
 * sleeps: it waits on promises resolved by handlers, bounded by vitest timeouts. Because a
 * real network needs a moment to learn who subscribes to what, a probe is published again at
 * a short interval until it arrives (as a gossip peer would retry); only the first arrival
 * counts.
 */
import type { DropCounts, EnvelopeHandler, MessageMeta, Transport } from '@chorale/core';
import type { Envelope, Message } from '@chorale/protocol';
import { afterEach, describe, expect, it } from 'vitest';

export interface TransportPair {
  a: Transport;
  b: Transport;
  /** Delivers raw bytes on `topic` to `b` as if another peer had published them. */
  inject?(topic: string, raw: Uint8Array | string): Promise<void> | void;
  teardown(): Promise<void>;
}

export interface TransportSuiteSetup {
  /** Human-readable name of the implementation, used in the describe block. */
  name?: string;
  create(): Promise<TransportPair>;
  /** Per-test timeout in ms (default 15 000). Real networks need a few seconds to form. */
  timeoutMs?: number;
  /** Interval between re-publications of a probe until it arrives (default 25 ms). */
  retryMs?: number;
}

const TOPIC_A = 'chorale-test/coordination/v1';
const TOPIC_B = 'chorale-test/meta-discussion/v1';

let counter = 0;
/** A unique marker so a test recognises its own messages. */
function marker(): string {
  counter += 1;
  return `m${Date.now().toString(36)}${counter}`;
}

/** A task_claim envelope whose title carries `mark`. */
export function taskClaimEnvelope(mark: string, from = 'peer-test'): Envelope {
  return {
    from,
    timestamp: Date.parse('2025-07-17T10:00:00.123Z'),
    hopCount: 0,
    message: {
      type: 'task_claim',
      task: {
        taskId: 42,
        projectId: 7,
        repository: 'acme/api',
        title: `Define user authentication API ${mark}`,
        description: 'REST endpoints for login and token refresh',
        keywords: ['api', 'auth'],
        agentId: `agent-${mark}`,
        claimedAt: Date.parse('2025-07-17T09:59:00.000Z'),
      },
    },
  };
}

/** An HMMM coordination_response envelope whose session id carries `mark`. */
export function hmmmResponseEnvelope(mark: string, from = 'peer-test'): Envelope {
  return {
    from,
    timestamp: Date.parse('2025-07-17T10:01:00.500Z'),
    hopCount: 1,
    message: {
      type: 'coordination_response',
      sessionId: `session-${mark}`,
      agentId: `agent-${mark}`,
      response: 'I agree with the plan: the API lands first.',
      responseType: 'agreement',
      planRevision: 1,
      timestamp: Date.parse('2025-07-17T10:01:00.000Z'),
    },
  };
}

/** The marker an envelope built by this suite carries, or undefined. */
function markOf(envelope: Envelope): string | undefined {
  const m: Message = envelope.message;
  if (m.type === 'task_claim') return /\s(m[0-9a-z]+)$/.exec(m.task.title)?.[1];
  if (m.type === 'coordination_response') return m.sessionId.replace(/^session-/, '');
  return undefined;
}

interface Received {
  envelope: Envelope;
  meta: MessageMeta;
}

/** Records what a handler receives and lets a test wait for a given marker. */
class Recorder {
  readonly received: Received[] = [];
  #waiters: Array<{ mark: string; resolve: (r: Received) => void }> = [];

  readonly handler: EnvelopeHandler = (envelope, meta) => {
    const entry = { envelope, meta };
    this.received.push(entry);
    const mark = markOf(envelope);
    this.#waiters = this.#waiters.filter((w) => {
      if (w.mark !== mark) return true;
      w.resolve(entry);
      return false;
    });
  };

  marks(): Array<string | undefined> {
    return this.received.map((r) => markOf(r.envelope));
  }

  has(mark: string): boolean {
    return this.marks().includes(mark);
  }

  waitFor(mark: string): Promise<Received> {
    const found = this.received.find((r) => markOf(r.envelope) === mark);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ mark, resolve }));
  }
}

/**
 * Publishes `envelope` from `from` on `topic` until `recorder` has it (the first publication
 * usually suffices once the network knows the subscription). Resolves with what arrived.
 */
async function deliver(
  from: Transport,
  topic: string,
  envelope: Envelope,
  recorder: Recorder,
  retryMs: number,
): Promise<Received> {
  const mark = markOf(envelope);
  if (mark === undefined) throw new Error('deliver() needs an envelope built by the suite');
  const arrived = recorder.waitFor(mark);
  let done = false;
  const pump = async () => {
    while (!done) {
      await from.publish(topic, envelope);
      await Promise.race([arrived, new Promise((r) => setTimeout(r, retryMs))]);
    }
  };
  const pumping = pump();
  const result = await arrived;
  done = true;
  await pumping;
  return result;
}

/** Resolves once `predicate()` holds, checking on every macrotask turn (bounded by the test timeout). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 5));
}

function total(drops: DropCounts): number {
  return Object.values(drops).reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

/** Registers the transport conformance tests. */
export function testTransport(setup: TransportSuiteSetup): void {
  const timeout = setup.timeoutMs ?? 15_000;
  const retryMs = setup.retryMs ?? 25;

  describe(`Transport conformance${setup.name ? `: ${setup.name}` : ''}`, () => {
    let pair: TransportPair | undefined;

    async function started(): Promise<TransportPair> {
      pair = await setup.create();
      await pair.a.start();
      await pair.b.start();
      return pair;
    }

    afterEach(async () => {
      const p = pair;
      pair = undefined;
      if (p) await p.teardown();
    }, timeout);

    it('declares a specification version and a name', async () => {
      const { a } = await started();
      expect(a.specificationVersion).toBe('v1');
      expect(typeof a.name).toBe('string');
      expect(a.name.length).toBeGreaterThan(0);
    });

    it('start and stop are idempotent; the peer id is set after start', { timeout }, async () => {
      pair = await setup.create();
      const { a, b } = pair;
      await a.start();
      await a.start();
      await b.start();
      expect(a.peerId.length).toBeGreaterThan(0);
      expect(b.peerId.length).toBeGreaterThan(0);
      expect(a.peerId).not.toBe(b.peerId);
      await a.stop();
      await a.stop();
      await b.stop();
      await b.stop();
    });

    it('delivers a task_claim from A to B, decoded and equal, with the sender peer id', {
      timeout,
    }, async () => {
      const { a, b } = await started();
      const rec = new Recorder();
      b.subscribe(TOPIC_A, rec.handler);
      const envelope = taskClaimEnvelope(marker(), a.peerId);
      const got = await deliver(a, TOPIC_A, envelope, rec, retryMs);
      expect(got.envelope).toEqual(envelope);
      expect(got.meta).toEqual({ peerId: a.peerId, topic: TOPIC_A });
      expect(a.peers()).toContain(b.peerId);
      expect(b.peers()).toContain(a.peerId);
    });

    it('a handler subscribed before start() receives messages once started', {
      timeout,
    }, async () => {
      pair = await setup.create();
      const { a, b } = pair;
      const atA = new Recorder();
      const atB = new Recorder();
      a.subscribe(TOPIC_A, atA.handler);
      b.subscribe(TOPIC_A, atB.handler);
      await b.start();
      await a.start();
      const toB = taskClaimEnvelope(marker(), a.peerId);
      expect((await deliver(a, TOPIC_A, toB, atB, retryMs)).envelope).toEqual(toB);
      const toA = taskClaimEnvelope(marker(), b.peerId);
      expect((await deliver(b, TOPIC_A, toA, atA, retryMs)).envelope).toEqual(toA);
    });

    it('delivers an HMMM message from B to A, decoded and equal', { timeout }, async () => {
      const { a, b } = await started();
      const rec = new Recorder();
      a.subscribe(TOPIC_B, rec.handler);
      const envelope = hmmmResponseEnvelope(marker(), b.peerId);
      const got = await deliver(b, TOPIC_B, envelope, rec, retryMs);
      expect(got.envelope).toEqual(envelope);
      expect(got.meta.peerId).toBe(b.peerId);
    });

    it('never hands a node its own publications', { timeout }, async () => {
      const { a, b } = await started();
      const atA = new Recorder();
      const atB = new Recorder();
      a.subscribe(TOPIC_A, atA.handler);
      b.subscribe(TOPIC_A, atB.handler);
      const mine = taskClaimEnvelope(marker());
      await deliver(a, TOPIC_A, mine, atB, retryMs);
      // B answers; once A has B's message, anything A would echo to itself has had its chance.
      const theirs = taskClaimEnvelope(marker());
      await deliver(b, TOPIC_A, theirs, atA, retryMs);
      expect(atA.has(markOf(mine) as string)).toBe(false);
      expect(atB.has(markOf(theirs) as string)).toBe(false);
    });

    it('stops calling a handler once it is unsubscribed', { timeout }, async () => {
      const { a, b } = await started();
      const kept = new Recorder();
      const removed = new Recorder();
      b.subscribe(TOPIC_A, kept.handler);
      const unsubscribe = b.subscribe(TOPIC_A, removed.handler);
      const first = taskClaimEnvelope(marker());
      await deliver(a, TOPIC_A, first, kept, retryMs);
      await removed.waitFor(markOf(first) as string);
      unsubscribe();
      unsubscribe(); // twice is harmless
      const second = taskClaimEnvelope(marker());
      await deliver(a, TOPIC_A, second, kept, retryMs);
      expect(removed.has(markOf(second) as string)).toBe(false);
      expect(removed.marks().every((m) => m === markOf(first))).toBe(true);
    });

    it('keeps topics independent', { timeout }, async () => {
      const { a, b } = await started();
      const onA = new Recorder();
      const onB = new Recorder();
      b.subscribe(TOPIC_A, onA.handler);
      b.subscribe(TOPIC_B, onB.handler);
      const forB = hmmmResponseEnvelope(marker());
      const got = await deliver(a, TOPIC_B, forB, onB, retryMs);
      expect(got.meta.topic).toBe(TOPIC_B);
      const forA = taskClaimEnvelope(marker());
      await deliver(a, TOPIC_A, forA, onA, retryMs);
      expect(onA.has(markOf(forB) as string)).toBe(false);
      expect(onB.has(markOf(forA) as string)).toBe(false);
    });

    it('a throwing handler does not stop delivery to the others', { timeout }, async () => {
      const { a, b } = await started();
      let thrown = 0;
      b.subscribe(TOPIC_A, () => {
        thrown += 1;
        throw new Error('handler failure (expected by the test)');
      });
      const rec = new Recorder();
      b.subscribe(TOPIC_A, rec.handler);
      await deliver(a, TOPIC_A, taskClaimEnvelope(marker()), rec, retryMs);
      await deliver(a, TOPIC_A, taskClaimEnvelope(marker()), rec, retryMs);
      expect(thrown).toBeGreaterThanOrEqual(2);
      expect(rec.received.length).toBeGreaterThanOrEqual(2);
    });

    it('publishing with nobody subscribed does not throw', { timeout }, async () => {
      const { a } = await started();
      await expect(
        a.publish('chorale-test/nobody/v1', taskClaimEnvelope(marker())),
      ).resolves.toBeUndefined();
    });

    describe('bad input', () => {
      const cases: Array<{ reason: string; raw: () => Uint8Array | string }> = [
        { reason: 'not_json', raw: () => 'this is not JSON {' },
        { reason: 'not_json', raw: () => new Uint8Array([0xff, 0xfe, 0x00, 0x81]) },
        { reason: 'invalid_envelope', raw: () => JSON.stringify({ hello: 'world' }) },
        {
          reason: 'unknown_type',
          raw: () =>
            JSON.stringify({
              type: 'no_such_type',
              from: 'x',
              timestamp: '2025-07-17T10:00:00Z',
              data: {},
            }),
        },
        {
          reason: 'invalid_message',
          raw: () =>
            JSON.stringify({
              type: 'task_claim',
              from: 'x',
              timestamp: '2025-07-17T10:00:00Z',
              data: { task_id: 1 },
            }),
        },
        {
          reason: 'forbidden_key',
          raw: () => '{"type":"task_claim","__proto__":{"polluted":true}}',
        },
        { reason: 'too_large', raw: () => `"${'x'.repeat(70 * 1024)}"` },
      ];

      for (const c of cases) {
        it(`drops ${c.reason} input, counts it, and keeps delivering`, { timeout }, async (ctx) => {
          pair = await setup.create();
          if (!pair.inject) {
            ctx.skip();
            return;
          }
          const { a, b } = pair;
          await a.start();
          await b.start();
          const rec = new Recorder();
          b.subscribe(TOPIC_A, rec.handler);
          // The network is known to carry A → B before the bad bytes go out.
          await deliver(a, TOPIC_A, taskClaimEnvelope(marker()), rec, retryMs);
          const before = b.drops()[c.reason] ?? 0;
          const receivedBefore = rec.received.length;
          await pair.inject(TOPIC_A, c.raw());
          await until(() => (b.drops()[c.reason] ?? 0) > before);
          expect(rec.received).toHaveLength(receivedBefore);
          expect(total(b.drops())).toBeGreaterThan(0);
          const after = taskClaimEnvelope(marker());
          const got = await deliver(a, TOPIC_A, after, rec, retryMs);
          expect(got.envelope).toEqual(after);
        });
      }
    });
  });
}
