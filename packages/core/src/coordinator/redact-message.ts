import type {
  DependencyEvidence,
  Message,
  PlanProvenance,
  PlanSections,
  SlurpEvent,
  TaskContext,
  TaskDependency,
} from '@chorale/protocol';
import type { PlanRequest } from '../contracts/planner.js';
import {
  mergeFindings,
  type RedactionFinding,
  redactDeep,
  redactSecrets,
} from '../redaction/redact.js';

/**
 * Redacts the free text of the values the coordinator hands on (task titles, descriptions and
 * keywords, reasons, plans, replies, summaries); ids, names and numbers stay as they are, so
 * sessions and votes still line up on every node.
 */
class Scrubber {
  readonly #found: RedactionFinding[][] = [];

  get findings(): RedactionFinding[] {
    return mergeFindings(...this.#found);
  }

  text(value: string): string {
    const result = redactSecrets(value);
    if (result.findings.length > 0) this.#found.push(result.findings);
    return result.text;
  }

  deep<T>(value: T): T {
    const result = redactDeep(value);
    if (result.findings.length > 0) this.#found.push(result.findings);
    return result.value;
  }

  task(task: TaskContext): TaskContext {
    return {
      ...task,
      title: this.text(task.title),
      description: this.text(task.description),
      keywords: task.keywords.map((k) => this.text(k)),
    };
  }

  tasks(tasks: TaskContext[]): TaskContext[] {
    return tasks.map((t) => this.task(t));
  }

  dependency(dependency: TaskDependency): TaskDependency {
    return {
      ...dependency,
      task1: this.task(dependency.task1),
      task2: this.task(dependency.task2),
      reason: this.text(dependency.reason),
      ...(dependency.evidence
        ? { evidence: this.deep<DependencyEvidence>(dependency.evidence) }
        : {}),
    };
  }

  sections(sections: PlanSections | undefined): PlanSections | undefined {
    return sections && this.deep(sections);
  }

  provenance(provenance: PlanProvenance | undefined): PlanProvenance | undefined {
    return (
      provenance && {
        ...provenance,
        failures: provenance.failures.map((f) => ({ ...f, error: this.text(f.error) })),
      }
    );
  }
}

export interface Redacted<T> {
  value: T;
  findings: RedactionFinding[];
}

/** A plan request as a planner may see it: the tasks' text, the reason and the evidence redacted. */
export function redactPlanRequest(request: PlanRequest): Redacted<PlanRequest> {
  const s = new Scrubber();
  const value: PlanRequest = {
    ...request,
    ...(request.dependency ? { dependency: s.dependency(request.dependency) } : {}),
    tasks: s.tasks(request.tasks),
    reason: s.text(request.reason),
  };
  return { value, findings: s.findings };
}

/** What a planner returned, before it is recorded: its text, sections and failure reasons. */
export function redactPlan(plan: {
  text: string;
  sections: PlanSections | undefined;
  provenance: PlanProvenance | undefined;
}): Redacted<typeof plan> {
  const s = new Scrubber();
  const value = {
    text: s.text(plan.text),
    sections: s.sections(plan.sections),
    provenance: s.provenance(plan.provenance),
  };
  return { value, findings: s.findings };
}

/** A message before it is published: every free-text field. */
export function redactMessage(message: Message): Redacted<Message> {
  const s = new Scrubber();
  const value = ((): Message => {
    switch (message.type) {
      case 'task_claim':
        return { ...message, task: s.task(message.task) };
      case 'dependency_detected':
        return {
          ...message,
          dependency: s.dependency(message.dependency),
          coordinationRequest: s.text(message.coordinationRequest),
        };
      case 'coordination_plan': {
        const sections = s.sections(message.sections);
        const provenance = s.provenance(message.provenance);
        return {
          ...message,
          plan: s.text(message.plan),
          ...(sections ? { sections } : {}),
          ...(provenance ? { provenance } : {}),
          tasksInvolved: s.tasks(message.tasksInvolved),
          message: s.text(message.message),
        };
      }
      case 'coordination_response':
        return { ...message, response: s.text(message.response) };
      case 'session_message':
        return { ...message, content: s.text(message.content) };
      case 'escalation':
        return {
          ...message,
          escalationReason: s.text(message.escalationReason),
          sessionSummary: s.text(message.sessionSummary),
          tasksInvolved: s.tasks(message.tasksInvolved),
        };
      case 'resolution':
        return {
          ...message,
          resolution: s.text(message.resolution),
          summary: s.text(message.summary),
        };
      case 'coordination_request':
        return { ...message, tasks: s.tasks(message.tasks), reason: s.text(message.reason) };
      case 'escalation_request':
        return { ...message, reason: s.text(message.reason) };
    }
  })();
  return { value: s.findings.length > 0 ? value : message, findings: s.findings };
}

/** A SLURP event before it reaches the sinks: every message's content and metadata, and the event's metadata. */
export function redactSlurpEvent(event: SlurpEvent): Redacted<SlurpEvent> {
  const s = new Scrubber();
  const value: SlurpEvent = {
    ...event,
    messages: event.messages.map((m) => ({
      ...m,
      content: s.text(m.content),
      metadata: s.deep(m.metadata),
    })),
    metadata: s.deep(event.metadata),
  };
  return { value: s.findings.length > 0 ? value : event, findings: s.findings };
}
