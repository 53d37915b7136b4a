"""Dashboards: the spec (dashboards/spec.yaml), its QuickSight and local HTML renderings,
and a local runner for the Athena views on DuckDB."""
