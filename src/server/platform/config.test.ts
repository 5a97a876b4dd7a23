import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration (DJ-7, DJ-25)', () => {
  it('embedded database without settings runs the demo with demo keys', () => {
    const c = loadConfig({});
    expect(c.demo).toBe(true);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.port).toBe(3000);
    expect(c.currentFieldKeyId).toBe('demo');
  });

  it('a production start without the secrets refuses with a clear message naming them', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/yunyi' })).toThrow(ConfigError);
    expect(() => loadConfig({ YUNYI_DEMO: '0' })).toThrow(/YUNYI_FIELD_KEY, YUNYI_INDEX_KEY/);
    expect(() => loadConfig({ YUNYI_DEMO: '0', YUNYI_FIELD_KEY: '00'.repeat(16) })).toThrow(
      /缺少必需的密钥配置：YUNYI_INDEX_KEY/,
    );
  });

  it('refuses malformed keys', () => {
    expect(() =>
      loadConfig({ YUNYI_DEMO: '0', YUNYI_FIELD_KEY: 'abc', YUNYI_INDEX_KEY: '00'.repeat(32) }),
    ).toThrow(/32 位十六进制/);
  });

  it('takes the keys, keeps old keys readable for rotation, and is not demo on a server', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://db/yunyi',
      YUNYI_FIELD_KEY: '11'.repeat(16),
      YUNYI_FIELD_KEY_ID: 'k2',
      YUNYI_FIELD_KEYS_OLD: `k1:${'22'.repeat(16)}`,
      YUNYI_INDEX_KEY: '33'.repeat(32),
    });
    expect(c.demo).toBe(false);
    expect(c.currentFieldKeyId).toBe('k2');
    expect(Object.keys(c.fieldKeys).sort()).toEqual(['k1', 'k2']);
  });
});
