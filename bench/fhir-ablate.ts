import pg from 'pg';

/**
 * Diagnosis only (`BENCH_SKIP_AUDIT=1`): answers every `insert into "audit_event"` of this process at once,
 * without sending it, so a run prices what auditing each read costs (the insert, its commit, its index
 * entries and the sealer's later update of the row). The product audits every read (DJ-12); the numbers of
 * such a run are labelled `skipAudit` and never quoted as the server's.
 */
export function skipAuditInserts(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : '';
    if (text.startsWith('insert into "audit_event"') && typeof args[args.length - 1] !== 'function') {
      return Promise.resolve({ command: 'INSERT', rowCount: 1, rows: [], fields: [] });
    }
    return original.apply(this, args);
  };
}
