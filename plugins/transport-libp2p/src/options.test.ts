import { describe, expect, it } from 'vitest';
import plugin, { libp2pTransportOptions } from './index.js';

describe('options', () => {
  it('has a default for every key', () => {
    expect(libp2pTransportOptions.parse({})).toEqual({
      listen: ['/ip4/0.0.0.0/tcp/4001'],
      bootstrap: [],
      mdns: true,
      maxMessageBytes: 64 * 1024,
      agentBindingCapacity: 10_000,
    });
  });

  it('refuses bad multiaddrs, bootstrap addresses without a peer id, bad peer ids and unknown keys', () => {
    const bad = [
      { listen: ['not-an-address'] },
      { bootstrap: ['/ip4/127.0.0.1/tcp/4001'] },
      { allowList: ['not-a-peer-id'] },
      { maxMessageBytes: 10 },
      { topics: ['x'] },
    ];
    for (const options of bad) {
      const result = libp2pTransportOptions.safeParse(options);
      expect(result.success, JSON.stringify(options)).toBe(false);
    }
    const ok = libp2pTransportOptions.safeParse({
      bootstrap: [
        '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5',
      ],
      allowList: ['12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5'],
    });
    expect(ok.success).toBe(true);
  });

  it('is declared as a v1 transport plugin', () => {
    expect(plugin.kind).toBe('transport');
    expect(plugin.name).toBe('@chorale/transport-libp2p');
    expect(plugin.specificationVersion).toBe('v1');
  });
});
