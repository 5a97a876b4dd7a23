-- [7/12] Nightly jobs that must run once per business day across nodes and restarts (INS-4's fraud batch):
-- one row per job and business day (Asia/Shanghai), written in the job's own transaction, under its lock.
create table insurance_batch_run (
  job text not null,
  business_date date not null,
  run_at timestamptz not null,
  details jsonb not null default '{}',
  primary key (job, business_date)
);
