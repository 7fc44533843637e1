import { type Envelope, encodeEnvelope } from '@chorale/protocol';

/** A task claim whose encoded envelope is exactly `bytes` long (padding in the description). */
export function sizedClaim(
  seq: number,
  from: string,
  bytes: number,
  title = `bench ${seq}`,
): Envelope {
  const make = (pad: string): Envelope => ({
    from,
    timestamp: Date.now(),
    hopCount: 0,
    message: {
      type: 'task_claim',
      task: {
        taskId: seq,
        projectId: 1,
        repository: 'bench/repo',
        title,
        description: pad,
        keywords: [],
        agentId: `bench-agent-${from.slice(-8)}`,
      },
    },
  });
  return make('x'.repeat(Math.max(0, bytes - encodeEnvelope(make('')).byteLength)));
}
