-- Directory ([2/6]): the public directory's list orders, multi-site look-ups and suspension records.
-- Every list the directory pages through is a keyset range over one of these indexes.

-- Doctors are listed chief first, then by name, then id. A stored generated column turns the title into a
-- plain sort key, so the order is one btree and a page is one index range scan (an expression index
-- would only serve queries that repeat the CASE exactly). Keep in step with TITLE_ORDER in
-- modules/directory/directory.rules.ts.
alter table practitioner add column title_order smallint generated always as (
  case title
    when 'chief' then 1
    when 'associate_chief' then 2
    when 'attending' then 3
    when 'resident' then 4
    else 9
  end
) stored;
create index practitioner_doctor_order on practitioner (title_order, name, id) where kind = 'doctor';

-- Filtering doctors by institution or department includes those registered there for multi-site
-- practice (多点执业, ORG-2): the candidates come from practitioner_department / practitioner_institution
-- (0001) and these two.
create index practitioner_site_department on practitioner_site (department_id);
create index practitioner_site_institution on practitioner_site (institution_id);

-- ORG-5: when and why the regulator suspended a doctor or an institution (the audit event has it too).
alter table practitioner add column suspended_at timestamptz;
alter table practitioner add column suspension_reason text;
alter table institution add column suspended_at timestamptz;
alter table institution add column suspension_reason text;

-- Institutions are listed by code; with a type (and level) filter this index serves both the filter and
-- the order. It makes 0001's institution_type (type, level) redundant.
create index institution_type_level_code on institution (type, level, code);
drop index institution_type;
