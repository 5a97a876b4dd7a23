import pg from 'pg';

/**
 * Diagnosis only (`BENCH_SKIP_AUDIT=1`): while switched on, every `insert into "audit_event"` of this process
 * is answered at once without being sent, so a phase run both ways prices what auditing each read costs
 * (the insert, its commit and index entries, and the sealer's later update of the row). The product audits
 * every read (DJ-12); the bench reports such a phase separately (`…NoAudit`) and never as the server's.
 */
export function auditSwitch(): { skip(on: boolean): void } {
  let skipping = false;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : '';
    if (skipping && text.startsWith('insert into "audit_event"') && typeof args.at(-1) !== 'function') {
      return Promise.resolve({ command: 'INSERT', rowCount: 1, rows: [], fields: [] });
    }
    return original.apply(this, args);
  };
  return {
    skip(on) {
      skipping = on;
    },
  };
}
