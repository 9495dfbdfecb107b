import { describe, expect, it } from 'vitest';
import { SeenEmails } from './seen-emails.js';

describe('SeenEmails', () => {
  it('knows every address it was given and none it was not, across growth', () => {
    const seen = new SeenEmails(16);
    for (let i = 0; i < 200_000; i++) seen.add(`user${i}@example.com`);
    seen.add('user7@example.com');
    expect(seen.size).toBe(200_000);
    let missing = 0;
    let false_ = 0;
    for (let i = 0; i < 200_000; i++) {
      if (!seen.has(`user${i}@example.com`)) missing++;
      if (seen.has(`user${i}@example.org`) || seen.has(`resu${i}@example.com`)) false_++;
    }
    expect({ missing, false_ }).toEqual({ missing: 0, false_: 0 });
  });
});
