/**
 * The directory module's FHIR resources ([6/12]): practitioners and their roles (practitioners.fhir.ts),
 * institutions, their premises and departments (places.fhir.ts). Identifier and code systems: docs/fhir.md.
 */
import type { FhirProvider } from '../../fhir/types.js';
import { institutionFhirProviders } from './places.fhir.js';
import { practitionerFhirProviders } from './practitioners.fhir.js';

export { parsePractitionerRoleId, practitionerRoleId } from './practitioners.fhir.js';

/** Directory's FHIR resources ([6/12]). */
export const directoryFhirProviders: FhirProvider[] = [
  ...practitionerFhirProviders,
  ...institutionFhirProviders,
];
