-- Loyalty trend: one row per (site, business date) of loyalty_daily with the non-member
-- side from site_daily, so a dashboard can show member vs non-member admissions and spend
-- and recompute shares from sums under any filter.
CREATE OR REPLACE VIEW "${database}"."v_loyalty_trend" AS
SELECT
  l.site_id,
  l.business_date,
  l.partition_month,
  l.admissions,
  l.member_admissions,
  l.admissions - l.member_admissions AS non_member_admissions,
  l.member_share,
  l.unique_members,
  l.returning_members,
  round(CAST(l.returning_members AS double) / CAST(NULLIF(l.unique_members, 0) AS double), 4) AS returning_share,
  l.member_concession_revenue,
  l.member_spend_per_head,
  s.concession_revenue - l.member_concession_revenue AS non_member_concession_revenue,
  round(
    CAST(s.concession_revenue - l.member_concession_revenue AS double)
    / CAST(NULLIF(l.admissions - l.member_admissions, 0) AS double),
    4
  ) AS non_member_spend_per_head
FROM "${database}"."loyalty_daily" AS l
JOIN "${database}"."site_daily" AS s
  ON s.site_id = l.site_id
  AND s.business_date = l.business_date
  AND s.partition_month = l.partition_month
