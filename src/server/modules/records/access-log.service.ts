/**
 * 访问记录 (SEC-1, DJ-12): the patient — or the active proxy of a dependent (ID-6) — sees every access by
 * others to their data: who (the reader's name, role and institution; never a phone or ID number), when,
 * which category, what, under which relationship, through which channel, and whether it was allowed.
 * Sources in the audit log: reads (`record.read`, and identity's `allergy.read`), break-glass accesses
 * (`record.break_glass`) and refused attempts naming the patient (`access.denied`, written by the refusal
 * hook). The patient's own reads are not listed.
 */
import type { Static } from 'typebox';
import type {
  AccessLogEntry,
  AccessLogQuery,
  RecordCategory,
  Relationship,
} from '../../../shared/records.js';
import { RECORD_CATEGORIES, RELATIONSHIPS } from '../../../shared/records.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import { type PatientAuditEvent, patientAuditEvents } from '../../platform/audit/audit-queries.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { cutPage, decodeCursor, type Page } from '../../platform/paging.js';
import { institutionFacts } from '../directory/directory.api.js';
import { accountCards, patientCard } from '../identity/identity.api.js';
import { actingPatient } from './authorisations.service.js';

/**
 * `allergy.read`: the allergy list identity serves to prescribing ([5/12], `/patients/{id}/allergies`) is
 * `basic` data too, read by a doctor only during or just after a visit with the patient (visit), or by a
 * proxy (proxy) — so it is in the log like every other read.
 */
const ACTIONS = ['record.read', 'record.break_glass', 'access.denied', 'allergy.read'] as const;

const isCategory = (v: unknown): v is RecordCategory =>
  typeof v === 'string' && (RECORD_CATEGORIES as readonly string[]).includes(v);
const isRelationship = (v: unknown): v is Relationship =>
  typeof v === 'string' && (RELATIONSHIPS as readonly string[]).includes(v);
const CHANNELS = ['app', 'fhir', 'export'] as const;
type Channel = (typeof CHANNELS)[number];

/** The category a refused route would have read (archive routes of records.routes.ts; FHIR by type). */
const ROUTE_CATEGORY: Record<string, RecordCategory> = {
  archive: 'basic',
  allergies: 'basic',
  timeline: 'encounters',
  observations: 'labs',
  Patient: 'basic',
  AllergyIntolerance: 'basic',
  Encounter: 'encounters',
  Condition: 'diagnoses',
  MedicationRequest: 'medications',
  MedicationDispense: 'medications',
  Observation: 'labs',
};

/**
 * What a refused request tried to reach: the route's last literal segment (`/patients/:id/archive` →
 * archive); on the FHIR API `fhir:<type>` when the route names one, else `fhir`.
 */
function refusedTarget(route: string): string {
  const literal = route.split('/').filter((s) => s && !s.startsWith(':'));
  const last = literal.at(-1) ?? route;
  if (!route.startsWith('/fhir')) return last;
  return /^[A-Z][A-Za-z]+$/.test(last) ? `fhir:${last}` : 'fhir';
}

function entryOf(
  e: PatientAuditEvent,
  patientId: string,
): Omit<AccessLogEntry, 'reader'> & { actorId: string } {
  const d = e.details;
  const base = { id: String(e.id), at: e.occurredAt.toISOString(), patientId, actorId: e.actorId! };
  if (e.action === 'record.read') {
    return {
      ...base,
      category: isCategory(d.category) ? d.category : null,
      what: typeof d.what === 'string' ? d.what : 'record',
      relationship: isRelationship(d.relationship) ? d.relationship : null,
      channel: CHANNELS.includes(d.channel as Channel) ? (d.channel as Channel) : 'app',
      outcome: e.outcome === 'failure' ? 'failure' : 'success',
    };
  }
  if (e.action === 'allergy.read') {
    return {
      ...base,
      category: 'basic',
      what: 'allergies',
      relationship: e.actorRole === 'patient' ? 'proxy' : 'visit',
      channel: 'app',
      outcome: 'success',
    };
  }
  if (e.action === 'record.break_glass') {
    return {
      ...base,
      category: null,
      what: 'break_glass',
      relationship: 'break_glass',
      channel: 'app',
      outcome: 'success',
    };
  }
  const route = typeof d.route === 'string' ? d.route : '';
  const what = refusedTarget(route);
  const channel: Channel = route.startsWith('/fhir')
    ? 'fhir'
    : route.includes('/export')
      ? 'export'
      : CHANNELS.includes(d.channel as Channel)
        ? (d.channel as Channel)
        : 'app';
  return {
    ...base,
    category: isCategory(d.category) ? d.category : (ROUTE_CATEGORY[what.replace(/^fhir:/, '')] ?? null),
    what,
    relationship: null,
    channel,
    outcome: 'failure',
  };
}

/** The access log of the caller's own record, or of a dependent's (`patientId`, ID-6); newest first. */
export async function accessLog(
  ctx: AppContext,
  auth: AuthContext,
  query: Static<typeof AccessLogQuery>,
  actor: Actor,
): Promise<Page<AccessLogEntry>> {
  const now = ctx.clock.now();
  const patientId = await actingPatient(ctx.db, auth, query.patientId);
  const limit = query.limit ?? 30;
  const after = decodeCursor(query.before, ['instant', 'number'] as const);
  const patient = await patientCard(ctx.db, { patientId });
  const events = await patientAuditEvents(ctx.db, {
    patientId,
    actions: ACTIONS,
    excludeActorId: patient?.accountId ?? null,
    before: after ? { at: new Date(after[0]), id: after[1] } : undefined,
    limit,
  });
  const page = cutPage(events, limit, (e) => [e.occurredAt.toISOString(), e.id]);
  const entries = page.rows.map((e) => entryOf(e, patientId));
  const readers = await accountCards(
    ctx.db,
    entries.map((e) => e.actorId),
  );
  const institutions = await institutionFacts(
    ctx.db,
    [...readers.values()].flatMap((r) => (r.institutionId ? [r.institutionId] : [])),
  );
  const roleOf = new Map(page.rows.map((e) => [String(e.id), e.actorRole]));
  const items: AccessLogEntry[] = entries.map(({ actorId, ...e }) => {
    const reader = readers.get(actorId);
    return {
      ...e,
      reader: {
        name: reader?.name ?? '',
        role: roleOf.get(e.id) ?? null,
        institutionName: reader?.institutionId
          ? (institutions.get(reader.institutionId)?.name ?? null)
          : null,
      },
    };
  });
  await recordAudit(
    ctx.db,
    actor,
    { action: 'record.access_log', resourceType: 'audit_event', patientId, details: { count: items.length } },
    now,
  );
  return { items, nextCursor: page.nextCursor };
}
