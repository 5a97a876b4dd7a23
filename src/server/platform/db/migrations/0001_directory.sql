-- Directory: institutions, their licences and departments, practitioners and where they practise.
-- The directory module ([2/6]) grows on these; identity only needs accounts to point at an institution.
create table institution (
  id uuid primary key,
  code text not null unique,
  name text not null,
  name_en text,
  short_name text,
  type text not null check (type in ('hospital', 'community_centre', 'community_station', 'pharmacy',
    'imaging_centre', 'lab_centre', 'ecg_centre')),
  level text check (level in ('tertiary', 'secondary', 'primary')),
  is_childrens boolean not null default false,
  district text not null,
  address text,
  phone text,
  alliance_of uuid references institution (id),
  internet_hospital jsonb,
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null default now()
);
create index institution_type on institution (type, level);

create table department (
  id uuid primary key,
  institution_id uuid not null references institution (id),
  code text not null,
  name text not null,
  name_en text,
  specialty text not null,
  unique (institution_id, code)
);

create table practitioner (
  id uuid primary key,
  code text not null unique,
  name text not null,
  sex text not null check (sex in ('male', 'female')),
  kind text not null check (kind in ('doctor', 'nurse', 'pharmacist')),
  title text check (title in ('resident', 'attending', 'associate_chief', 'chief')),
  professional_title text not null,
  institution_id uuid not null references institution (id),
  department_id uuid not null references department (id),
  specialty text not null,
  bio text not null default '',
  licence_no text not null unique,
  practice_since integer not null,
  online_follow_up_since integer,
  offers_online boolean not null default false,
  first_visit_trained boolean not null default false,
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null default now(),
  check (kind <> 'doctor' or title is not null)
);
create index practitioner_department on practitioner (department_id);
create index practitioner_institution on practitioner (institution_id);

-- 多点执业: other sites where a practitioner is registered or filed (ORG-2).
create table practitioner_site (
  practitioner_id uuid not null references practitioner (id),
  institution_id uuid not null references institution (id),
  department_id uuid not null references department (id),
  primary key (practitioner_id, institution_id, department_id)
);

create table licence (
  id uuid primary key,
  institution_id uuid references institution (id),
  practitioner_id uuid references practitioner (id),
  kind text not null check (kind in ('practice', 'internet_hospital', 'pharmacy_business', 'practitioner')),
  number text not null,
  issued_by text not null,
  valid_from date not null,
  valid_to date not null,
  scope jsonb not null default '[]',
  check ((institution_id is null) <> (practitioner_id is null))
);
create index licence_institution on licence (institution_id);
create index licence_practitioner on licence (practitioner_id);
