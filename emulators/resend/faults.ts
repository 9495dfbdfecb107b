/**
 * Injected failures, to test a connector's retries and error handling. A rule matches requests
 * by method and path, skips the first `after` matches, then fires `times` times (default 1):
 *  - status:    answer `status` with Resend's error body (429 adds `retry-after`; 502 is an HTML
 *               page as Cloudflare sends it, not JSON)
 *  - slow:      send the real response `delayMs` late
 *  - cut:       send headers and part of the real body, then destroy the socket
 *  - malformed: answer 200 with the real body truncated, so it is not valid JSON
 */

export interface FaultRule {
  method?: string;
  /** A RegExp tested on the pathname, or a string equal to the pathname or the route template (`/contacts/{id}`). */
  path?: RegExp | string;
  times?: number;
  after?: number;
  kind: 'status' | 'slow' | 'cut' | 'malformed';
  status?: 429 | 500 | 502 | 503;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** A 429 with none of the provider's rate-limit headers: nothing says when to come back. */
  withoutRateHeaders?: boolean;
}

export interface FaultHandle {
  readonly rule: FaultRule;
  /** How many requests this rule has answered so far. */
  readonly fired: number;
  /** True once it has fired `times` times. */
  readonly exhausted: boolean;
  remove(): void;
}

interface ActiveFault {
  rule: FaultRule;
  seen: number;
  fired: number;
}

export class FaultInjector {
  private active: ActiveFault[] = [];

  inject(rule: FaultRule): FaultHandle {
    if (rule.kind === 'status' && rule.status === undefined) throw new Error("a 'status' fault needs a status");
    const fault: ActiveFault = { rule, seen: 0, fired: 0 };
    this.active.push(fault);
    const times = rule.times ?? 1;
    return {
      rule,
      get fired() { return fault.fired; },
      get exhausted() { return fault.fired >= times; },
      remove: () => { this.active = this.active.filter((f) => f !== fault); },
    };
  }

  clear(): void {
    this.active = [];
  }

  /**
   * The rule to apply to this request, if any. Every matching rule counts the request toward its
   * `after`; the first one past its `after` with firings left fires.
   */
  take(method: string, pathname: string, template: string | undefined): FaultRule | undefined {
    let chosen: FaultRule | undefined;
    for (const f of this.active) {
      if (!matches(f.rule, method, pathname, template)) continue;
      f.seen++;
      if (chosen || f.seen <= (f.rule.after ?? 0) || f.fired >= (f.rule.times ?? 1)) continue;
      f.fired++;
      chosen = f.rule;
    }
    return chosen;
  }
}

function matches(rule: FaultRule, method: string, pathname: string, template: string | undefined): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === pathname || rule.path === template;
  rule.path.lastIndex = 0; // a /g or /y RegExp keeps state between tests
  return rule.path.test(pathname);
}
