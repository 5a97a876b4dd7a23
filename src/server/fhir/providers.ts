import { directoryFhirProviders } from '../modules/directory/directory.fhir.js';
import { identityFhirProviders } from '../modules/identity/identity.fhir.js';
import { prescriptionsFhirProviders } from '../modules/prescriptions/prescriptions.fhir.js';
import { recordsFhirProviders } from '../modules/records/records.fhir.js';
import { schedulingFhirProviders } from '../modules/scheduling/scheduling.fhir.js';
import { auditFhirProviders } from '../platform/audit/audit.fhir.js';
import type { FhirProvider } from './types.js';

/** Every resource type the API serves, by type: the CapabilityStatement is generated from this list. */
export function allProviders(): Map<string, FhirProvider> {
  return new Map(
    [
      ...identityFhirProviders,
      ...directoryFhirProviders,
      ...schedulingFhirProviders,
      ...recordsFhirProviders,
      ...prescriptionsFhirProviders,
      ...auditFhirProviders,
    ].map((p) => [p.type, p]),
  );
}
