import type { Clock, CoordinationSession, MetaCoordinator, Transport } from '@chorale/core';
import type { CoordinationMessage, PlanProvenance } from '@chorale/protocol';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { provenanceOf } from './encode.js';

/** What the metrics read from a node. */
export interface MetricsSource {
  coordinator: MetaCoordinator;
  transport: Transport;
  detector: { knownTasks(): readonly unknown[] };
  sinks: readonly { name: string }[];
}

/** A failure or success of some part, with when it happened (readiness looks at recent ones). */
export interface Incident {
  at: number;
  detail: string;
}

const FINISHED = ['resolved', 'escalated', 'closed'] as const;

/**
 * The node's Prometheus metrics, in a registry of its own (never prom-client's global one), fed by
 * the coordinator's events and read from the node at scrape time. It also remembers the latest
 * planner and sink failures for the readiness checks.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  /** The last plan with failed planners before it, and the last clean plan. */
  lastPlannerFailure: Incident | undefined;
  lastCleanPlan: Incident | undefined;
  lastSinkFailure: Incident | undefined;
  lastSinkDelivery: Incident | undefined;
  lastStoreFailure: Incident | undefined;
  /** Sessions escalated because no planner produced a plan. */
  lastNoPlan: Incident | undefined;

  readonly #source: MetricsSource;
  readonly #clock: Clock;
  readonly #finished: Record<(typeof FINISHED)[number], number> = {
    resolved: 0,
    escalated: 0,
    closed: 0,
  };
  readonly #dropsSeen = new Map<string, number>();
  readonly #pendingSinkFailures = new Set<string>();
  readonly #listeners: [string, (...args: never[]) => void][] = [];
  readonly #sseClients: Gauge;

  constructor(source: MetricsSource, options: { clock: Clock; version: string }) {
    this.#source = source;
    this.#clock = options.clock;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'chorale_' });
    // Gauges named like counters, which promtool refuses; the same counts by type remain
    // (chorale_nodejs_active_handles{type} and the like).
    for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
      this.registry.removeSingleMetric(`chorale_nodejs_${name}`);

    new Gauge({
      name: 'chorale_info',
      help: 'Always 1; the labels say which node and version this is',
      labelNames: ['version', 'peer_id'],
      registers,
      collect() {
        this.reset();
        this.set({ version: options.version, peer_id: source.transport.peerId }, 1);
      },
    });
    const finished = this.#finished;
    new Gauge({
      name: 'chorale_sessions',
      help: 'Coordination sessions known to this node, by status (active: the active set; others: since the node started plus the history in the store at start)',
      labelNames: ['status'],
      registers,
      collect() {
        const active = source.coordinator
          .getActiveSessions()
          .filter((s) => s.status === 'active').length;
        this.set({ status: 'active' }, active);
        for (const status of FINISHED) this.set({ status }, finished[status]);
      },
    });
    const opened = new Counter({
      name: 'chorale_sessions_opened_total',
      help: 'Coordination sessions opened on this node',
      labelNames: ['type'],
      registers,
    });
    const messages = new Counter({
      name: 'chorale_messages_total',
      help: 'Session messages recorded, by type (plans and counter-proposals are proposals)',
      labelNames: ['type'],
      registers,
    });
    const dependencies = new Counter({
      name: 'chorale_dependencies_total',
      help: 'Cross-repository dependencies detected, by relationship (rule)',
      labelNames: ['relationship'],
      registers,
    });
    const plans = new Counter({
      name: 'chorale_plans_total',
      help: 'Coordination plans adopted, by the planner that wrote them',
      labelNames: ['planner'],
      registers,
    });
    const plannerLatency = new Histogram({
      name: 'chorale_planner_latency_seconds',
      help: 'How long the planner that produced a plan took',
      labelNames: ['planner'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
      registers,
    });
    const plannerFailures = new Counter({
      name: 'chorale_planner_failures_total',
      help: 'Planners that gave no plan before another one did (error, deadline, unusable output, budget), by planner',
      labelNames: ['planner'],
      registers,
    });
    const slurpEvents = new Counter({
      name: 'chorale_slurp_events_total',
      help: 'SLURP decision records produced (one per finished session)',
      registers,
    });
    const sinkDeliveries = new Counter({
      name: 'chorale_slurp_sink_deliveries_total',
      help: 'SLURP events a sink accepted, by sink',
      labelNames: ['sink'],
      registers,
    });
    const sinkFailures = new Counter({
      name: 'chorale_slurp_sink_failures_total',
      help: 'SLURP events a sink failed to write, by sink',
      labelNames: ['sink'],
      registers,
    });
    new Gauge({
      name: 'chorale_transport_peers',
      help: 'Peers the transport is connected to',
      registers,
      collect() {
        this.set(source.transport.peers().length);
      },
    });
    const seen = this.#dropsSeen;
    new Counter({
      name: 'chorale_dropped_messages_total',
      help: 'Messages dropped, by where (transport: invalid or refused on arrival; coordinator: valid but unusable) and why',
      labelNames: ['source', 'reason'],
      registers,
      collect() {
        const counts: [string, Partial<Record<string, number>>][] = [
          ['transport', source.transport.drops()],
          ['coordinator', source.coordinator.drops()],
        ];
        for (const [where, drops] of counts) {
          for (const [reason, count = 0] of Object.entries(drops)) {
            const key = `${where}\u0000${reason}`;
            const delta = count - (seen.get(key) ?? 0);
            if (delta > 0) this.inc({ source: where, reason }, delta);
            seen.set(key, count);
          }
        }
      },
    });
    const detectorLatency = new Histogram({
      name: 'chorale_detector_duration_seconds',
      help: 'How long the dependency detector took for one claim',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    });
    new Gauge({
      name: 'chorale_known_tasks',
      help: 'Claimed tasks the detector knows',
      registers,
      collect() {
        this.set(source.detector.knownTasks().length);
      },
    });
    const redacted = new Map<string, number>();
    new Counter({
      name: 'chorale_redactions_total',
      help: 'Secrets redacted before text reached a planner, a plan, the mesh or a sink, by kind of secret',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const [kind, count = 0] of Object.entries(source.coordinator.redactions())) {
          const delta = count - (redacted.get(kind) ?? 0);
          if (delta > 0) this.inc({ kind }, delta);
          redacted.set(kind, count);
        }
      },
    });
    this.#sseClients = new Gauge({
      name: 'chorale_http_event_streams',
      help: 'Clients connected to /api/events',
      registers,
    });

    const now = () => this.#clock.now();
    this.#on('session_opened', (session: CoordinationSession) =>
      opened.inc({ type: session.type }),
    );
    this.#on('dependency_detected', (dependency: { relationship: string }) =>
      dependencies.inc({ relationship: dependency.relationship }),
    );
    this.#on(
      'coordination_plan',
      (session: CoordinationSession, plan: CoordinationMessage, given?: PlanProvenance) => {
        messages.inc({ type: plan.messageType });
        const record = session.plans?.find((p) => p.messageId === plan.messageId);
        const provenance = given ?? provenanceOf(record, plan);
        const planner =
          provenance?.planner ??
          record?.planner ??
          (typeof plan.metadata.planner === 'string' ? plan.metadata.planner : undefined);
        if (planner) plans.inc({ planner });
        if (!provenance) return;
        if (provenance.latencyMs !== undefined && !provenance.cached)
          plannerLatency.observe({ planner: provenance.planner }, provenance.latencyMs / 1000);
        for (const failure of provenance.failures)
          plannerFailures.inc({ planner: failure.planner });
        const incident = {
          at: now(),
          detail: provenance.failures.map((f) => `${f.planner}: ${f.error}`).join('; '),
        };
        if (provenance.failures.length > 0) this.lastPlannerFailure = incident;
        else this.lastCleanPlan = incident;
      },
    );
    this.#on('message', (_session: CoordinationSession, message: CoordinationMessage) =>
      messages.inc({ type: message.messageType }),
    );
    for (const outcome of ['resolution', 'escalation', 'closed'] as const) {
      const status = { resolution: 'resolved', escalation: 'escalated', closed: 'closed' } as const;
      this.#on(outcome, (_session: CoordinationSession, reason: string) => {
        finished[status[outcome]]++;
        if (
          outcome === 'escalation' &&
          reason.startsWith('No coordination plan could be generated')
        )
          this.lastNoPlan = { at: now(), detail: reason };
      });
    }
    this.#on('drop', (reason: string, detail: string) => {
      if (reason === 'sink_failed') {
        const sink = source.sinks.find((s) => detail.startsWith(`${s.name}: `))?.name ?? 'unknown';
        this.#pendingSinkFailures.add(sink);
        sinkFailures.inc({ sink });
        this.lastSinkFailure = { at: now(), detail };
      } else if (reason === 'store_failed') {
        this.lastStoreFailure = { at: now(), detail };
      }
    });
    // The coordinator reports a sink's failure (drop) before the event that says the SLURP event was written.
    this.#on('slurp', () => {
      slurpEvents.inc();
      for (const sink of source.sinks) {
        if (this.#pendingSinkFailures.has(sink.name)) continue;
        sinkDeliveries.inc({ sink: sink.name });
        this.lastSinkDelivery = { at: now(), detail: sink.name };
      }
      this.#pendingSinkFailures.clear();
    });
    this.#on('detector_run', (ms: number) => detectorLatency.observe(ms / 1000));
  }

  /** Counts the sessions the store already holds, so the status gauge covers history too. */
  async loadHistory(): Promise<void> {
    for (const session of await this.#source.coordinator.listSessions()) {
      if (session.status !== 'active') this.#finished[session.status]++;
    }
  }

  eventStreamOpened(): void {
    this.#sseClients.inc();
  }

  eventStreamClosed(): void {
    this.#sseClients.dec();
  }

  /** The text exposition format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Stops listening to the coordinator. */
  close(): void {
    for (const [name, listener] of this.#listeners)
      this.#source.coordinator.off(name as 'drop', listener as never);
    this.#listeners.length = 0;
    this.registry.clear();
  }

  #on(name: string, listener: (...args: never[]) => void): void {
    this.#source.coordinator.on(name as 'drop', listener as never);
    this.#listeners.push([name, listener]);
  }
}
