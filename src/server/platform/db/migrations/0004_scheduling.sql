-- Scheduling (出诊排班, 号源, 预约挂号, 候补): schedules, their numbered tokens, appointments, waitlist.
-- Booking correctness rests on the database: a token is taken by an atomic UPDATE … WHERE status = 'free'
-- (SKIP LOCKED), one live appointment per token and per patient × doctor × day are unique indexes.

-- Release and booking policy per institution; numbers are settings with these defaults (FD-4).
create table booking_policy (
  institution_id uuid primary key references institution (id),
  release_days_ahead integer not null default 7 check (release_days_ahead between 0 and 90),
  release_time time not null default '08:00',
  referral_percent integer not null default 0 check (referral_percent between 0 and 100),
  partner_percent integer not null default 0 check (partner_percent between 0 and 100),
  reserved_release_hours integer not null default 24,
  cancel_cutoff_minutes integer not null default 120,
  max_active_bookings integer not null default 5,
  no_show_limit integer not null default 3,
  no_show_window_days integer not null default 180,
  suspension_days integer not null default 90,
  hold_minutes integer not null default 15,
  check (referral_percent + partner_percent <= 100)
);

create table schedule (
  id uuid primary key,
  institution_id uuid not null references institution (id),
  department_id uuid not null references department (id),
  practitioner_id uuid not null references practitioner (id),
  date date not null,
  start_time time not null,
  end_time time not null,
  mode text not null check (mode in ('offline', 'online_follow_up', 'online_first_visit', 'video')),
  fee_fen integer not null check (fee_fen >= 0),
  capacity integer not null check (capacity between 1 and 500),
  release_at timestamptz not null,
  -- When unused referral/partner tokens go to the public channel (default 24 h before the session).
  reserved_release_at timestamptz not null,
  reserved_released boolean not null default false,
  status text not null default 'open' check (status in ('open', 'stopped')),
  stopped_reason text,
  created_by uuid references account (id),
  created_at timestamptz not null,
  check (end_time > start_time)
);
create index schedule_practitioner_date on schedule (practitioner_id, date);
create index schedule_department_date on schedule (department_id, date);
create index schedule_institution_date on schedule (institution_id, date);
create index schedule_reserved_release on schedule (reserved_release_at) where not reserved_released;

-- 号源: one row per numbered token, with its time window and quota channel.
create table slot (
  id uuid primary key,
  schedule_id uuid not null references schedule (id),
  token_number integer not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  channel text not null check (channel in ('public', 'referral', 'partner')),
  status text not null default 'free' check (status in ('free', 'held', 'booked', 'stopped')),
  unique (schedule_id, token_number)
);
create index slot_free on slot (schedule_id, channel, token_number) where status = 'free';

create table appointment (
  id uuid primary key,
  schedule_id uuid not null references schedule (id),
  slot_id uuid not null references slot (id),
  patient_id uuid not null references patient (id),
  booked_by uuid not null references account (id),
  -- Denormalised from the schedule for the one-per-doctor-per-day rule and the patient's list.
  practitioner_id uuid not null references practitioner (id),
  date date not null,
  channel text not null check (channel in ('public', 'referral', 'partner')),
  status text not null check (status in ('pending_payment', 'confirmed', 'checked_in', 'completed',
    'cancelled', 'expired', 'no_show')),
  token_number integer not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  fee_fen integer not null,
  order_id uuid,
  hold_until timestamptz,
  cancelled_at timestamptz,
  cancel_reason text,
  checked_in_at timestamptz,
  reminded_at timestamptz,
  created_at timestamptz not null
);
-- No token is ever given twice: one live appointment per token.
create unique index appointment_live_slot on appointment (slot_id)
  where status in ('pending_payment', 'confirmed', 'checked_in', 'completed');
-- At most one live booking per patient per doctor per day (DUPLICATE_BOOKING).
create unique index appointment_live_patient_doctor_day on appointment (patient_id, practitioner_id, date)
  where status in ('pending_payment', 'confirmed', 'checked_in');
create index appointment_patient on appointment (patient_id, date desc);
create index appointment_schedule on appointment (schedule_id, status);
create index appointment_hold on appointment (hold_until) where status = 'pending_payment';

create table waitlist_entry (
  id uuid primary key,
  schedule_id uuid not null references schedule (id),
  patient_id uuid not null references patient (id),
  requested_by uuid not null references account (id),
  channel text not null default 'public',
  status text not null check (status in ('waiting', 'promoted', 'cancelled')),
  appointment_id uuid references appointment (id),
  created_at timestamptz not null,
  promoted_at timestamptz
);
create unique index waitlist_live on waitlist_entry (schedule_id, patient_id) where status = 'waiting';
create index waitlist_queue on waitlist_entry (schedule_id, created_at) where status = 'waiting';

-- Idempotency-Key: a retried request returns the first result.
create table idempotency_record (
  account_id uuid not null references account (id),
  key text not null,
  request_hash text not null,
  status_code integer not null,
  body jsonb not null,
  created_at timestamptz not null,
  primary key (account_id, key)
);
