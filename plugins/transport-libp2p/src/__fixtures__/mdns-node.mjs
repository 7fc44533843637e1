// A Chorale node with mDNS on, run inside a network namespace by mdns-netns.test.ts.
// Prints one JSON object per line: started, connected, received.
// Usage: node mdns-node.mjs <dataDir> <listenAddr> <sender|receiver>
import { Libp2pTransport } from '../../dist/index.js';

const [dataDir, listen, role] = process.argv.slice(2);
const topic = 'CHORUS/coordination/v1';
const print = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

const t = new Libp2pTransport({
  options: { listen: [listen], mdns: true, bootstrap: [] },
  components: { dataDir, baseDir: dataDir },
});
t.subscribe(topic, (env, meta) => {
  if (env.message.type === 'task_claim')
    print({ event: 'received', from: meta.peerId, title: env.message.task.title });
});
await t.start();
print({ event: 'started', peerId: t.peerId, addrs: t.multiaddrs() });
t.libp2p.addEventListener('peer:connect', (e) =>
  print({ event: 'connected', peerId: e.detail.toString() }),
);
if (role === 'sender') {
  await t.waitForTopicPeers(topic, { signal: AbortSignal.timeout(20_000) });
  await t.publish(topic, {
    from: t.peerId,
    timestamp: Date.now(),
    hopCount: 0,
    message: {
      type: 'task_claim',
      task: {
        taskId: 1,
        projectId: 1,
        repository: 'acme/api',
        title: 'found by mDNS',
        description: '',
        keywords: [],
        agentId: 'agent-mdns',
      },
    },
  });
  print({ event: 'published' });
}
const stop = () => t.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
