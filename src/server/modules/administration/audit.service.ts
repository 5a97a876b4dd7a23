/**
 * The audit administrator (DJ-15): searches the audit log, verifies its SM3 chain (DJ-14, DJ-24) and exports
 * a search as CSV. Only the audit administrator reaches these (the routes say so; any other role's attempt
 * is a 403 the refusal hook audits). Its own reads are audited as well — `audit.search`, `audit.verify`,
 * `audit.export` — and, being an administrator's, shown to the other two (DJ-8).
 *
 * The export (DJ-30) goes through security's per-account export guard (`guardExport`, kind `audit_export`:
 * `config.security.alerts.exportsPerHour` an hour, 429 EXPORT_RATE_LIMITED and an alert beyond). It is
 * masked for a file that leaves the platform: patients' names as 张*, the last part of addresses hidden.
 */
import {
  AUDIT_EXPORT_MAX_ROWS,
  type AuditEventPage,
  type AuditEventView,
  type AuditExportQuery,
  type AuditSearchQuery,
  type AuditVerifyResult,
} from '../../../shared/administration.js';
import type { Actor } from '../../platform/audit/audit.js';
import { type AuditFilter, searchAuditEvents } from '../../platform/audit/audit-search.js';
import { verifyChain } from '../../platform/audit/chain.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskName } from '../../platform/crypto/mask.js';
import { cutPage, decodeCursor } from '../../platform/paging.js';
import { guardExport } from '../security/export-guard.js';
import { administrationErrors } from './administration.errors.js';
import { auditEventViews } from './administration.service.js';

function filterOf(q: AuditExportQuery): AuditFilter {
  return {
    actorId: q.actorId,
    patientId: q.patientId,
    action: q.action,
    outcome: q.outcome,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
  };
}

/** The filters as the audit event of the search keeps them (ids and times only: nothing personal). */
function filterDetails(q: AuditExportQuery): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      actorId: q.actorId,
      patientId: q.patientId,
      action: q.action,
      outcome: q.outcome,
      from: q.from,
      to: q.to,
    }).filter(([, v]) => v !== undefined),
  );
}

export async function searchAudit(
  ctx: AppContext,
  query: AuditSearchQuery,
  actor: Actor,
): Promise<AuditEventPage> {
  const limit = query.limit ?? 50;
  const key = decodeCursor(query.before, ['instant', 'number'] as const);
  const rows = await searchAuditEvents(
    ctx.db,
    { ...filterOf(query), before: key ? { at: new Date(key[0]), id: key[1] } : undefined },
    limit + 1,
  );
  const page = cutPage(rows, limit, (r) => [r.occurredAt.toISOString(), r.id]);
  await runCommand(ctx, actor, (cmd) =>
    cmd.audit({
      action: 'audit.search',
      resourceType: 'audit_event',
      patientId: query.patientId ?? null,
      details: { ...filterDetails(query), paged: query.before !== undefined, count: page.rows.length },
    }),
  );
  return { items: await auditEventViews(ctx, page.rows), nextCursor: page.nextCursor };
}

export async function verifyAudit(ctx: AppContext, actor: Actor): Promise<AuditVerifyResult> {
  const result = await verifyChain(ctx.db);
  const checkedAt = ctx.clock.now().toISOString();
  await runCommand(ctx, actor, (cmd) =>
    cmd.audit({
      action: 'audit.verify',
      resourceType: 'audit_event',
      details: {
        ok: result.ok,
        sealed: result.sealed,
        blocks: result.blocks,
        ...(result.firstBadEventId !== undefined ? { firstBadEventId: result.firstBadEventId } : {}),
      },
    }),
  );
  return {
    ok: result.ok,
    sealed: result.sealed,
    unsealed: result.unsealed,
    blocks: result.blocks,
    firstBadEventId: result.firstBadEventId ?? null,
    reason: result.reason ?? null,
    checkedAt,
  };
}

const CSV_HEADER = [
  '事件编号',
  '时间（北京时间）',
  '操作人',
  '角色',
  '操作',
  '结果',
  '资源类型',
  '资源编号',
  '患者',
  '地址',
  '详情',
  '已入链',
];

const shanghai = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** `10.1.2.3` → `10.1.2.*`, an IPv6 address to its first four groups. */
export function maskAddress(ip: string | null): string {
  if (!ip) return '';
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+)\.\d+$/i.exec(ip);
  if (v4) return `${v4[1]}.*`;
  return `${ip.split(':').slice(0, 4).join(':')}:*`;
}

/** One CSV cell: quoted, and a leading = + - @ made inert so a spreadsheet does not run it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function csvLine(e: AuditEventView): string {
  return [
    String(e.id),
    shanghai.format(new Date(e.occurredAt)),
    e.actor?.name ?? '系统',
    e.actorRole ?? '',
    e.action,
    e.outcome === 'success' ? '成功' : '失败',
    e.resourceType ?? '',
    e.resourceId ?? '',
    e.patient ? maskName(e.patient.name) : '',
    maskAddress(e.ip),
    JSON.stringify(e.details),
    e.sealed ? '是' : '否',
  ]
    .map(csvCell)
    .join(',');
}

/**
 * The search as a CSV file for Excel: UTF-8 with a byte-order mark, CRLF lines, newest first, at most
 * AUDIT_EXPORT_MAX_ROWS rows (more is refused, never cut short silently). Rate-limited and audited.
 */
export async function exportAudit(
  ctx: AppContext,
  query: AuditExportQuery,
  actor: Actor,
): Promise<{ filename: string; body: string; rows: number }> {
  await guardExport(ctx, actor, 'audit_export');
  const rows = await searchAuditEvents(ctx.db, filterOf(query), AUDIT_EXPORT_MAX_ROWS + 1);
  if (rows.length > AUDIT_EXPORT_MAX_ROWS) {
    throw administrationErrors.exportTooLarge(undefined, { limit: AUDIT_EXPORT_MAX_ROWS });
  }
  const views = await auditEventViews(ctx, rows);
  const at = ctx.clock.now();
  await runCommand(ctx, actor, (cmd) =>
    cmd.audit({
      action: 'audit.export',
      resourceType: 'audit_event',
      patientId: query.patientId ?? null,
      details: { ...filterDetails(query), rows: rows.length, format: 'csv' },
    }),
  );
  const lines = [CSV_HEADER.map(csvCell).join(','), ...views.map(csvLine)];
  const stamp = shanghai.format(at).replace(/[-: ]/g, '').slice(0, 12);
  return { filename: `audit-${stamp}.csv`, body: `\uFEFF${lines.join('\r\n')}\r\n`, rows: rows.length };
}
