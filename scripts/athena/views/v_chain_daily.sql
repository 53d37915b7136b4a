-- Chain summary by business day: sums over every site, and the ratios recomputed from
-- those sums (admissions / capacity, not the average of each site's occupancy). Integer
-- sums are CAST to double before dividing: Trino divides bigint by bigint as integers.
CREATE OR REPLACE VIEW "${database}"."v_chain_daily" AS
SELECT
  s.business_date,
  s.partition_month,
  count(*) AS sites,
  sum(s.sessions) AS sessions,
  sum(s.capacity) AS capacity,
  sum(s.admissions) AS admissions,
  sum(s.paid_admissions) AS paid_admissions,
  sum(s.box_office) AS box_office,
  sum(s.concession_units) AS concession_units,
  sum(s.concession_revenue) AS concession_revenue,
  sum(s.total_revenue) AS total_revenue,
  sum(s.transactions) AS transactions,
  sum(l.member_admissions) AS member_admissions,
  round(CAST(sum(s.admissions) AS double) / CAST(NULLIF(sum(s.capacity), 0) AS double), 4) AS occupancy,
  round(CAST(sum(s.box_office) AS double) / CAST(NULLIF(sum(s.paid_admissions), 0) AS double), 4) AS atp,
  round(
    CAST(sum(s.concession_revenue) AS double) / CAST(NULLIF(sum(s.admissions), 0) AS double), 4
  ) AS spend_per_head,
  round(
    CAST(sum(s.total_revenue) AS double) / CAST(NULLIF(sum(s.capacity), 0) AS double), 4
  ) AS revenue_per_seat,
  round(
    CAST(sum(l.member_admissions) AS double) / CAST(NULLIF(sum(s.admissions), 0) AS double), 4
  ) AS member_share
FROM "${database}"."site_daily" AS s
LEFT JOIN "${database}"."loyalty_daily" AS l
  ON l.site_id = s.site_id
  AND l.business_date = s.business_date
  AND l.partition_month = s.partition_month
GROUP BY s.business_date, s.partition_month
