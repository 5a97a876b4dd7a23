-- [8/12] 电子健康卡: one card per real-name-verified patient, issued once (on the first request for it).
-- The card number is random apart from its region prefix; the QR code shown on the phone is derived from
-- the card's id every minute and is not stored (identity/health-card.rules.ts).
create table health_card (
  id uuid primary key,
  patient_id uuid not null unique references patient (id),
  card_no text not null unique check (card_no ~ '^\d{16}$'),
  issued_at timestamptz not null
);
