-- 三权分立 (DJ-8) and the audit administrator (DJ-15), [10/12].
-- The account's roles may now be the platform's three administrators, and no account holds two of them:
-- the service refuses it (ADMIN_ROLES_EXCLUSIVE) and this constraint holds whatever code runs.
-- An account the security administrator locks is `locked` (it cannot log in, its sessions are revoked);
-- one the system administrator disables stays `disabled`.
alter table account drop constraint if exists account_roles_check;
alter table account add constraint account_roles_check check (
  cardinality(roles) > 0
  and roles <@ array['patient', 'doctor', 'nurse', 'pharmacist', 'pharmacy_staff', 'org_admin', 'regulator',
    'insurer', 'system_admin', 'security_admin', 'audit_admin']::text[]
);
-- An administrator role is the account's only role: not two of them, nor one beside a business role.
alter table account add constraint account_one_admin_role check (
  not (roles && array['system_admin', 'security_admin', 'audit_admin']::text[]) or cardinality(roles) = 1
);
alter table account drop constraint if exists account_status_check;
alter table account add constraint account_status_check check (status in ('active', 'disabled', 'locked'));

-- The administrators' actions, listed for one another (GET /admin/actions, newest first).
create index audit_event_admin on audit_event (occurred_at desc, id desc)
  where actor_role in ('system_admin', 'security_admin', 'audit_admin');
-- The audit administrator's search by action prefix (`auth.`), newest first.
create index audit_event_action on audit_event (action text_pattern_ops, occurred_at desc);
