-- [8/12] Server-made text in the reader's language. A notification and a chat system line keep their
-- zh-CN text (what the SMS says, what old clients and old rows show) and, besides it, the key of their
-- text in a catalogue (notifications/notices.ts, visits/system-lines.ts) with the facts it is made from.
-- They are rendered at read time in the reader's language (Accept-Language: zh-CN unless English is
-- preferred). Rows written before this migration have no key and are shown as stored.
alter table notification add column message_key text;
alter table notification add column message_params jsonb;
alter table visit_message add column body_key text;
alter table visit_message add column body_params jsonb;
