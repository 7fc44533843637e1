import type { Logger } from '@chorale/core';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';

export interface RedialOptions {
  /** First retry delay after a failed dial or a lost connection (ms). */
  minDelayMs: number;
  /** Retry delays double up to this (ms). */
  maxDelayMs: number;
}

export const DEFAULT_REDIAL: RedialOptions = { minDelayMs: 1_000, maxDelayMs: 30_000 };

interface Target {
  addr: Multiaddr;
  peerId: string;
  delay: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Keeps this node connected to its bootstrap peers for as long as it runs: a peer that is not
 * up yet, or goes away, is dialed again with a doubling delay (libp2p's own reconnect gives up
 * after a few tries). Peers found by discovery (mDNS) are dialed once when found.
 */
export class PeerKeeper {
  readonly #node: Libp2p;
  readonly #logger: Logger;
  readonly #options: RedialOptions;
  readonly #targets: Target[];
  #running = false;

  constructor(
    node: Libp2p,
    bootstrap: string[],
    logger: Logger,
    options: RedialOptions = DEFAULT_REDIAL,
  ) {
    this.#node = node;
    this.#logger = logger;
    this.#options = options;
    this.#targets = bootstrap.map((text) => {
      const addr = multiaddr(text);
      const peerId = text.slice(text.lastIndexOf('/p2p/') + 5);
      return { addr, peerId, delay: options.minDelayMs, timer: undefined };
    });
  }

  start(): void {
    this.#running = true;
    this.#node.addEventListener('peer:disconnect', this.#onDisconnect);
    this.#node.addEventListener('peer:discovery', this.#onDiscovery);
    for (const target of this.#targets) void this.#dial(target);
  }

  stop(): void {
    this.#running = false;
    this.#node.removeEventListener('peer:disconnect', this.#onDisconnect);
    this.#node.removeEventListener('peer:discovery', this.#onDiscovery);
    for (const target of this.#targets) clearTimeout(target.timer);
  }

  #connected(peerId: string): boolean {
    return this.#node.getConnections().some((c) => c.remotePeer.toString() === peerId);
  }

  async #dial(target: Target): Promise<void> {
    target.timer = undefined;
    if (!this.#running || this.#connected(target.peerId)) return;
    try {
      await this.#node.dial(target.addr);
      target.delay = this.#options.minDelayMs;
    } catch (error) {
      if (!this.#running) return;
      this.#logger.debug(
        { addr: target.addr.toString(), error: String(error), retryMs: target.delay },
        'bootstrap dial failed',
      );
      this.#schedule(target);
      target.delay = Math.min(target.delay * 2, this.#options.maxDelayMs);
    }
  }

  #schedule(target: Target): void {
    if (!this.#running || target.timer) return;
    target.timer = setTimeout(() => void this.#dial(target), target.delay);
    target.timer.unref?.();
  }

  readonly #onDisconnect = (event: CustomEvent<PeerId>): void => {
    const id = event.detail.toString();
    for (const target of this.#targets) {
      if (target.peerId === id) {
        target.delay = this.#options.minDelayMs;
        this.#schedule(target);
      }
    }
  };

  readonly #onDiscovery = (event: CustomEvent<{ id: PeerId }>): void => {
    const id = event.detail.id;
    if (!this.#running || this.#connected(id.toString()) || id.equals(this.#node.peerId)) return;
    this.#node.dial(id).catch((error: unknown) => {
      this.#logger.debug(
        { peerId: id.toString(), error: String(error) },
        'could not dial a discovered peer',
      );
    });
  };
}
