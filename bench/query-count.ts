import pg from 'pg';

let count = 0;

/**
 * Counts every query sent by any pg client in this process (the server's pool and the bench's own), so
 * the report can say how many round trips a booking costs. Install before opening pools.
 */
export function countQueries(): () => number {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  return () => count;
}
