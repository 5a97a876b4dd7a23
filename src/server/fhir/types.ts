/**
 * The FHIR facade's contract with the modules ([6/12]): each module that holds FHIR-visible data exports
 * providers from its `<module>.fhir.ts` (naming only its own tables); `src/server/fhir/` parses requests,
 * applies the one access check (records/care-access.ts), pages, follows `_include`, and answers Bundles and
 * OperationOutcomes. No provider decides who may read: it filters by the `readable` list it is given.
 */
import type { Appointment, Resource } from '@medplum/fhirtypes';
import type { RecordCategory } from '../../shared/records.js';
import type { Actor } from '../platform/audit/audit.js';
import type { AuthContext } from '../platform/auth/access.js';
import type { AppContext } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';

export type Prefix = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'sa' | 'eb' | 'ap';

/** A date search value: its prefix and the instant range its precision covers, [start, end). */
export interface DateFilter {
  prefix: Prefix;
  start: Date;
  end: Date;
}

/** A token: `system|code`, `|code` (system = ''), or `code` (system undefined: any system). */
export interface TokenFilter {
  system?: string;
  code: string;
}

/** The keyset position after which the next page starts (value of the sort key, then id). */
export interface After {
  value: string | number;
  id: string;
}

export interface ProviderQuery {
  /** _id (OR). */
  ids?: string[];
  /**
   * patient / subject (OR), bare ids. Patient-data providers MUST also filter by `readable`; the facade
   * passes an empty `readable` list when the reader may see nobody, and the provider then returns nothing.
   */
  patients?: string[];
  /** Patients whose data of this provider's category the reader may see; 'any' for non-patient data. */
  readable: string[] | 'any';
  /** _lastUpdated (AND). */
  lastUpdated: DateFilter[];
  /** date (AND), on the provider's main date. */
  date: DateFilter[];
  /** status (OR). */
  status?: string[];
  /** identifier: AND of ORs. */
  identifier: TokenFilter[][];
  /** code: AND of ORs. */
  code: TokenFilter[][];
  /** Other parameters the provider declared (type-specific), raw values (each value may hold commas). */
  params: Record<string, string[]>;
  /** One sort key the provider declared (`sorts`), then id in the same direction. */
  sort: { param: string; desc: boolean };
  after?: After;
  /** Return at most `limit` matches (the facade asks for _count + 1 to know whether there is a next page). */
  limit: number;
}

export interface Found {
  resource: Resource & { id: string };
  /** The patient the resource is about (null for directory and schedule resources). */
  patientId: string | null;
  /** The value of the query's sort key for this row (for the next page's cursor). */
  sortValue: string | number;
  /**
   * The category this resource counts under when it is not the provider's (a 检查 report served by a
   * `labs` provider is `exams`): the facade then checks and audits it under this one. Optional.
   */
  category?: RecordCategory;
}

export interface SearchParamDef {
  name: string;
  type: 'token' | 'reference' | 'date' | 'string' | 'number' | 'uri' | 'quantity';
  documentation: string;
}

export interface IncludeDef {
  /** The search parameter naming the reference (`patient` in Observation:patient). */
  param: string;
  target: string;
  /** The referenced ids (`Patient/123` → '123') found in a resource. */
  ids: (resource: Resource) => string[];
}

/** What a provider may use while mapping: who reads decides whether identifiers are shown in full. */
export interface FhirEnv {
  ctx: AppContext;
  db: Executor;
  now: Date;
  /** Patients the reader is, or acts for (self, proxy): their resident ID is shown in full; others masked. */
  ownPatients: ReadonlySet<string>;
  /** The absolute base of links and fullUrls (http://host/fhir/R4). */
  base: string;
}

export interface FhirProvider {
  type: string;
  /** The archive category a resource counts under (access and the access log); null: not patient data. */
  category: RecordCategory | null;
  /**
   * Other categories some of its resources count under (`Found.category`): Observation and DiagnosticReport
   * hold exam results too, so a reader authorised for exams only still finds those by search.
   */
  otherCategories?: RecordCategory[];
  /**
   * Parameters beyond the common ones (_id, _count, _lastUpdated, _sort, _include, and — where the
   * provider sets `common` — patient/subject, date, status, identifier, code).
   */
  common: ('patient' | 'subject' | 'date' | 'status' | 'identifier' | 'code')[];
  searchParams: SearchParamDef[];
  /** _sort values allowed; the first is the default (`-date` style direction is given by the caller). */
  sorts: string[];
  includes: IncludeDef[];
  read(env: FhirEnv, id: string): Promise<Found | null>;
  search(env: FhirEnv, q: ProviderQuery): Promise<Found[]>;
  /** Writes the type supports (`POST /Appointment` only, for now). */
  create?: never;
}

/**
 * `POST /fhir/R4/Appointment` ([6/12]): scheduling books a FHIR Appointment through its own rules (the
 * same refusals and codes as REST) and answers the booked Appointment. Exported by
 * scheduling/scheduling.fhir.ts as `bookFromFhir`; the facade parses the body, checks `resourceType`,
 * and answers 201 with Location, ETag and the resource (or the refusal as an OperationOutcome).
 */
export type BookFromFhir = (
  env: FhirEnv,
  auth: AuthContext,
  actor: Actor,
  appointment: Appointment,
) => Promise<Found>;
