/**
 * The admin forms' units and shapes: the institution types yuan, one service a line and ICD-10 prefixes;
 * the API keeps integer fen (FD-3 split) and arrays (PackageBody, TeamBody). Plain functions, tested beside.
 */
import type {
  PackageBody,
  PackageGroup,
  PackageView,
  TeamBody,
  TeamRole,
  TeamView,
} from '../../../../shared/family-doctor.js';

/** Yuan typed (two decimals at most) → integer fen: 12.34 → 1234, 0.1 + 0.2 safe. Empty → 0. */
export function yuanToFen(yuan: number | null | undefined): number {
  return typeof yuan === 'number' && Number.isFinite(yuan) ? Math.round(yuan * 100) : 0;
}

export const fenToYuan = (fen: number) => fen / 100;

/** FD-3: the package's fee is the sum of its three shares, in fen. */
export function totalFen(
  values: Pick<PackageFormValues, 'insuranceYuan' | 'publicHealthYuan' | 'residentYuan'>,
) {
  return (
    yuanToFen(values.insuranceYuan) + yuanToFen(values.publicHealthYuan) + yuanToFen(values.residentYuan)
  );
}

/** A rate 0–1 as a percentage with one decimal; null (nothing to count) as "—". 0.8125 → 81.3%. */
export function percent(rate: number | null | undefined): string {
  return typeof rate === 'number' ? `${(rate * 100).toFixed(1)}%` : '—';
}

/** An average of 1–5 stars with one decimal; null as "—". */
export function stars(value: number | null | undefined): string {
  return typeof value === 'number' ? value.toFixed(1) : '—';
}

/** An ICD-10 category or subcategory, as the server takes it (packages.service.ts): I10, E11, E11.9. */
export const ICD10_PREFIX = /^[A-Z]\d{2}(\.\d{1,2})?$/;

export function normaliseCondition(code: string): string {
  return code.trim().toUpperCase();
}

/** The services as typed, one a line: trimmed, blank lines dropped. */
export function servicesFromText(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface PackageFormValues {
  code: string;
  name: string;
  group: PackageGroup;
  description: string;
  servicesText: string;
  insuranceYuan: number | null;
  publicHealthYuan: number | null;
  residentYuan: number | null;
  minAge?: number | null;
  maxAge?: number | null;
  /** 'any' in the select; null in the body. */
  sex: 'male' | 'female' | 'any';
  conditions?: string[];
}

/**
 * The body sent: no limit is left out rather than sent as null (the server reads a missing limit as none,
 * and its validator coerces a null integer to 0, which would read as "aged 0 at most").
 */
export function packageBody(values: PackageFormValues): PackageBody {
  const minAge = values.minAge ?? undefined;
  const maxAge = values.maxAge ?? undefined;
  return {
    code: values.code.trim(),
    name: values.name.trim(),
    group: values.group,
    description: values.description.trim(),
    services: servicesFromText(values.servicesText),
    insuranceFen: yuanToFen(values.insuranceYuan),
    publicHealthFen: yuanToFen(values.publicHealthYuan),
    residentFen: yuanToFen(values.residentYuan),
    ...(minAge === undefined ? {} : { minAge }),
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(values.sex === 'any' ? {} : { sex: values.sex }),
    conditions: [...new Set((values.conditions ?? []).map(normaliseCondition))],
  };
}

export function packageFormValues(p: PackageView): PackageFormValues {
  return {
    code: p.code,
    name: p.name,
    group: p.group,
    description: p.description,
    servicesText: p.services.join('\n'),
    insuranceYuan: fenToYuan(p.insuranceFen),
    publicHealthYuan: fenToYuan(p.publicHealthFen),
    residentYuan: fenToYuan(p.residentFen),
    minAge: p.minAge,
    maxAge: p.maxAge,
    sex: p.sex ?? 'any',
    conditions: p.conditions,
  };
}

export const NEW_PACKAGE: Partial<PackageFormValues> = {
  group: 'personalised',
  sex: 'any',
  conditions: [],
  insuranceYuan: 0,
  publicHealthYuan: 0,
  residentYuan: 0,
};

export interface TeamFormValues {
  name: string;
  intro?: string;
  capacity: number;
  leadPractitionerId: string;
  members?: { practitionerId?: string; role?: Exclude<TeamRole, 'lead'> }[];
}

export function teamBody(values: TeamFormValues): TeamBody {
  return {
    name: values.name.trim(),
    intro: (values.intro ?? '').trim(),
    capacity: values.capacity,
    leadPractitionerId: values.leadPractitionerId,
    members: (values.members ?? [])
      .filter((m): m is { practitionerId: string; role: Exclude<TeamRole, 'lead'> } =>
        Boolean(m.practitionerId && m.role),
      )
      .filter((m) => m.practitionerId !== values.leadPractitionerId),
  };
}

export function teamFormValues(team: TeamView): TeamFormValues {
  return {
    name: team.name,
    intro: team.intro,
    capacity: team.capacity,
    leadPractitionerId: team.lead.practitionerId,
    members: team.members
      .filter((m) => m.practitionerId !== team.lead.practitionerId && m.role !== 'lead')
      .map((m) => ({ practitionerId: m.practitionerId, role: m.role as Exclude<TeamRole, 'lead'> })),
  };
}

/** The role a new member gets by default: nurses are nurses, a doctor of another institution a specialist. */
export function defaultRole(
  candidate: { kind: string; institutionId: string } | undefined,
  institutionId: string,
): Exclude<TeamRole, 'lead'> {
  if (!candidate) return 'doctor';
  if (candidate.kind === 'nurse') return 'nurse';
  return candidate.institutionId === institutionId ? 'doctor' : 'specialist';
}
