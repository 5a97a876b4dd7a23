import type { FhirProvider } from '../../fhir/types.js';

/** The directory module's FHIR resources ([6/12]). [stub: filled by a FHIR helper] */
export const directoryFhirProviders: FhirProvider[] = [];
