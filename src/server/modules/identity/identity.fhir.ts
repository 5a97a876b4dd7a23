import type { FhirProvider } from '../../fhir/types.js';

/** The identity module's FHIR resources ([6/12]). [stub: filled by a FHIR helper] */
export const identityFhirProviders: FhirProvider[] = [];
