-- scheduling: 号源 is `token` in code (glossary), so the table of numbered tokens is `token`, not `slot`.
-- Renames only: rows, constraints and indexes keep what they do.
alter table slot rename to token;
alter table token rename constraint slot_pkey to token_pkey;
alter table token rename constraint slot_schedule_id_fkey to token_schedule_id_fkey;
alter table token rename constraint slot_schedule_id_token_number_key to token_schedule_id_token_number_key;
alter table token rename constraint slot_channel_check to token_channel_check;
alter table token rename constraint slot_status_check to token_status_check;
alter index slot_free rename to token_free;

alter table appointment rename column slot_id to token_id;
alter table appointment rename constraint appointment_slot_id_fkey to appointment_token_id_fkey;
-- No token is ever given twice: one live appointment per token.
alter index appointment_live_slot rename to appointment_live_token;
