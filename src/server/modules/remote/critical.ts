/**
 * Critical values (危急值): the one place an alert to the requesting doctor is raised — by the reading
 * doctor's report (requests) or by a laboratory result at a critical limit (lab). One alert per request.
 */
import type { CommandScope } from '../../platform/command.js';
import type { RemoteStaff, RequestRow } from './request-access.js';

/**
 * Raise the request's critical-value alert at once (notification to the requesting doctor, outbox event
 * `remote.critical_value_raised`, audit), in the caller's command. Returns the new alert's id, or null when
 * the request already has one. Stub until the requests part lands.
 */
export async function raiseCriticalAlert(
  cmd: CommandScope,
  row: RequestRow,
  raisedBy: RemoteStaff,
  reason: string,
): Promise<string | null> {
  void cmd;
  void row;
  void raisedBy;
  void reason;
  return null;
}
