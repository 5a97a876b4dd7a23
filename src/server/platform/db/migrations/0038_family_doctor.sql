-- [12/12] Family doctor (家庭医生签约服务, seed 002): teams, packages and contracts (FD-1…FD-3), chronic
-- follow-up with home readings (FD-7, FD-8), two-way referral (FD-4, FD-6), home visits and home nursing
-- (FD-5, FD-9), health education and ratings. Owned by modules/family-doctor.

-- A family-doctor team of a community centre or station: a GP leads, with nurses, public-health staff and
-- optionally a specialist of an alliance hospital (seed 002 (五)).
create table family_team (
  id uuid primary key,
  institution_id uuid not null references institution (id),
  name text not null,
  lead_practitioner_id uuid not null references practitioner (id),
  intro text not null default '',
  -- How many residents the team takes (a full team refuses new contracts: TEAM_FULL).
  capacity integer not null check (capacity > 0),
  status text not null default 'active' check (status in ('active', 'closed')),
  created_at timestamptz not null,
  unique (institution_id, name)
);
create index family_team_institution on family_team (institution_id) where status = 'active';

create table family_team_member (
  team_id uuid not null references family_team (id),
  practitioner_id uuid not null references practitioner (id),
  role text not null check (role in ('lead', 'doctor', 'nurse', 'public_health', 'specialist')),
  primary key (team_id, practitioner_id)
);
create index family_team_member_practitioner on family_team_member (practitioner_id);

-- FD-2: service packages. institution_id null: the district's standard menu every centre offers;
-- otherwise an institution's own (personalised packages are priced by the institution). FD-3: the yearly
-- fee per person and its split between the insurance fund, the public-health fund and the resident.
create table service_package (
  id uuid primary key,
  institution_id uuid references institution (id),
  code text not null,
  name text not null,
  -- basic: every contract has exactly one; the others are chosen freely where the resident is eligible.
  group_code text not null check (group_code in ('basic', 'elderly', 'children', 'pregnancy', 'disability',
    'hypertension', 'diabetes', 'personalised')),
  description text not null,
  services text[] not null,
  fee_fen integer not null check (fee_fen >= 0),
  insurance_fen integer not null check (insurance_fen >= 0),
  public_health_fen integer not null check (public_health_fen >= 0),
  resident_fen integer not null check (resident_fen >= 0),
  -- Eligibility: ages in whole years (inclusive), a sex, conditions (ICD-10 prefixes, e.g. I10, E11).
  min_age integer,
  max_age integer,
  sex text check (sex in ('male', 'female')),
  conditions text[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'retired')),
  created_at timestamptz not null,
  check (insurance_fen + public_health_fen + resident_fen = fee_fen)
);
create unique index service_package_code on service_package (coalesce(institution_id, '00000000-0000-0000-0000-000000000000'::uuid), code);

-- FD-1: one team per resident at a time. A contract is made (pending_signature: the agreement is shown and
-- an SMS code sent to the signer), signed (pending_payment while the resident's part is unpaid), active
-- for its term, then expired; or cancelled before it starts, or terminated early (switched: the resident
-- moved to another team).
create table family_contract (
  id uuid primary key,
  contract_no text not null unique,
  patient_id uuid not null references patient (id),
  team_id uuid not null references family_team (id),
  institution_id uuid not null references institution (id),
  -- Who signed: the resident, or their family proxy (亲情账户).
  signer_account_id uuid not null references account (id),
  years integer not null check (years in (1, 2, 3)),
  starts_on date not null,
  ends_on date not null,
  status text not null check (status in ('pending_signature', 'pending_payment', 'scheduled', 'active',
    'expired', 'cancelled', 'terminated')),
  -- A renewal or switch names the contract it follows.
  previous_contract_id uuid references family_contract (id),
  -- Totals for the whole term, fen (FD-3); insurance + public health + resident = fee.
  fee_fen integer not null check (fee_fen >= 0),
  insurance_fen integer not null,
  public_health_fen integer not null,
  resident_fen integer not null,
  order_id uuid,
  -- A family signing: contracts made together share one order and one group id.
  group_id uuid not null,
  -- The agreement text as signed, its SM3 hash, and when the SMS code confirmed it.
  agreement_text text not null,
  agreement_hash text not null,
  signed_at timestamptz,
  paid_at timestamptz,
  terminated_at timestamptz,
  terminate_reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (ends_on > starts_on),
  check (insurance_fen + public_health_fen + resident_fen = fee_fen)
);
-- FD-1, backed by the database: at most one current contract per resident (a first contract being signed
-- or paid, or the one in force), and at most one next one (a renewal or switch being signed or paid, or
-- signed and waiting for the current term to end). A renewal names the contract it follows, so while it
-- is being signed it is the next one, not a second current one.
create unique index family_contract_current on family_contract (patient_id)
  where status = 'active'
    or (status in ('pending_signature', 'pending_payment') and previous_contract_id is null);
create unique index family_contract_next on family_contract (patient_id)
  where status = 'scheduled'
    or (status in ('pending_signature', 'pending_payment') and previous_contract_id is not null);
create index family_contract_team on family_contract (team_id, status);
-- The lists: a resident's (and their family's) contracts and a team's residents, newest first.
create index family_contract_patient on family_contract (patient_id, created_at desc);
create index family_contract_team_created on family_contract (team_id, created_at desc);
create index family_contract_order on family_contract (order_id);
create index family_contract_group on family_contract (group_id);
create index family_contract_ends on family_contract (ends_on) where status in ('active', 'scheduled');
-- The job letting go of contracts whose unpaid hold ran out (contract-jobs.ts).
create index family_contract_pending on family_contract (created_at)
  where status in ('pending_signature', 'pending_payment');

create table family_contract_package (
  contract_id uuid not null references family_contract (id),
  package_id uuid not null references service_package (id),
  -- The package's yearly prices when signed (a later price change does not touch a signed contract).
  fee_fen integer not null,
  insurance_fen integer not null,
  public_health_fen integer not null,
  resident_fen integer not null,
  primary key (contract_id, package_id)
);

-- Home readings (居家读数) a resident or their proxy submits, or a team member enters at a follow-up.
create table home_reading (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  kind text not null check (kind in ('bp', 'glucose')),
  -- bp: systolic/diastolic mmHg (+ pulse); glucose: mmol/L ×10 as an integer (7.0 → 70) and its timing.
  systolic integer check (systolic between 40 and 300),
  diastolic integer check (diastolic between 20 and 200),
  pulse integer check (pulse between 20 and 250),
  glucose_tenths integer check (glucose_tenths between 5 and 600),
  glucose_timing text check (glucose_timing in ('fasting', 'postprandial', 'random')),
  -- The classification of FD-7/FD-8 (followup.rules.ts) when the reading was taken.
  classification text not null check (classification in ('controlled', 'uncontrolled', 'urgent')),
  measured_at timestamptz not null,
  source text not null check (source in ('patient', 'staff', 'device')),
  entered_by uuid not null references account (id),
  created_at timestamptz not null,
  check ((kind = 'bp' and systolic is not null and diastolic is not null and glucose_tenths is null)
    or (kind = 'glucose' and glucose_tenths is not null and glucose_timing is not null and systolic is null))
);
create index home_reading_patient on home_reading (patient_id, kind, measured_at desc, id desc);
-- The resident's readings of every kind, newest first (GET /patients/{id}/readings without kind).
create index home_reading_patient_time on home_reading (patient_id, measured_at desc, id desc);

-- FD-7, FD-8: a chronic-disease management plan for a contracted resident (hypertension, type 2 diabetes).
create table followup_plan (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  team_id uuid not null references family_team (id),
  condition text not null check (condition in ('hypertension', 'diabetes')),
  started_on date not null,
  status text not null check (status in ('active', 'closed')),
  -- The last follow-up's classification and how many in a row were uncontrolled (FD-7 "twice").
  last_classification text check (last_classification in ('controlled', 'uncontrolled', 'urgent')),
  uncontrolled_streak integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index followup_plan_live on followup_plan (patient_id, condition) where status = 'active';
create index followup_plan_team on followup_plan (team_id) where status = 'active';

-- One follow-up on the team's worklist: scheduled by the plan (≥4 a year), brought forward by a reading or
-- a follow-up's result (within 2 weeks), or a task of a downward referral's care plan. Done with a record.
create table followup (
  id uuid primary key,
  plan_id uuid references followup_plan (id),
  patient_id uuid not null references patient (id),
  team_id uuid not null references family_team (id),
  reason text not null check (reason in ('scheduled', 'adjust', 'refer', 'urgent', 'care_plan')),
  -- The referral whose care plan made this task (reason care_plan).
  referral_id uuid,
  title text not null,
  due_on date not null,
  status text not null check (status in ('due', 'done', 'cancelled')),
  method text check (method in ('clinic', 'home', 'phone', 'online')),
  -- The follow-up record (随访记录): measurements, symptoms, medication, advice; its classification.
  record jsonb,
  classification text check (classification in ('controlled', 'uncontrolled', 'urgent')),
  -- What the result asked for next (followup.rules.ts nextAction, FD-7/FD-8).
  action text check (action in ('routine', 'adjust', 'refer', 'urgent_referral')),
  done_at timestamptz,
  done_by uuid references practitioner (id),
  created_at timestamptz not null
);
create index followup_worklist on followup (team_id, status, due_on);
create index followup_patient on followup (patient_id, due_on desc);
-- A plan's open follow-ups (the next one, one due sooner than a recheck).
create index followup_plan_open on followup (plan_id, due_on) where status = 'due';

-- A reading or follow-up that needs the team's attention now (uncontrolled twice, urgent).
create table reading_alert (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  team_id uuid not null references family_team (id),
  reading_id uuid references home_reading (id),
  level text not null check (level in ('uncontrolled', 'refer', 'urgent')),
  reason text not null,
  created_at timestamptz not null,
  handled_at timestamptz,
  handled_by uuid references practitioner (id),
  handled_note text
);
create index reading_alert_open on reading_alert (team_id, created_at) where handled_at is null;
create index reading_alert_patient on reading_alert (patient_id) where handled_at is null;

-- FD-4: two-way referral. up: a family doctor sends a contracted resident to an alliance hospital, booked
-- on the hospital's referral quota; down: the hospital sends a stabilised patient back with a care plan
-- that becomes follow-up tasks for the resident's team.
create table referral (
  id uuid primary key,
  referral_no text not null unique,
  patient_id uuid not null references patient (id),
  direction text not null check (direction in ('up', 'down')),
  from_institution_id uuid not null references institution (id),
  from_practitioner_id uuid not null references practitioner (id),
  to_institution_id uuid not null references institution (id),
  to_department_id uuid references department (id),
  contract_id uuid references family_contract (id),
  summary text not null,
  -- down: [{title, dueInDays}] tasks, advice and medication (jsonb, shape in src/shared/family-doctor.ts).
  care_plan jsonb,
  status text not null check (status in ('sent', 'accepted', 'booked', 'completed', 'declined', 'cancelled')),
  appointment_id uuid,
  decline_reason text,
  -- What the receiving side wrote when it completed the referral (the visit's outcome, the follow-up done).
  complete_note text,
  accepted_at timestamptz,
  accepted_by uuid references practitioner (id),
  booked_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index referral_to on referral (to_institution_id, status, created_at desc);
create index referral_from on referral (from_institution_id, status, created_at desc);
create index referral_patient on referral (patient_id, created_at desc);
create index referral_appointment on referral (appointment_id) where appointment_id is not null;

-- FD-9: the home-service catalogue (home visits, home sick-bed rounds and ~45 home-nursing items).
create table home_service_item (
  code text primary key,
  name text not null,
  category text not null check (category in ('visit', 'sickbed', 'nursing')),
  -- nursing: the item's own fee (materials and service) on top of the nurse's visit fee (FD-5).
  item_fee_fen integer not null check (item_fee_fen >= 0),
  description text not null,
  sort integer not null,
  status text not null default 'active' check (status in ('active', 'retired'))
);

create table home_service (
  id uuid primary key,
  service_no text not null unique,
  patient_id uuid not null references patient (id),
  requested_by uuid not null references account (id),
  institution_id uuid not null references institution (id),
  team_id uuid references family_team (id),
  item_code text not null references home_service_item (code),
  window_start timestamptz not null,
  window_end timestamptz not null,
  address_enc text not null,
  note text,
  -- FD-5: the visit fee by the provider's title + the item's fee, fen.
  fee_fen integer not null check (fee_fen >= 0),
  order_id uuid,
  status text not null check (status in ('pending_payment', 'requested', 'accepted', 'in_service',
    'completed', 'cancelled')),
  provider_practitioner_id uuid references practitioner (id),
  -- The client's code (shown in the resident's app, checked at the door): its HMAC, never the code.
  client_code_hash text not null,
  -- Wrong codes typed at the door in a row; the 5th locks check-in for 15 minutes (home-service.rules.ts).
  code_failures integer not null default 0,
  code_locked_until timestamptz,
  accepted_at timestamptz,
  checked_in_at timestamptz,
  checked_out_at timestamptz,
  -- The service record (服务记录) written at check-out.
  record jsonb,
  cancelled_at timestamptz,
  cancel_reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (window_end > window_start)
);
create index home_service_institution on home_service (institution_id, status, window_start);
create index home_service_patient on home_service (patient_id, created_at desc);
create index home_service_provider on home_service (provider_practitioner_id, status);
create index home_service_order on home_service (order_id);
-- The job that ends unpaid holds (home-services.service.ts expireHomeServiceHolds).
create index home_service_unpaid on home_service (created_at) where status = 'pending_payment';

-- The nurse's trace (FD-9): check-in and check-out positions, positions on the way, the panic button.
create table home_service_event (
  id uuid primary key,
  service_id uuid not null references home_service (id),
  kind text not null check (kind in ('check_in', 'position', 'check_out', 'panic', 'panic_handled')),
  latitude double precision,
  longitude double precision,
  accuracy_m double precision,
  at timestamptz not null,
  by_account_id uuid not null references account (id),
  note text
);
create index home_service_event_service on home_service_event (service_id, at);
create index home_service_event_panic on home_service_event (at) where kind = 'panic';

-- Health education pushed to contracted residents by condition, with read receipts.
create table health_article (
  id uuid primary key,
  title text not null,
  summary text not null,
  body text not null,
  -- Who it is for: conditions (hypertension, diabetes) and groups (elderly, children, …); empty: everyone.
  audiences text[] not null default '{}',
  author_practitioner_id uuid references practitioner (id),
  published_at timestamptz not null
);
-- The staff's list of articles, newest first (GET /family-doctor/articles).
create index health_article_published on health_article (published_at desc, id desc);

create table article_push (
  article_id uuid not null references health_article (id),
  patient_id uuid not null references patient (id),
  team_id uuid not null references family_team (id),
  pushed_at timestamptz not null,
  read_at timestamptz,
  primary key (article_id, patient_id)
);
create index article_push_patient on article_push (patient_id, pushed_at desc);

-- Satisfaction (seed 002 (十五)): a resident rates a contract year, a follow-up or a home service 1–5.
create table service_rating (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  team_id uuid not null references family_team (id),
  subject text not null check (subject in ('contract', 'followup', 'home_service')),
  subject_id uuid not null,
  stars integer not null check (stars between 1 and 5),
  comment text,
  created_at timestamptz not null,
  unique (subject, subject_id)
);
create index service_rating_team on service_rating (team_id, created_at);

-- The signer confirms a family-doctor agreement by an SMS code (FD-1).
alter table otp_code drop constraint if exists otp_code_purpose_check;
alter table otp_code add constraint otp_code_purpose_check
  check (purpose in ('login', 'proxy_confirm', 'second_factor', 'account_delete', 'contract_sign'));

-- Payments learn the contract and home-service purposes.
alter table payment_order drop constraint payment_order_purpose_check;
alter table payment_order add constraint payment_order_purpose_check
  check (purpose in ('appointment', 'visit', 'prescription', 'contract', 'home_service'));
