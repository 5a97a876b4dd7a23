-- [8/12] 我的候补 (GET /api/v1/waitlist) lists an account's and its dependents' waitlist entries, newest
-- first: one index range per patient.
create index waitlist_patient on waitlist_entry (patient_id, created_at desc);
