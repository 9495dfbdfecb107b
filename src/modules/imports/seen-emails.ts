/**
 * The addresses one import run has written, as 64-bit digests in an open-addressing table of
 * typed arrays: 16 bytes a contact (16 MB for a million), outside the JS heap, and no per-entry
 * objects for the collector. Two differently seeded and mixed 32-bit FNV-style hashes make the
 * digest; a false "seen" needs both to collide (for a million addresses, on the order of one in
 * ten million runs).
 */
export class SeenEmails {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private used: Uint8Array;
  private count = 0;

  constructor(initialSlots = 1 << 16) {
    this.hi = new Uint32Array(initialSlots);
    this.lo = new Uint32Array(initialSlots);
    this.used = new Uint8Array(initialSlots);
  }

  get size(): number {
    return this.count;
  }

  add(email: string): void {
    const [h, l] = digest(email);
    if (this.find(h, l) >= 0) return;
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    this.insert(h, l);
    this.count++;
  }

  has(email: string): boolean {
    const [h, l] = digest(email);
    return this.find(h, l) >= 0;
  }

  private find(h: number, l: number): number {
    const mask = this.used.length - 1;
    for (let i = l & mask; this.used[i]; i = (i + 1) & mask) {
      if (this.lo[i] === l && this.hi[i] === h) return i;
    }
    return -1;
  }

  private insert(h: number, l: number): void {
    const mask = this.used.length - 1;
    let i = l & mask;
    while (this.used[i]) i = (i + 1) & mask;
    this.used[i] = 1;
    this.hi[i] = h;
    this.lo[i] = l;
  }

  private grow(): void {
    const { hi, lo, used } = this;
    this.hi = new Uint32Array(used.length * 2);
    this.lo = new Uint32Array(used.length * 2);
    this.used = new Uint8Array(used.length * 2);
    for (let i = 0; i < used.length; i++) if (used[i]) this.insert(hi[i]!, lo[i]!);
  }
}

function digest(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return [a >>> 0, b >>> 0];
}
