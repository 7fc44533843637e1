/** A rule's match, its evidence made when read, and the confidences the rules give. */
import type { RuleEvidence, RuleMatch } from '@chorale/core';

/**
 * A rule's match whose evidence is made when read: the detector reads the evidence of the match
 * it reports only (the best of a pair), and a pair often matches several rules. A class, not an
 * object literal with `get evidence()`: V8 makes such a literal a new hidden class at every
 * call, which tripled the garbage collector's time per registration.
 */
export class Match implements RuleMatch {
  readonly reason: string;
  readonly confidence: number;
  first?: 'a' | 'b';
  readonly #evidence: () => RuleEvidence;

  constructor(reason: string, confidence: number, evidence: () => RuleEvidence) {
    this.reason = reason;
    this.confidence = confidence;
    this.#evidence = evidence;
  }

  get evidence(): RuleEvidence {
    return this.#evidence();
  }

  /** The match as a plain object (its evidence made). */
  toJSON(): RuleMatch {
    const { reason, confidence, first, evidence } = this;
    return first === undefined
      ? { reason, confidence, evidence }
      : { reason, confidence, first, evidence };
  }
}

/** Rounds a confidence to two decimals and keeps it in 0..1. */
export function confidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

/**
 * A confidence that grows with the evidence and never reaches 1 (that is an explicit
 * reference's): `floor + (ceiling - floor) × (1 - e^(-excess / scale))`, rounded.
 */
export function saturating(excess: number, floor: number, ceiling: number, scale: number): number {
  return confidence(floor + (ceiling - floor) * (1 - Math.exp(-Math.max(0, excess) / scale)));
}
