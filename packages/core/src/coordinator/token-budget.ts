import type { Clock } from '../contracts/components.js';

export interface TokenBudgetOptions {
  /** Tokens one session may spend on plans. 0: no limit. Default 20 000. */
  perSession: number;
  /** Tokens all sessions together may spend in any sliding hour. 0: no limit. Default 500 000. */
  perHour: number;
}

export const DEFAULT_TOKEN_BUDGET: TokenBudgetOptions = { perSession: 20_000, perHour: 500_000 };

const HOUR = 3_600_000;

/**
 * Counts the tokens the planners spend (input and output, from `Plan.usage`), per session and
 * over a sliding hour on the injected clock. A planner call is allowed while what was spent is
 * below the limit: a call's cost is only known after it, so the last call may go over.
 */
export class TokenBudget {
  readonly options: TokenBudgetOptions;
  readonly #clock: Clock;
  /** Spends of the last hour, oldest first. */
  readonly #recent: { at: number; tokens: number }[] = [];
  #recentTotal = 0;
  readonly #sessions = new Map<string, number>();
  #total = 0;

  constructor(options: Partial<TokenBudgetOptions>, clock: Clock) {
    this.options = { ...DEFAULT_TOKEN_BUDGET, ...options };
    this.#clock = clock;
  }

  /** Why a token-spending planner may not run for this session now, or undefined when it may. */
  refusal(sessionId: string): string | undefined {
    const { perSession, perHour } = this.options;
    const hour = this.spentInLastHour();
    if (perHour > 0 && hour >= perHour)
      return `token budget spent: ${hour} tokens in the last hour (limit ${perHour})`;
    const session = this.#sessions.get(sessionId) ?? 0;
    if (perSession > 0 && session >= perSession)
      return `token budget spent: ${session} tokens in this session (limit ${perSession})`;
    return undefined;
  }

  spend(sessionId: string, tokens: number): void {
    if (!Number.isFinite(tokens) || tokens <= 0) return;
    this.#sessions.set(sessionId, (this.#sessions.get(sessionId) ?? 0) + tokens);
    this.#recent.push({ at: this.#clock.now(), tokens });
    this.#recentTotal += tokens;
    this.#total += tokens;
  }

  /** The session is over: its own count goes (the hourly one stays). */
  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  spentInLastHour(): number {
    const since = this.#clock.now() - HOUR;
    while (this.#recent.length > 0 && this.#recent[0]!.at <= since) {
      this.#recentTotal -= this.#recent.shift()!.tokens;
    }
    return this.#recentTotal;
  }

  spentInSession(sessionId: string): number {
    return this.#sessions.get(sessionId) ?? 0;
  }

  /** Every token counted since the start (a counter for metrics). */
  get totalSpent(): number {
    return this.#total;
  }
}
