import { describe, expect, it } from 'vitest';
import { SERVICE_RESTART_CLOSE } from '../../shared/visits.js';
import { reconnectDelay } from './socket.js';

describe('reconnectDelay', () => {
  it('reconnects within a quarter second when the node drains (1012 service restart), whatever the retries', () => {
    expect(SERVICE_RESTART_CLOSE).toBe(1012); // RFC 6455 close code registry: Service Restart
    expect(reconnectDelay(1012, 0, 0)).toBe(0);
    expect(reconnectDelay(1012, 6, 0.999)).toBe(249);
  });
  it('backs off from 0.5 s to 10 s after any other close', () => {
    expect(reconnectDelay(1006, 0, 0)).toBe(500);
    expect(reconnectDelay(1006, 3, 0)).toBe(4000);
    expect(reconnectDelay(1000, 10, 0)).toBe(10_000);
  });
});
