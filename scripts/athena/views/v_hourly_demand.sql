-- Hourly demand for the hour x weekday heatmap: one row per (site, sale business date,
-- local hour of sale). The weekday is that of the BUSINESS date, so a 01:00 sale on a
-- Saturday morning counts as Friday night; business_hour_index orders the hours of a
-- business day (0 = 06:00 ... 23 = 05:00). Weekday numbering is ISO: 1 = Monday.
CREATE OR REPLACE VIEW "${database}"."v_hourly_demand" AS
SELECT
  h.site_id,
  h.business_date,
  h.partition_month,
  h.hour,
  day_of_week(h.business_date) AS weekday_number,
  date_format(h.business_date, '%a') AS weekday_name,
  (h.hour + 18) % 24 AS business_hour_index,
  h.transactions,
  h.tickets,
  h.box_office,
  h.concession_units,
  h.concession_revenue,
  h.box_office + h.concession_revenue AS total_revenue
FROM "${database}"."hourly_demand" AS h
