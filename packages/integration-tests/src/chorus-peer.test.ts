/**
 * A CHORUS agent as Chorale sees it: a plain gossipsub peer built here from upstream libraries
 * only (no Chorale code), publishing task claims as the raw JSON bytes a Go agent writes, gets
 * its dependency coordinated by a `chorale start` node and receives the plan.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COORDINATION_TOPIC, META_TOPIC } from './mesh-probe.js';
import { type PlainPeer, plainPeer } from './plain-peer.js';
import { startNode, stopAll } from './spawn-chorale.js';
import { tempDirs } from './tasks.js';
import { jsonLine, waitForFileLine } from './wait-for-line.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await stopAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// What Go's encoding/json writes for a CHORUS claim: nanosecond timestamp with a zone offset,
// hop_count omitted (omitempty, 0).
const GO_CLAIM =
  '{"type":"task_claim","from":"12D3KooWGoAgentPeer","timestamp":"2025-07-17T10:00:00.123456789+10:00",' +
  '"data":{"task_id":42,"project_id":1,"repository":"backend-api","title":"Define user authentication API",' +
  '"description":"Define the REST API for user authentication","keywords":["api","authentication"],' +
  '"agent_id":"chorus-agent-001","claimed_at":"2025-07-17T10:00:00.123456789+10:00"}}';

// The bzzz agents' claim: task_title, task_type, claimed_at in unix seconds, the repository in github_url.
const BZZZ_CLAIM =
  '{"type":"task_claim","from":"12D3KooWGoAgentPeer","timestamp":"2025-07-17T00:00:05Z","hop_count":0,' +
  '"data":{"task_id":43,"task_title":"Implement authentication endpoint","task_type":"api",' +
  '"agent_id":"chorus-agent-002","claimed_at":1752710405,"project_id":2,' +
  '"github_url":"https://github.com/acme/frontend-app"}}';

describe('a plain gossipsub peer speaking the CHORUS envelope', () => {
  it('gets its claims registered and receives the coordination_plan on the meta-discussion topic', async () => {
    const dirs = await tempDirs('node');
    cleanups.push(dirs.remove);
    const node = await startNode(dirs.node);
    const peer: PlainPeer = await plainPeer();
    cleanups.push(() => peer.stop());
    peer.subscribe(COORDINATION_TOPIC, META_TOPIC);
    await peer.dial(node.addr);
    await peer.reaches(COORDINATION_TOPIC, node.peerId);
    await peer.reaches(META_TOPIC, node.peerId);

    await peer.publish(COORDINATION_TOPIC, GO_CLAIM);
    await peer.publish(COORDINATION_TOPIC, BZZZ_CLAIM);

    const isType = (type: string) => (m: { text: string }) =>
      (jsonLine(m.text)?.data as { message_type?: string } | undefined)?.message_type === type;
    const planMessage = await peer.message(META_TOPIC, isType('coordination_plan'));
    expect(planMessage.from).toBe(node.peerId);
    const plan = JSON.parse(planMessage.text) as {
      type: string;
      from: string;
      timestamp: string;
      data: Record<string, unknown>;
    };
    expect(plan.type).toBe('meta_discussion');
    expect(plan.from).toBe(node.peerId);
    expect(Number.isNaN(Date.parse(plan.timestamp))).toBe(false);
    expect(plan.data.session_id).toMatch(/^dep_1_42_\d+$/);
    expect(Object.keys(plan.data.participants as object).sort()).toEqual([
      'chorus-agent-001',
      'chorus-agent-002',
    ]);
    expect(String(plan.data.plan)).toContain('API_Contract');

    // The dependency was announced first, with the bzzz claim's repository taken from its URL.
    const detected = JSON.parse(
      (await peer.message(META_TOPIC, isType('dependency_detected'))).text,
    );
    expect(detected.data.repositories.sort()).toEqual(['acme/frontend-app', 'backend-api']);
    expect(detected.data.agents_involved.sort()).toEqual(['chorus-agent-001', 'chorus-agent-002']);

    // The Go agents agree, in the same raw envelope; the session resolves on the node.
    for (const agent of ['chorus-agent-001', 'chorus-agent-002']) {
      await peer.publish(
        META_TOPIC,
        `{"type":"meta_discussion","from":"12D3KooWGoAgentPeer","timestamp":"2025-07-17T10:01:00.5+10:00","data":{"message_type":"coordination_response","session_id":"${plan.data.session_id}","agent_id":"${agent}","response":"I agree with the proposed sequence."}}`,
      );
    }
    const resolution = JSON.parse((await peer.message(META_TOPIC, isType('resolution'))).text);
    expect(resolution.data.session_id).toBe(plan.data.session_id);
    const event = await waitForFileLine(
      node.slurpPath,
      (e) => e.session_id === plan.data.session_id,
    );
    expect(event).toMatchObject({ outcome_type: 'resolved', consensus_strength: 0.9 });
  });
});
