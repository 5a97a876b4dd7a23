-- [8/12] Search (GET /api/v1/search): pinyin keys of the names patients search for, so that "cjg" or
-- "chenjianguo" finds 陈建国. Computed in code with pinyin-pro when a row is written (the seed, and the
-- directory's create/update commands; see modules/directory/search.keys.ts): SQL has no pinyin.
-- Lowercase ASCII; ü written v. Matched by prefix, so text_pattern_ops btrees serve `like 'cjg%'`.
alter table institution add column pinyin_initials text not null default '';
alter table institution add column pinyin_full text not null default '';
alter table department add column pinyin_initials text not null default '';
alter table department add column pinyin_full text not null default '';
alter table practitioner add column pinyin_initials text not null default '';
alter table practitioner add column pinyin_full text not null default '';

create index institution_pinyin_initials on institution (pinyin_initials text_pattern_ops);
create index institution_pinyin_full on institution (pinyin_full text_pattern_ops);
create index department_pinyin_initials on department (pinyin_initials text_pattern_ops);
create index department_pinyin_full on department (pinyin_full text_pattern_ops);
-- Only doctors are searched (nurses and pharmacists are not listed).
create index practitioner_doctor_pinyin_initials on practitioner (pinyin_initials text_pattern_ops)
  where kind = 'doctor';
create index practitioner_doctor_pinyin_full on practitioner (pinyin_full text_pattern_ops)
  where kind = 'doctor';
