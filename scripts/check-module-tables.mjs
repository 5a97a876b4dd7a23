#!/usr/bin/env node
// A module owns its tables (docs/architecture.md, "Who owns which table"): this check fails when code
// under src/server/modules/<m>/ or src/server/platform/ names a table another module owns — in a Kysely
// call (selectFrom, insertInto, updateTable, deleteFrom, joins) or in raw SQL (from/join/update/into).
// Another module's data is read and changed only through that module's exported functions.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Owner of every table. Keep in step with docs/architecture.md. */
export const OWNERS = {
  platform: [
    'schema_migration',
    'audit_event',
    'audit_block',
    'idempotency_record',
    'outbox',
    'outbox_receipt',
    'signing_key',
    'signing_ca',
  ],
  identity: [
    'account',
    'patient',
    'family_proxy',
    'auth_session',
    'otp_code',
    'login_guard',
    'patient_allergy',
    'account_preference',
    'account_consent',
    'health_card',
    'password_history',
    'account_totp',
    'recovery_code',
    'mfa_challenge',
    'institution_mfa_policy',
  ],
  records: [
    'health_profile',
    'vaccination',
    'encounter',
    'diagnosis',
    'diagnostic_report',
    'observation',
    'access_grant',
    'break_glass',
  ],
  hl7: ['hl7_message', 'hl7_match'],
  insurance: [
    'insurance_policy',
    'insurance_designation',
    'insured_person',
    'family_wallet_link',
    'insurance_settlement',
    'insurance_settlement_line',
    'insurance_alert',
    'reconciliation_statement',
    'insurance_batch_run',
    // The simulated national insurance platform's own ledger (insurance/sim/ only).
    'inssim_person',
    'inssim_voucher',
    'inssim_message',
    'inssim_settlement',
  ],
  // The FHIR facade owns no table: it reads through each module's `<module>.fhir.ts`.
  fhir: [],
  directory: ['institution', 'department', 'practitioner', 'practitioner_site', 'licence'],
  scheduling: ['booking_policy', 'schedule', 'token', 'appointment', 'waitlist_entry'],
  payments: [
    'payment_order',
    'payment_notification',
    'refund',
    'payment_order_line',
    // The simulated payment gateway's own ledger (payments/sim-gateway.ts only).
    'paysim_key',
    'paysim_order',
    'paysim_refund',
  ],
  notifications: ['notification'],
  visits: [
    'offline_diagnosis',
    'pilot_scope',
    'first_visit_whitelist',
    'practitioner_presence',
    'attachment',
    'visit',
    'visit_event',
    'visit_message',
    'visit_read',
    'visit_call',
    'medical_record',
    'record_addendum',
  ],
  prescriptions: [
    'drug',
    'formulary',
    'prescription',
    'prescription_item',
    'prescription_review',
    'delivery_address',
    'fulfilment',
    'dispensed_box',
    'delivery',
    'delivery_event',
    // The simulated courier's own ledger (prescriptions/sim-courier.ts only).
    'couriersim_key',
    'couriersim_shipment',
  ],
  pharmacy: ['pharmacy_site', 'stock_item', 'stock_batch', 'stock_reservation'],
  privacy: ['retention_setting', 'retention_run', 'retention_archive', 'deletion_request'],
  security: ['security_alert', 'security_counter', 'security_login_network'],
  remote: [
    'service_agreement',
    'diagnostic_request',
    'remote_report',
    'critical_alert',
    'ecg_record',
    'imaging_study',
    'imaging_series',
    'imaging_instance',
    'specimen',
    'specimen_event',
  ],
  'family-doctor': [
    'family_team',
    'family_team_member',
    'service_package',
    'family_contract',
    'family_contract_package',
    'home_reading',
    'followup_plan',
    'followup',
    'reading_alert',
    'referral',
    'home_service_item',
    'home_service',
    'home_service_event',
    'health_article',
    'article_push',
    'service_rating',
  ],
};

const ownerOf = new Map(Object.entries(OWNERS).flatMap(([m, tables]) => tables.map((t) => [t, m])));

/** Tables declared in the Kysely schema: each must have an owner. */
function declaredTables() {
  const schema = readFileSync(path.join(root, 'src/server/platform/db/schema.ts'), 'utf8');
  const block = schema.slice(schema.indexOf('export interface DB {'));
  const body = block.slice(0, block.indexOf('\n}'));
  return [...body.matchAll(/^\s+([a-z_]+):/gm)].map((m) => m[1]);
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Comments out, line structure kept (so line numbers stay right). */
function stripComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/.*$/gm, (m, p1) => p1 + ' '.repeat(m.length - p1.length));
}

const KYSELY =
  /\b(?:selectFrom|insertInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|innerJoinLateral|leftJoinLateral)\(\s*['"`]([a-z_]+)(?:\s+as\s+[a-z_]+)?['"`]/g;
const RAW = /\b(?:from|join|update|into)\s+([a-z_]+)\b/gi;

export function findViolations() {
  const problems = [];
  const unowned = declaredTables().filter((t) => !ownerOf.has(t));
  for (const t of unowned) problems.push(`table ${t} has no owner in scripts/check-module-tables.mjs`);
  const areas = [
    ...readdirSync(path.join(root, 'src/server/modules')).map((m) => [m, path.join('src/server/modules', m)]),
    ['platform', 'src/server/platform'],
    ['fhir', 'src/server/fhir'],
  ];
  for (const [module, dir] of areas) {
    for (const file of walk(path.join(root, dir))) {
      const lines = stripComments(readFileSync(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        const named = new Set();
        for (const m of line.matchAll(KYSELY)) named.add(m[1]);
        for (const m of line.matchAll(RAW))
          if (ownerOf.has(m[1].toLowerCase())) named.add(m[1].toLowerCase());
        for (const table of named) {
          const owner = ownerOf.get(table);
          if (owner && owner !== module) {
            problems.push(
              `${path.relative(root, file)}:${i + 1}: ${module} names ${owner}'s table ${table} — call a function ${owner} exports`,
            );
          }
        }
      });
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = findViolations();
  if (problems.length) {
    console.error(`Module table ownership: ${problems.length} violation(s)\n${problems.join('\n')}`);
    process.exit(1);
  }
  console.log('Module table ownership: every module names only its own tables.');
}
