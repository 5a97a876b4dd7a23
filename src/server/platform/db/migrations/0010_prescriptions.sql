-- [5/12] E-prescriptions and circulation. Owners (scripts/check-module-tables.mjs):
--   prescriptions: drug, formulary, prescription, prescription_item, prescription_review, fulfilment,
--                  dispensed_box, delivery, delivery_event, delivery_address
--   pharmacy:      pharmacy_site, stock_item, stock_batch, stock_reservation
--   payments:      payment_order_line        identity: patient_allergy
-- Nothing here is ever deleted (RX-12): rows change state, never disappear.

-- The drug catalogue, modelled on the national insurance drug list (国家医保药品目录).
create table drug (
  id text primary key,
  generic_name text not null,
  brand_name text,
  name_en text not null,
  kind text not null check (kind in ('western', 'patent', 'herbal')),
  atc text,
  dosage_form text not null,
  strength double precision not null check (strength > 0),
  strength_unit text not null,
  unit text not null,
  package_size integer not null check (package_size > 0),
  package_unit text not null,
  route text not null,
  usual_daily_dose double precision not null check (usual_daily_dose > 0),
  max_daily_dose double precision not null check (max_daily_dose >= usual_daily_dose),
  max_daily_dose_per_kg double precision,
  min_age_years double precision,
  price_fen integer not null check (price_fen > 0),
  insurance_category text not null check (insurance_category in ('A', 'B', 'C')),
  otc boolean not null,
  antimicrobial text not null check (antimicrobial in ('none', 'unrestricted', 'restricted', 'special')),
  special_flags text[] not null default '{}',
  ingredients text[] not null,
  allergen_classes text[] not null default '{}',
  chronic boolean not null default false,
  -- Search keys: pinyin initials and full pinyin of the generic and brand names (pinyin-pro at seed time).
  pinyin_initials text not null,
  pinyin_full text not null,
  active boolean not null default true
);
create index drug_generic_name on drug (generic_name text_pattern_ops);
create index drug_pinyin_initials on drug (pinyin_initials text_pattern_ops);

-- Which catalogue drugs an institution's doctors may prescribe online (org_admin keeps it).
create table formulary (
  institution_id uuid not null references institution (id),
  drug_id text not null references drug (id),
  added_by uuid references account (id),
  added_at timestamptz not null,
  primary key (institution_id, drug_id)
);

-- A recorded allergy (to an ingredient or an allergen class, e.g. 青霉素类).
create table patient_allergy (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  substance text not null,
  reaction text,
  recorded_by uuid references account (id),
  recorded_at timestamptz not null,
  removed_at timestamptz
);
create index patient_allergy_patient on patient_allergy (patient_id) where removed_at is null;

create table prescription (
  id uuid primary key,
  -- Versions: a revision is a new row naming the one it replaces; `root_id` is the first version's id.
  root_id uuid not null,
  version integer not null check (version >= 1),
  replaces_id uuid references prescription (id),
  visit_id uuid not null references visit (id),
  patient_id uuid not null references patient (id),
  practitioner_id uuid not null references practitioner (id),
  institution_id uuid not null references institution (id),
  department_id uuid not null references department (id),
  kind text not null check (kind in ('western', 'herbal')),
  status text not null check (status in ('draft', 'pending_review', 'approved', 'rejected', 'superseded',
    'dispensed', 'expired', 'cancelled')),
  diagnoses jsonb not null,
  patient_age_years double precision not null,
  patient_weight_kg double precision,
  valid_days smallint not null default 1 check (valid_days between 1 and 3),
  validity_reason text,
  long_term_reason text,
  checks jsonb not null default '[]',
  total_fen integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  signed_at timestamptz,
  valid_until timestamptz,
  signed_document text,
  content_hash text,
  signature text,
  certificate_serial text,
  approved_at timestamptz,
  rejected_at timestamptz,
  dispensed_at timestamptz,
  expired_at timestamptz,
  cancelled_at timestamptz
);
create index prescription_visit on prescription (visit_id, created_at);
create index prescription_patient on prescription (patient_id, created_at desc);
create index prescription_practitioner on prescription (practitioner_id, created_at desc);
create index prescription_review_queue on prescription (institution_id, signed_at) where status = 'pending_review';
create index prescription_expiry on prescription (valid_until) where status = 'approved';
-- One version is the live one: at most one revision of a version.
create unique index prescription_replaces on prescription (replaces_id) where replaces_id is not null;

create table prescription_item (
  prescription_id uuid not null references prescription (id),
  line smallint not null,
  drug_id text not null references drug (id),
  dose double precision not null check (dose > 0),
  dose_unit text not null,
  frequency text not null,
  days smallint not null check (days > 0),
  quantity integer not null check (quantity > 0),
  route text not null,
  note text,
  interaction_override_reason text,
  unit_price_fen integer not null,
  primary key (prescription_id, line)
);

-- 审方 (RX-10): each review of a signed version, signed by the pharmacist.
create table prescription_review (
  id uuid primary key,
  prescription_id uuid not null references prescription (id),
  pharmacist_id uuid not null references practitioner (id),
  decision text not null check (decision in ('approve', 'reject')),
  reason text,
  reviewed_at timestamptz not null,
  signed_document text not null,
  content_hash text not null,
  signature text not null,
  certificate_serial text not null
);
create unique index prescription_review_once on prescription_review (prescription_id);

create table delivery_address (
  id uuid primary key,
  account_id uuid not null references account (id),
  recipient text not null,
  phone_enc text not null,
  phone_masked text not null,
  subdistrict text not null,
  detail text not null,
  lat double precision not null,
  lng double precision not null,
  is_default boolean not null default false,
  created_at timestamptz not null,
  removed_at timestamptz
);
create index delivery_address_account on delivery_address (account_id) where removed_at is null;

-- Where an approved prescription is filled (RX-13): one pharmacy, pick-up or delivery.
create table fulfilment (
  id uuid primary key,
  prescription_id uuid not null references prescription (id),
  patient_id uuid not null references patient (id),
  account_id uuid not null references account (id),
  pharmacy_id uuid not null references institution (id),
  method text not null check (method in ('pickup', 'delivery')),
  address jsonb,
  status text not null check (status in ('awaiting_payment', 'paid', 'dispensed', 'shipping', 'delivered',
    'received', 'picked_up', 'returned', 'cancelled')),
  order_id uuid not null references payment_order (id),
  drug_fen integer not null,
  delivery_fee_fen integer not null default 0,
  pickup_code text,
  created_at timestamptz not null,
  paid_at timestamptz,
  dispensed_at timestamptz,
  dispensed_by uuid references account (id),
  completed_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text
);
create index fulfilment_prescription on fulfilment (prescription_id);
create index fulfilment_pharmacy on fulfilment (pharmacy_id, status, created_at desc);
create index fulfilment_patient on fulfilment (patient_id, created_at desc);
-- A prescription is filled at most once (RX-11): one fulfilment that is not cancelled.
create unique index fulfilment_live on fulfilment (prescription_id) where status <> 'cancelled';

-- Each box handed out, with its batch and 追溯码; a trace code leaves a pharmacy once, platform-wide.
create table dispensed_box (
  trace_code text primary key check (trace_code ~ '^[0-9]{20}$'),
  fulfilment_id uuid not null references fulfilment (id),
  drug_id text not null references drug (id),
  batch_no text not null,
  dispensed_at timestamptz not null
);
create index dispensed_box_fulfilment on dispensed_box (fulfilment_id);

create table delivery (
  id uuid primary key,
  fulfilment_id uuid not null references fulfilment (id),
  courier text not null,
  waybill_no text,
  status text not null check (status in ('created', 'picked_up', 'in_transit', 'delivered', 'failed',
    'returned')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index delivery_fulfilment on delivery (fulfilment_id, created_at);
create unique index delivery_waybill on delivery (courier, waybill_no) where waybill_no is not null;

create table delivery_event (
  id uuid primary key,
  delivery_id uuid not null references delivery (id),
  courier text not null,
  event_id text not null,
  status text not null,
  occurred_at timestamptz not null,
  received_at timestamptz not null,
  applied boolean not null,
  outcome text not null,
  payload jsonb not null,
  unique (courier, event_id)
);
create index delivery_event_delivery on delivery_event (delivery_id, occurred_at);

-- Pharmacy: where a pharmacy is and what it offers (hospitals' pharmacies too).
create table pharmacy_site (
  institution_id uuid primary key references institution (id),
  lat double precision not null,
  lng double precision not null,
  pickup boolean not null default true,
  delivery boolean not null default true,
  delivery_fee_fen integer not null default 0 check (delivery_fee_fen >= 0),
  opening_hours text
);

-- Stock per drug: `reserved` is held by unfilled fulfilments; the checks keep it from going negative.
create table stock_item (
  pharmacy_id uuid not null references institution (id),
  drug_id text not null references drug (id),
  price_fen integer not null check (price_fen > 0),
  on_hand integer not null check (on_hand >= 0),
  reserved integer not null default 0 check (reserved >= 0 and reserved <= on_hand),
  primary key (pharmacy_id, drug_id)
);
create index stock_item_drug on stock_item (drug_id);

create table stock_batch (
  id uuid primary key,
  pharmacy_id uuid not null references institution (id),
  drug_id text not null references drug (id),
  batch_no text not null,
  expires_on date not null,
  quantity integer not null check (quantity >= 0),
  received_at timestamptz not null,
  unique (pharmacy_id, drug_id, batch_no)
);

create table stock_reservation (
  id uuid primary key,
  pharmacy_id uuid not null references institution (id),
  drug_id text not null references drug (id),
  fulfilment_id uuid not null,
  quantity integer not null check (quantity > 0),
  status text not null check (status in ('held', 'consumed', 'released')),
  created_at timestamptz not null,
  settled_at timestamptz,
  unique (fulfilment_id, drug_id)
);

-- Payments: itemised order lines, so insurance ([7/12]) can split them by category.
create table payment_order_line (
  order_id uuid not null references payment_order (id),
  line smallint not null,
  kind text not null check (kind in ('drug', 'delivery', 'service')),
  ref text,
  name text not null,
  quantity integer not null check (quantity > 0),
  unit_price_fen integer not null check (unit_price_fen >= 0),
  amount_fen integer not null check (amount_fen >= 0),
  insurance_category text check (insurance_category in ('A', 'B', 'C')),
  primary key (order_id, line)
);

alter table payment_order drop constraint payment_order_purpose_check;
alter table payment_order add constraint payment_order_purpose_check
  check (purpose in ('appointment', 'visit', 'prescription'));

-- RX-2: a signed prescription never changes — what was signed, its lines, whose it is — only its status
-- moves on; and no prescription is deleted (RX-12). The code refuses first (409 RX_NOT_EDITABLE); these
-- triggers are the database's backstop.
create function prescription_signed_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'prescription % is never deleted (RX-12)', old.id;
  end if;
  if old.signed_at is not null and (
       new.signed_document is distinct from old.signed_document
    or new.content_hash is distinct from old.content_hash
    or new.signature is distinct from old.signature
    or new.certificate_serial is distinct from old.certificate_serial
    or new.signed_at is distinct from old.signed_at
    or new.valid_until is distinct from old.valid_until
    or new.valid_days is distinct from old.valid_days
    or new.diagnoses is distinct from old.diagnoses
    or new.checks is distinct from old.checks
    or new.total_fen is distinct from old.total_fen
    or new.kind is distinct from old.kind
    or new.version is distinct from old.version
    or new.replaces_id is distinct from old.replaces_id
    or new.visit_id is distinct from old.visit_id
    or new.patient_id is distinct from old.patient_id
    or new.practitioner_id is distinct from old.practitioner_id
    or new.institution_id is distinct from old.institution_id) then
    raise exception 'signed prescription % cannot change (RX-2)', old.id;
  end if;
  return new;
end
$$;
create trigger prescription_signed_guard before update or delete on prescription
  for each row execute function prescription_signed_guard();

-- Only a draft's lines are written or rewritten.
create function prescription_item_guard() returns trigger language plpgsql as $$
declare
  pid uuid;
begin
  if tg_op = 'INSERT' then pid := new.prescription_id; else pid := old.prescription_id; end if;
  if exists (select 1 from prescription where id = pid and status <> 'draft') then
    raise exception 'the lines of signed prescription % cannot change (RX-2)', pid;
  end if;
  if tg_op = 'DELETE' then return old; end if;
  return new;
end
$$;
create trigger prescription_item_guard before insert or update or delete on prescription_item
  for each row execute function prescription_item_guard();
