import type { FhirProvider } from '../../fhir/types.js';

/** AuditEvent ([6/12]). [stub: filled by a FHIR helper] */
export const auditFhirProviders: FhirProvider[] = [];
