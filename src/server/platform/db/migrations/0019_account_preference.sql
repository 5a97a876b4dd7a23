-- [8/12] An account's own settings, kept on the server so they follow the person to any device:
-- 长辈模式 (null until the account holder answered "是否开启长辈模式？"; from 65 the app turns it on and
-- asks once) and the current 就诊人 (null = oneself; else a patient the account acts for, ID-6, checked
-- each time it is set and read).
create table account_preference (
  account_id uuid primary key references account (id),
  elderly_mode boolean,
  elderly_mode_answered_at timestamptz,
  current_patient_id uuid references patient (id),
  updated_at timestamptz not null
);
