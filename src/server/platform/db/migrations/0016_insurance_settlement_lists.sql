-- [7/12] The insurer's settlement list (newest first, keyset by requested_at and id; all institutions or
-- one), and the fund statistics and nightly reconciliation, which read settlements by their settlement time.
create index insurance_settlement_requested on insurance_settlement (requested_at desc, id desc);
create index insurance_settlement_institution_requested on insurance_settlement (institution_id, requested_at desc, id desc);
create index insurance_settlement_settled_at on insurance_settlement (settled_at) where settled_at is not null;
-- The insurer's alert list without a status filter (newest first, keyset by created_at and id).
create index insurance_alert_created on insurance_alert (created_at desc, id desc);
