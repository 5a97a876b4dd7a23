-- [8/12] SEC-1 (个人信息保护法 第十四、二十八、二十九条): an account's agreement to the user agreement and
-- privacy policy, with the separate consent to process sensitive personal information (health data).
-- One row per agreement, never updated: the newest row is the version in force for the account; a text
-- with a newer version is asked again.
create table account_consent (
  id uuid primary key,
  account_id uuid not null references account (id),
  version text not null,
  terms boolean not null,
  privacy boolean not null,
  sensitive boolean not null,
  agreed_at timestamptz not null,
  constraint account_consent_all_agreed check (terms and privacy and sensitive)
);
-- The newest agreement of an account (GET /me, login).
create index account_consent_account_idx on account_consent (account_id, agreed_at desc);
