import { testTransport } from '@chorale/testing/transport';
import { addrOf, choraleNode, tempDir } from './__fixtures__/nodes.js';

testTransport({
  name: '@chorale/transport-libp2p',
  timeoutMs: 20_000,
  async create() {
    const dirA = await tempDir();
    const dirB = await tempDir();
    const b = choraleNode(dirB.path);
    // A bootstraps to B, so B must listen first: B's start is idempotent, the suite's call is a no-op.
    await b.start();
    const a = choraleNode(dirA.path, { bootstrap: [addrOf(b)] });
    return {
      a,
      b,
      async inject(topic, raw) {
        await a.start();
        const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
        const pubsub = a.libp2p?.services.pubsub;
        if (!pubsub) throw new Error('A is not started');
        await pubsub.publish(topic, bytes);
      },
      async teardown() {
        await a.stop();
        await b.stop();
        await dirA.remove();
        await dirB.remove();
      },
    };
  },
});
