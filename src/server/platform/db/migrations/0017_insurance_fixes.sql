-- [7/12] Review fixes of the insured checkout.
-- The amount of the gateway prepay recorded on the order (under its lock, before the gateway is called):
-- a self-pay cashier for the whole amount and an insured one for the cash part never both stand, and a
-- cashier for another amount is closed before a new one opens.
alter table payment_order add column prepay_amount_fen integer check (prepay_amount_fen >= 0);
-- The safety net under `payments.insured_order_closed`: insured orders closed unpaid, by close time.
create index payment_order_insured_closed on payment_order (closed_at)
  where status = 'closed' and insurance_settlement_id is not null;
-- What every resend of a settlement's 2207 carries, fixed when the row is opened (same message id, same
-- content): the 家庭共济 payer's person number and the institution's code and level.
alter table insurance_settlement add column payer_psn_no text;
alter table insurance_settlement add column institution_code text;
alter table insurance_settlement add column institution_level text;
-- Failed rows the platform settled after all (an answer that came late): reversed by the job.
create index insurance_settlement_failed_settled on insurance_settlement (requested_at)
  where status = 'failed' and platform_setl_id is not null;
