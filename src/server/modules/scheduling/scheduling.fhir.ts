/**
 * The scheduling module's FHIR resources ([6/12]): Schedule and Slot (sessions.fhir.ts), Appointment and
 * booking through `POST /fhir/R4/Appointment` (appointment.fhir.ts). Code systems: docs/fhir.md.
 */
import type { FhirProvider } from '../../fhir/types.js';
import { appointmentProvider } from './appointment.fhir.js';
import { sessionFhirProviders } from './sessions.fhir.js';

/** `POST /fhir/R4/Appointment` (the facade offers `create` because this is exported). */
export { bookFromFhir } from './appointment.fhir.js';

/** Scheduling's FHIR resources ([6/12]). */
export const schedulingFhirProviders: FhirProvider[] = [...sessionFhirProviders, appointmentProvider];
