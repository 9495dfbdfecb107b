/** What the emulator saw, for tests and benchmarks (achieved request rate, 429s sent, hot paths). */

export class EmulatorStats {
  /** Every request received, including refused ones. */
  total = 0;
  /** `METHOD /path/{template}` → count; unmatched paths count under `METHOD (unknown)`. */
  byRoute: Record<string, number> = {};
  /** Status code → count of responses sent (a cut response counts under its status). */
  byStatus: Record<number, number> = {};
  /** 429 responses sent, by the rate limiter or by an injected fault. */
  rateLimited = 0;
  /** Arrival time (ms, from the emulator's clock) of every request, in order. */
  timestamps: number[] = [];

  recordRequest(routeKey: string, at: number): void {
    this.total++;
    this.byRoute[routeKey] = (this.byRoute[routeKey] ?? 0) + 1;
    this.timestamps.push(at);
  }

  recordResponse(status: number): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    if (status === 429) this.rateLimited++;
  }

  /** Requests per second between the first and last request (0 with fewer than two). */
  achievedRate(): number {
    const first = this.timestamps[0];
    const last = this.timestamps[this.timestamps.length - 1];
    if (first === undefined || last === undefined || last === first) return 0;
    return ((this.timestamps.length - 1) * 1000) / (last - first);
  }

  reset(): void {
    this.total = 0;
    this.byRoute = {};
    this.byStatus = {};
    this.rateLimited = 0;
    this.timestamps = [];
  }
}
