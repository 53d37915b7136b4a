-- Top films by film week (Friday to Thursday), chain-wide: the week's rank by box office,
-- the previous week's box office looked up by date (week_start - 7 days, not "the previous
-- row", so a gap week gives NULL like wow_change) and admissions per session.
CREATE OR REPLACE VIEW "${database}"."v_film_weekly_top" AS
SELECT
  f.film_id,
  f.week_start,
  date_add('day', 6, f.week_start) AS week_end,
  f.partition_month,
  f.week_number,
  rank() OVER (PARTITION BY f.week_start ORDER BY f.box_office DESC) AS week_rank,
  f.admissions,
  f.box_office,
  prev.box_office AS prev_week_box_office,
  f.wow_change,
  f.sessions,
  f.screens,
  f.sites,
  f.per_screen_average,
  f.ltd_box_office,
  round(CAST(f.admissions AS double) / CAST(NULLIF(f.sessions, 0) AS double), 2) AS admissions_per_session
FROM "${database}"."film_weekly" AS f
LEFT JOIN "${database}"."film_weekly" AS prev
  ON prev.film_id = f.film_id
  AND prev.week_start = date_add('day', -7, f.week_start)
