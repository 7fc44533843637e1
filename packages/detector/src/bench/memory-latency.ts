import { performance } from 'node:perf_hooks';
import { prng } from './synthetic.js';

/** Memory the chase runs through by default: far more than a CPU's caches hold. */
export const DEFAULT_CHASE_BYTES = 64 * 1024 * 1024;

/**
 * How long one read from main memory takes at the moment, in nanoseconds: reads that follow one
 * random cycle through `bytes` of memory, each read's address the value of the read before, so
 * no two reads overlap and almost every one misses the caches.
 *
 * A registration among 100k or 1M known tasks reads memory scattered over hundreds of megabytes
 * (the candidates' packed texts, the vocabulary's and the rules' facts of their words, the
 * index's postings), and its time follows this figure. On a virtual machine, whose memory is
 * shared with its neighbours, the figure moves from one minute to the next: printed beside the
 * benchmark's, it tells a slow moment of the machine from a slower build.
 */
export class MemoryLatency {
  readonly #next: Uint32Array;
  #at = 0;

  constructor(bytes = DEFAULT_CHASE_BYTES, seed = 1) {
    this.#next = randomCycle(Math.max(2, Math.floor(bytes / Uint32Array.BYTES_PER_ELEMENT)), seed);
  }

  /** Nanoseconds per read, over `reads` reads that each wait for the one before. */
  measure(reads = 1 << 20): number {
    const next = this.#next;
    let at = this.#at;
    const start = performance.now();
    for (let i = 0; i < reads; i++) at = next[at]!;
    const elapsed = performance.now() - start;
    // where the next measure goes on from (and a use of every read: none can be left out)
    this.#at = at;
    return (elapsed * 1e6) / reads;
  }
}

/**
 * One cycle through `length` slots in random order (Sattolo's shuffle): `next[i]` is the slot
 * after `i`, and following it from any slot visits every slot once before coming back.
 */
export function randomCycle(length: number, seed = 1): Uint32Array {
  const next = new Uint32Array(length);
  for (let i = 0; i < length; i++) next[i] = i;
  const random = prng(seed);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random() * i);
    const swap = next[i]!;
    next[i] = next[j]!;
    next[j] = swap;
  }
  return next;
}
