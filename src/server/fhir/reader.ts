/**
 * Who reads, for one FHIR request ([6/12]): the one access check (records/care-access.ts, SEC-1, DJ-9)
 * applied to providers, cached for the request, and the audit of what was read (DJ-12): one `record.read`
 * per patient per resource type per request, channel 'fhir' (or 'export').
 */
import type { RecordCategory } from '../../shared/records.js';
import { patientRelationsOfAccount } from '../modules/identity/identity.api.js';
import {
  type CareDecision,
  covers,
  decisionFor,
  ownDecision,
  readerRelationships,
  recordRead,
  requireRecordAccess,
} from '../modules/records/care-access.js';
import type { Actor } from '../platform/audit/audit.js';
import type { AuthContext } from '../platform/auth/access.js';
import type { AppContext } from '../platform/context.js';
import type { FhirEnv, FhirProvider, Found } from './types.js';

export interface ReadItem {
  provider: FhirProvider;
  found: Found;
}

/** The category a found resource counts under: its own, else its provider's (null: not patient data). */
export const categoryOf = (provider: FhirProvider, found: Found): RecordCategory | null =>
  found.category ?? provider.category;

export class FhirReader {
  private own: Promise<Map<string, 'self' | 'proxy'>> | undefined;
  private relations: Promise<Map<string, CareDecision[]>> | undefined;
  private readonly decisions = new Map<string, Promise<CareDecision>>();

  constructor(
    readonly ctx: AppContext,
    readonly auth: AuthContext,
    readonly actor: Actor,
    readonly now: Date,
  ) {}

  /** Whom the reader is (self) or acts for (proxy, ID-6): one query per request. */
  private ownRelations(): Promise<Map<string, 'self' | 'proxy'>> {
    this.own ??= patientRelationsOfAccount(this.ctx.db, this.auth.accountId);
    return this.own;
  }

  /** Every relationship the reader holds now, by patient (care-access, evaluated once per request). */
  private relationships(): Promise<Map<string, CareDecision[]>> {
    this.relations ??= this.ownRelations().then((own) =>
      readerRelationships(this.ctx, this.ctx.db, this.auth, this.now, own),
    );
    return this.relations;
  }

  /** The patients the reader is or acts for (self, proxy: ID-6): their resident ID is shown unmasked. */
  async ownPatients(): Promise<ReadonlySet<string>> {
    return new Set((await this.ownRelations()).keys());
  }

  /**
   * The providers' environment. `patientData` false (only directory and schedule types are involved):
   * `ownPatients` is left empty rather than looked up, as nothing of a patient is mapped.
   */
  async env(base: string, patientData = true): Promise<FhirEnv> {
    const ownPatients = patientData ? await this.ownPatients() : new Set<string>();
    return { ctx: this.ctx, db: this.ctx.db, now: this.now, ownPatients, base };
  }

  /** `readable` for a provider's query: 'any' for data about no patient, else the care-access list. */
  async readable(provider: FhirProvider): Promise<string[] | 'any'> {
    if (provider.category === null) return 'any';
    const lists = await Promise.all(
      [provider.category, ...(provider.otherCategories ?? [])].map((c) => this.readableIn(c)),
    );
    // The union: each row is then shown only if its own category is readable (`shown`).
    return lists.length === 1 ? lists[0]! : [...new Set(lists.flat())];
  }

  /** The patients whose data of `category` the reader may see now (care-access decisions). */
  async readableIn(category: RecordCategory): Promise<string[]> {
    const out: string[] = [];
    for (const [id, decisions] of await this.relationships()) {
      if (decisions.some((d) => covers(d, category))) out.push(id);
    }
    return out;
  }

  /**
   * The relationship under which the reader may read `category` of the patient; 403 NO_CARE_RELATIONSHIP.
   * The reader's own patients need no further query; after a search, the decisions it loaded; otherwise
   * care-access's check of that one patient.
   */
  decision(patientId: string, category: RecordCategory): Promise<CareDecision> {
    const key = `${patientId}|${category}`;
    let p = this.decisions.get(key);
    if (!p) {
      p = this.ownRelations().then((own) => {
        const relation = own.get(patientId);
        if (relation) return ownDecision(relation);
        if (this.relations) return this.relations.then((all) => decisionFor(all.get(patientId), category));
        return requireRecordAccess(this.ctx, this.ctx.db, this.auth, patientId, category, this.now);
      });
      this.decisions.set(key, p);
    }
    return p;
  }

  /**
   * Whether a found resource may be shown (defence in depth behind the provider's own `readable` filter,
   * and the check of a resource whose own category is not its provider's): patient data only of a patient
   * readable in that category.
   */
  async visible(provider: FhirProvider, found: Found): Promise<boolean> {
    const category = categoryOf(provider, found);
    if (category === null || found.patientId === null) return true;
    return (await this.readableIn(category)).includes(found.patientId);
  }

  /**
   * One audit entry per patient per resource type among `items` (patient data only), or per category
   * (`by` 'category', for an export).
   */
  async audit(
    items: readonly ReadItem[],
    channel: 'fhir' | 'export' = 'fhir',
    what?: string,
    by: 'type' | 'category' = 'type',
  ): Promise<void> {
    const groups = new Map<
      string,
      { type: string; category: RecordCategory; patientId: string; ids: string[] }
    >();
    for (const { provider, found } of items) {
      const category = categoryOf(provider, found);
      if (category === null || found.patientId === null) continue;
      const key = `${found.patientId}|${category}|${by === 'type' ? provider.type : ''}`;
      const g = groups.get(key) ?? { type: provider.type, category, patientId: found.patientId, ids: [] };
      g.ids.push(found.resource.id);
      groups.set(key, g);
    }
    for (const { type, category, patientId, ids } of groups.values()) {
      const decision = await this.decision(patientId, category);
      await recordRead(
        this.ctx.db,
        this.actor,
        {
          patientId,
          category,
          what: what ?? `fhir:${type}`,
          relationship: decision.relationship,
          channel,
          resourceId: ids.length === 1 ? ids[0] : null,
        },
        this.now,
      );
    }
  }
}
