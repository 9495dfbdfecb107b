import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv, publicBaseUrl } from '../../src/config/env.js';

describe('configuration', () => {
  it('applies defaults', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(4000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.RESEND_BASE_URL).toBe('https://api.resend.com');
  });

  it('lists every problem at once', () => {
    try {
      parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', MIGRATE_KEK: 'short', LOG_LEVEL: 'loud' });
      expect.unreachable('parseEnv accepted bad settings');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'MIGRATE_KEK', 'LOG_LEVEL']) expect(problems).toContain(name);
    }
  });

  it('requires PUBLIC_URL in production, where stored template HTML links to it', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: is required in production/);
    expect(publicBaseUrl(parseEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.com/' }))).toBe('https://api.example.com');
    expect(publicBaseUrl(parseEnv({ HOST: '0.0.0.0', PORT: '8080' }))).toBe('http://127.0.0.1:8080');
  });
});
