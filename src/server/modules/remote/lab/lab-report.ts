/**
 * What signing a laboratory report asks of the specimens (called by the report's sign command, in its
 * transaction, with the request locked).
 */
import type { Executor } from '../../../platform/db/database.js';
import type { RemoteStaff } from '../request-access.js';

/**
 * 422 REPORT_INCOMPLETE / 409 unless the request has a received, tested, not rejected specimen and a
 * result for every analyte of its panels. Stub until the laboratory part lands.
 */
export async function assertLabReportable(trx: Executor, requestId: string): Promise<void> {
  void trx;
  void requestId;
}

/** The signature is the `reported` step of every tested specimen of the request (by the signer). */
export async function specimensReported(
  trx: Executor,
  requestId: string,
  signer: RemoteStaff,
  now: Date,
): Promise<void> {
  void trx;
  void requestId;
  void signer;
  void now;
}
