-- [11/12] Remote diagnosis (基层检查、上级诊断, REMOTE-5): a community institution takes the ECG, image or
-- specimen, a regional diagnostic centre reads it and returns a signed report. Owned by modules/remote.

-- REMOTE-1: the cooperation agreement between a requesting institution and a diagnostic centre, with the
-- kinds of work it covers. No agreement in force, no request.
create table service_agreement (
  id uuid primary key,
  requester_institution_id uuid not null references institution (id),
  centre_institution_id uuid not null references institution (id),
  kinds text[] not null check (kinds <@ array['ecg', 'imaging', 'lab']::text[] and cardinality(kinds) > 0),
  agreement_no text not null unique,
  valid_from date not null,
  valid_to date not null,
  created_at timestamptz not null,
  check (valid_to >= valid_from),
  check (requester_institution_id <> centre_institution_id),
  unique (requester_institution_id, centre_institution_id)
);
create index service_agreement_centre on service_agreement (centre_institution_id);

-- One request for a reading (REMOTE-2 consent, REMOTE-3 reason and case summary). The turnaround clock
-- starts when the material (the ECG, the study, the specimen received) reaches the centre: `material_at`;
-- `target_at` is then material_at + the target for the kind and urgency (config.remote.targets).
create table diagnostic_request (
  id uuid primary key,
  -- The accession number (检查申请号) written on the DICOM study (0008,0050) and the specimen label.
  accession_no text not null unique,
  patient_id uuid not null references patient (id),
  requester_institution_id uuid not null references institution (id),
  requester_practitioner_id uuid not null references practitioner (id),
  requester_account_id uuid not null references account (id),
  centre_institution_id uuid not null references institution (id),
  agreement_id uuid not null references service_agreement (id),
  kind text not null check (kind in ('ecg', 'imaging', 'lab')),
  -- imaging: DX, CT, MR, US; ecg: ECG; lab: null (the panels say what).
  modality text check (modality in ('ECG', 'DX', 'CT', 'MR', 'US')),
  -- lab: the panel codes (remote/lab/panels.ts); empty otherwise.
  panels text[] not null default '{}',
  urgency text not null check (urgency in ('routine', 'urgent')),
  question text not null,
  history text,
  -- REMOTE-2: {by: 'patient'|'guardian', guardianName?, guardianRelation?, method: 'written'|'electronic',
  -- recordedAt, recordedBy (account id)}.
  consent jsonb not null,
  status text not null check (status in ('requested', 'ready', 'claimed', 'reported', 'signed',
    'cancelled', 'redraw')),
  material_at timestamptz,
  target_at timestamptz,
  claimed_by uuid references practitioner (id),
  claimed_at timestamptz,
  signed_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((kind = 'lab') = (cardinality(panels) > 0)),
  check (status not in ('claimed', 'reported', 'signed') or (claimed_by is not null and material_at is not null))
);
-- The centre's queue: by status, then urgency, then waiting time.
create index diagnostic_request_centre on diagnostic_request (centre_institution_id, status, material_at, id);
-- The requesting institution's list, newest first.
create index diagnostic_request_requester on diagnostic_request (requester_institution_id, created_at desc, id);
create index diagnostic_request_patient on diagnostic_request (patient_id, created_at desc);
create index diagnostic_request_claimed on diagnostic_request (claimed_by) where claimed_by is not null;
create index diagnostic_request_requester_doctor on diagnostic_request (requester_practitioner_id, created_at desc);

-- The reading doctor's structured report (REMOTE-4: the invited doctor signs the opinion). A draft until
-- signed (SM2, platform/signing); once signed it is frozen and copied into the health archive
-- (records' diagnostic_report, `archive_report_id`, with the lab results as observations).
create table remote_report (
  id uuid primary key,
  request_id uuid not null unique references diagnostic_request (id),
  patient_id uuid not null references patient (id),
  author_practitioner_id uuid not null references practitioner (id),
  findings text not null default '',
  conclusion text not null default '',
  recommendations text not null default '',
  critical boolean not null default false,
  critical_note text,
  -- ECG: the measurements the reading doctor confirmed or corrected ({heartRate, prMs, qrsMs, qtMs, qtcMs,
  -- rhythm, suggested: {...}}); imaging: distances measured; null otherwise.
  measurements jsonb,
  -- lab: [{panel, code, name, value, valueNum, unit, refLow, refHigh, refText, flag, critical}].
  results jsonb,
  status text not null check (status in ('draft', 'signed')),
  signed_at timestamptz,
  signed_document text,
  content_hash text,
  signature text,
  certificate_serial text,
  archive_report_id uuid references diagnostic_report (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (status = 'draft' or (signed_at is not null and signed_document is not null and signature is not null
    and certificate_serial is not null and content_hash is not null))
);
create index remote_report_archive on remote_report (archive_report_id) where archive_report_id is not null;

-- A critical value (危急值) told to the requesting doctor at once; one per request; acknowledged by them
-- (or a colleague at the requesting institution) with the time.
create table critical_alert (
  id uuid primary key,
  request_id uuid not null unique references diagnostic_request (id),
  patient_id uuid not null references patient (id),
  requester_institution_id uuid not null references institution (id),
  to_practitioner_id uuid not null references practitioner (id),
  raised_by uuid not null references practitioner (id),
  reason text not null,
  raised_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by uuid references account (id),
  note text
);
create index critical_alert_open on critical_alert (requester_institution_id, raised_at desc)
  where acknowledged_at is null;
create index critical_alert_to on critical_alert (to_practitioner_id, raised_at desc);

-- An ECG recording attached to a request: WFDB (format 16 or 212) or a DICOM 12-lead waveform. The
-- original files stay in the blob store (`blob_keys`); the decoded signal (int16, lead after lead, in the
-- record's ADC units) is stored once as `signal_key`; `leads` carries each lead's gain and baseline.
create table ecg_record (
  id uuid primary key,
  request_id uuid not null references diagnostic_request (id),
  patient_id uuid not null references patient (id),
  source_format text not null check (source_format in ('wfdb-16', 'wfdb-212', 'dicom')),
  record_name text not null,
  -- [{name, gain (ADC units per mV), baseline, units}]
  leads jsonb not null,
  sample_rate double precision not null check (sample_rate > 0),
  samples integer not null check (samples > 0),
  duration_ms integer not null,
  blob_keys text[] not null,
  signal_key text not null,
  -- The automatic suggestions on the whole record ({heartRate, beats, rrMs, rhythmHint, leadUsed, version}).
  measurements jsonb not null,
  uploaded_by uuid not null references account (id),
  created_at timestamptz not null
);
create index ecg_record_request on ecg_record (request_id, created_at);

-- DICOM studies, series and instances (the DICOMweb store). A study belongs to one patient; a request
-- links it by accession number. Metadata is the DICOM JSON model (PS3.18 F.2) without bulk data.
create table imaging_study (
  id uuid primary key,
  study_uid text not null unique,
  patient_id uuid not null references patient (id),
  request_id uuid references diagnostic_request (id),
  institution_id uuid not null references institution (id),
  accession_no text,
  study_date text,
  study_time text,
  description text,
  modalities text[] not null default '{}',
  metadata jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index imaging_study_patient on imaging_study (patient_id, created_at desc);
create index imaging_study_request on imaging_study (request_id) where request_id is not null;
create index imaging_study_institution on imaging_study (institution_id, created_at desc);

create table imaging_series (
  id uuid primary key,
  study_id uuid not null references imaging_study (id),
  series_uid text not null unique,
  modality text,
  series_number integer,
  description text,
  metadata jsonb not null,
  created_at timestamptz not null
);
create index imaging_series_study on imaging_series (study_id, series_number);

create table imaging_instance (
  id uuid primary key,
  series_id uuid not null references imaging_series (id),
  sop_instance_uid text not null unique,
  sop_class_uid text not null,
  instance_number integer,
  transfer_syntax text not null,
  rows integer,
  columns integer,
  frames integer not null default 1,
  -- The whole Part 10 file, as stored.
  blob_key text not null,
  size_bytes integer not null,
  metadata jsonb not null,
  uploaded_by uuid references account (id),
  created_at timestamptz not null
);
create index imaging_instance_series on imaging_instance (series_id, instance_number);

-- A laboratory specimen (标本) with its barcode and chain of custody: collected → packed → picked_up →
-- received → tested → reported, or rejected (haemolysed, insufficient, …) with a re-draw request.
create table specimen (
  id uuid primary key,
  barcode text not null unique,
  request_id uuid not null references diagnostic_request (id),
  patient_id uuid not null references patient (id),
  container text not null,
  panels text[] not null,
  status text not null check (status in ('collected', 'packed', 'picked_up', 'received', 'tested',
    'reported', 'rejected')),
  reject_reason text,
  -- The specimen this one re-draws after a rejection.
  redraw_of uuid references specimen (id),
  collected_at timestamptz not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((status = 'rejected') = (reject_reason is not null))
);
create index specimen_request on specimen (request_id, created_at);

-- Every scan of a specimen: the step, who (account, practitioner, institution), when, why (a rejection).
create table specimen_event (
  id uuid primary key,
  specimen_id uuid not null references specimen (id),
  step text not null check (step in ('collected', 'packed', 'picked_up', 'received', 'tested', 'reported',
    'rejected')),
  reason text,
  note text,
  actor_account_id uuid not null references account (id),
  actor_institution_id uuid not null references institution (id),
  at timestamptz not null,
  unique (specimen_id, step)
);
create index specimen_event_specimen on specimen_event (specimen_id, at);
