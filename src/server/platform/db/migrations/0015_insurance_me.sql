-- [7/12] "我的医保" (GET /insurance/me): a linked person's balance and year-to-date figures as the platform
-- last reported them — at the link (1101) and after each settlement — and when. The platform answers
-- only to a fresh e-voucher (ID-3), so the page shows these figures with their time rather than live ones.
-- `figures` is {ytdYear, balanceFen, ytdTotalFen, ytdDeductibleFen, ytdFundFen} (integer fen).
alter table insured_person add column figures jsonb;
alter table insured_person add column figures_at timestamptz;
