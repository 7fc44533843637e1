import { MemoryBus } from '@chorale/core';
import { testTransport } from './transport.js';

let n = 0;
testTransport({
  name: 'MemoryTransport',
  timeoutMs: 5_000,
  async create() {
    const bus = new MemoryBus();
    n += 1;
    const a = bus.connect(`peer-a-${n}`);
    const b = bus.connect(`peer-b-${n}`);
    return {
      a,
      b,
      inject: (topic, raw) => bus.inject(topic, raw, 'peer-injected'),
      async teardown() {
        await a.stop();
        await b.stop();
      },
    };
  },
});
