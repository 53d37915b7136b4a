-- Daily trend by site: one row per (site, business date) of site_daily, with the additive
-- measures a dashboard sums under any filter (KPI ratios are recomputed from these sums,
-- never averaged), the day's own ratios, calendar helpers and the same weekday a week earlier.
-- Weekday numbering is ISO (Trino day_of_week): 1 = Monday ... 7 = Sunday.
CREATE OR REPLACE VIEW "${database}"."v_site_daily_trend" AS
SELECT
  s.site_id,
  s.business_date,
  s.partition_month,
  day_of_week(s.business_date) AS weekday_number,
  date_format(s.business_date, '%a') AS weekday_name,
  -- film week (Friday to Thursday) containing the business date
  date_add('day', -((day_of_week(s.business_date) + 2) % 7), s.business_date) AS film_week_start,
  s.sessions,
  s.capacity,
  s.admissions,
  s.paid_admissions,
  s.box_office,
  s.concession_units,
  s.concession_revenue,
  s.total_revenue,
  s.transactions,
  s.occupancy,
  s.atp,
  s.spend_per_head,
  s.attach_rate,
  s.revenue_per_seat,
  prev.total_revenue AS total_revenue_prev_week,
  round(
    CAST(s.total_revenue - prev.total_revenue AS double) / CAST(NULLIF(prev.total_revenue, 0) AS double), 4
  ) AS total_revenue_vs_prev_week
FROM "${database}"."site_daily" AS s
LEFT JOIN "${database}"."site_daily" AS prev
  ON prev.site_id = s.site_id
  AND prev.business_date = date_add('day', -7, s.business_date)
