/**
 * The records module's FHIR resources ([6/12]): Encounter, Condition, Observation, DiagnosticReport and
 * Consent, each in its own file beside this one. Who may read is the facade's (records/care-access.ts,
 * SEC-1); each provider filters by the `readable` patients it is given.
 */
import type { FhirProvider } from '../../fhir/types.js';
import { conditionProvider, encounterProvider } from './archive.fhir.js';
import { consentProvider } from './consent.fhir.js';
import { diagnosticReportProvider, observationProvider } from './results.fhir.js';

export const recordsFhirProviders: FhirProvider[] = [
  encounterProvider,
  conditionProvider,
  observationProvider,
  diagnosticReportProvider,
  consentProvider,
];
