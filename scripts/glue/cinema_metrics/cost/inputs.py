"""Readers for the three inputs: an environment's tfvars, a workload file, the price list.

Missing optional tfvars get the module defaults (modules/glue_job, glue_catalog,
metric_tables, athena, quicksight variables.tf; DEFAULTS below mirrors them), so a
root that only sets what differs still prices correctly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cinema_metrics.errors import CliError

# Module defaults for the root variables in modules/cinema_platform/variables.tf (glue_job's reconcile and
# pos_vault: modules/glue_job and modules/pos_vault).
DEFAULTS: dict[str, Any] = {
    "glue_job": {
        "worker_type": "G.1X",
        "number_of_workers": 2,
        "execution_class": "FLEX",
        "schedule": "cron(0 */2 * * ? *)",
        "timeout_minutes": 30,
        "reconcile_schedule": "cron(30 3 ? * SUN *)",
        "reconcile_enabled": True,
    },
    "crawlers": {
        "jdbc_schedule": "cron(15 5 * * ? *)",
        "pos_schedule": "cron(30 5 * * ? *)",
        "pos_recrawl_behavior": "CRAWL_NEW_FOLDERS_ONLY",
    },
    "metric_tables": {"point_in_time_recovery": True, "deletion_protection": False},
    "athena": {
        "bytes_scanned_cutoff_per_query": 1073741824,
        "enable_dynamodb_connector": True,
        "connector_memory_mb": 1024,
    },
    "quicksight": {"enabled": False, "author_count": 1, "reader_count": 0},
    "observability": {"cloudtrail_enabled": False, "log_retention_days": 30},
    "pos_vault": {"enabled": True, "retention_days": 90},
}


def repo_root() -> Path:
    """The checkout holding pyproject.toml (the package is installed in editable mode)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "costs").is_dir():
            return parent
    return Path.cwd()


def resolve(path: str | Path) -> Path:
    """A relative path is tried from the working directory, then from the checkout."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    alt = repo_root() / p
    return alt if alt.exists() else p


def _strip_quotes(value: Any) -> Any:
    # Older python-hcl2 releases keep the HCL quotes around strings.
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, dict):
        return {k: _strip_quotes(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_strip_quotes(v) for v in value]
    return value


def read_tfvars_dir(root: Path) -> tuple[dict[str, Any], list[Path]]:
    """Merge every *.tfvars in a root (terraform.tfvars first, then *.auto.tfvars, by name)."""
    import hcl2  # dev dependency (python-hcl2); imported here so the rest works without it

    if not root.is_dir():
        raise CliError(
            f"{root}: no such environment root; pass --env dev|staging|prod or --tfvars-dir DIR "
            "holding the environment's *.tfvars"
        )
    files = sorted(root.glob("*.tfvars"), key=lambda p: (p.name != "terraform.tfvars", p.name))
    if not files:
        raise CliError(
            f"{root}: no *.tfvars file; write terraform.tfvars there (see cinema_platform/variables.tf)"
        )
    merged: dict[str, Any] = {}
    for f in files:
        try:
            with f.open() as fh:
                data = hcl2.load(fh)
        except Exception as exc:  # the parser raises several unrelated exception types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CliError(
                f"{f}: not valid HCL ({first}); fix the syntax (terraform fmt {f} shows where)"
            ) from exc
        merged.update(_strip_quotes(data))
    return merged, files


def with_defaults(tfvars: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fill missing optional attributes with the module defaults; report which were filled."""
    out = copy.deepcopy(tfvars)
    filled: list[str] = []
    for var, defaults in DEFAULTS.items():
        given = out.get(var)
        if given is None:
            given = {}
        if not isinstance(given, dict):
            raise CliError(
                f"tfvars: {var} must be an object like {{ ... }}, got {given!r}; see its variables.tf"
            )
        for key, value in defaults.items():
            if key not in given:
                given[key] = value
                filled.append(f"{var}.{key}={value!r}")
        out[var] = given
    return out, filled


@dataclass(frozen=True)
class Price:
    key: str
    price: float
    unit: str
    title: str
    path: str
    recorded: str


class PriceList(dict[str, Price]):
    recorded: str = ""
    file: str = ""

    def __call__(self, key: str) -> float:
        return self[key].price


REQUIRED_PRICES = [
    "glue_spark_dpu_hour",
    "glue_spark_flex_dpu_hour",
    "glue_crawler_dpu_hour",
    "glue_catalog_objects_per_100k",
    "glue_catalog_requests_per_million",
    "dynamodb_write_per_million",
    "dynamodb_read_per_million",
    "dynamodb_storage_gb_month",
    "dynamodb_pitr_gb_month",
    "dynamodb_backup_gb_month",
    "athena_tb_scanned",
    "lambda_requests_per_million",
    "lambda_gb_second",
    "s3_standard_gb_month",
    "s3_put_per_1000",
    "s3_get_per_1000",
    "quicksight_author_month",
    "quicksight_reader_month",
    "kms_key_month",
    "kms_requests_per_10k",
    "secretsmanager_secret_month",
    "secretsmanager_api_per_10k",
    "cloudwatch_alarm_month",
    "cloudwatch_logs_ingest_gb",
    "cloudwatch_logs_storage_gb_month",
    "cloudwatch_dashboard_month",
    "cloudtrail_data_events_per_100k",
    "sns_requests_per_million",
    "sns_email_per_100k",
    "vpc_interface_endpoint_az_month",
    "nat_gateway_gb",
    "sqs_requests_per_million",
]


def _load_yaml(path: Path, what: str, fix: str) -> dict[str, Any]:
    if not path.is_file():
        raise CliError(f"{path}: {what} not found; {fix}")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise CliError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}); fix the syntax") from exc
    if not isinstance(data, dict):
        raise CliError(f"{path}: expected a mapping at the top level; see costs/workloads/seed.yaml")
    return data


def load_prices(path: Path) -> PriceList:
    data = _load_yaml(path, "price list", "pass --prices costs/prices.yaml")
    entries = data.get("prices") or {}
    missing = [k for k in REQUIRED_PRICES if k not in entries]
    if missing:
        raise CliError(f"{path}: missing prices {', '.join(missing)}; add them (see costs/prices.yaml)")
    out = PriceList()
    for key, e in entries.items():
        try:
            out[key] = Price(
                key,
                float(e["price"]),
                str(e["unit"]),
                e["source"]["title"],
                e["source"]["path"],
                str(e["recorded"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CliError(
                f"{path}: price {key} needs price, unit, source.title, source.path, recorded"
            ) from exc
    out.recorded = str(data.get("recorded", ""))
    out.file = str(path)
    return out


@dataclass(frozen=True)
class Workload:
    """The business volume and usage both designs must serve (costs/workloads/*.yaml). What the
    design itself fixes is not here but derived: the metric tables, their item sizes and rows from
    the metric declarations (cost/tables.py), the dashboard's data sets from dashboards/spec.yaml."""

    name: str
    pos_lines_per_2h: float
    crm_ecr_items_per_month: float
    sites: int
    films_showing: int
    showtimes_per_site_per_2h: float
    pos_bytes_per_line: float
    other_key_values: float
    quicksight_users: int
    dashboard_refreshes_per_day: float
    athena_queries_per_day: float
    connector_queries_per_day: float
    connector_items_per_query: float
    raw_retention_months: float
    metric_retention_months: float
    job_fixed_seconds: float
    job_dpu_seconds_per_line: float
    job_timing_source: str
    job_s3_put_class_per_run: float
    job_s3_get_per_run: float
    crawler_seconds_per_run: float
    crawler_dpus: float
    log_mb_per_run: float
    alarms: int
    dashboards: int
    notes: tuple[str, ...] = ()

    @property
    def pos_lines_per_month(self) -> float:
        return self.pos_lines_per_2h * 12 * 30

    def scaled(self, pos_lines_per_2h: float) -> Workload:
        from dataclasses import replace

        return replace(self, pos_lines_per_2h=float(pos_lines_per_2h))


_WORKLOAD_FIELDS = {
    "pos_lines_per_2h": float,
    "crm_ecr_items_per_month": float,
    "sites": int,
    "films_showing": int,
    "showtimes_per_site_per_2h": float,
    "pos_bytes_per_line": float,
    "other_key_values": float,
    "quicksight_users": int,
    "dashboard_refreshes_per_day": float,
    "athena_queries_per_day": float,
    "connector_queries_per_day": float,
    "connector_items_per_query": float,
    "raw_retention_months": float,
    "metric_retention_months": float,
    "job_fixed_seconds": float,
    "job_dpu_seconds_per_line": float,
    "job_timing_source": str,
    "job_s3_put_class_per_run": float,
    "job_s3_get_per_run": float,
    "crawler_seconds_per_run": float,
    "crawler_dpus": float,
    "log_mb_per_run": float,
    "alarms": int,
    "dashboards": int,
}


# Fields older workload files had, now derived from the repository (the same for every workload).
_DERIVED_FIELDS = {
    "metric_item_bytes": "each metric table's item size is estimated from its declaration (cost/tables.py)",
    "dashboard_datasets": "the data sets are dashboards/spec.yaml's",
}


def load_workload(path: Path) -> Workload:
    data = _load_yaml(path, "workload file", "pass --workload costs/workloads/seed.yaml or WORKLOAD=<file>")
    derived = [f"{k} ({why})" for k, why in _DERIVED_FIELDS.items() if k in data]
    if derived:
        raise CliError(f"{path}: remove {'; '.join(derived)}: derived, not part of a workload")
    values: dict[str, Any] = {}
    for name, kind in _WORKLOAD_FIELDS.items():
        if name not in data:
            raise CliError(
                f"{path}: missing {name}; add it (every field is described in costs/workloads/seed.yaml)"
            )
        try:
            values[name] = kind(data[name])
        except (TypeError, ValueError) as exc:
            raise CliError(f"{path}: {name} must be a {kind.__name__}, got {data[name]!r}") from exc
        if kind is not str and values[name] < 0:
            raise CliError(f"{path}: {name} must be >= 0, got {data[name]!r}")
    return Workload(name=str(data.get("name", path.stem)), notes=tuple(data.get("notes") or ()), **values)
