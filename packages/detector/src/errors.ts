import { ChoraleError } from '@chorale/protocol';

/** A rule (or rule pack) that cannot be used: no name, a duplicate name, no validator. */
export class InvalidRuleError extends ChoraleError {
  readonly rule: string;

  constructor(rule: string, message: string) {
    super('INVALID_RULE', message);
    this.name = 'InvalidRuleError';
    this.rule = rule;
  }
}

/**
 * A rule's validator threw, or returned something that is not a match. The detector counts it
 * (see `DependencyDetector.ruleErrors()`) and goes on with the other rules; it never throws it.
 */
export class RuleFailedError extends ChoraleError {
  readonly rule: string;

  constructor(rule: string, message: string, cause?: unknown) {
    super('RULE_FAILED', `rule "${rule}" failed: ${message}`, { cause });
    this.name = 'RuleFailedError';
    this.rule = rule;
  }
}
