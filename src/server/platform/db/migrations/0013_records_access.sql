-- [6/12] Indexes for the records access check (records/care-access.ts, SEC-1): the patients a doctor may
-- read now are found from their side — HIS encounters they saw within the care window, and their own
-- unexpired break-glass accesses ("我的患者", and every list or search filtered to readable patients).
create index encounter_practitioner on encounter (practitioner_id, started_at desc) where practitioner_id is not null;
create index break_glass_account on break_glass (account_id, expires_at);
