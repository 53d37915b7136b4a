-- Session occupancy: one row per showtime of session_performance, with the local start
-- time broken out (starts_at is wall-clock time at the site, no offset: parsed as a
-- timestamp WITHOUT time zone so no session time zone can shift it), an after-midnight
-- flag (a 00:30 show belongs to the previous business day) and an occupancy band.
CREATE OR REPLACE VIEW "${database}"."v_session_occupancy" AS
SELECT
  p.showtime_id,
  p.site_id,
  p.business_date,
  p.partition_month,
  p.screen_id,
  p.film_id,
  p.starts_at,
  substr(p.starts_at, 12, 5) AS start_time,
  hour(date_parse(p.starts_at, '%Y-%m-%dT%H:%i:%s')) AS start_hour,
  CAST(date_parse(p.starts_at, '%Y-%m-%dT%H:%i:%s') AS date) > p.business_date AS after_midnight,
  day_of_week(p.business_date) AS weekday_number,
  p.status,
  p.capacity,
  p.admissions,
  p.paid_admissions,
  p.comps,
  p.box_office,
  p.occupancy,
  p.atp,
  greatest(p.capacity - p.admissions, 0) AS empty_seats,
  CASE
    WHEN p.status = 'cancelled' THEN 'cancelled'
    WHEN p.occupancy IS NULL THEN 'no capacity'
    WHEN p.occupancy < 0.10 THEN 'under 10%'
    WHEN p.occupancy < 0.25 THEN '10-25%'
    WHEN p.occupancy < 0.50 THEN '25-50%'
    WHEN p.occupancy < 0.75 THEN '50-75%'
    ELSE '75% and over'
  END AS occupancy_band
FROM "${database}"."session_performance" AS p
