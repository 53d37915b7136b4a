"""The metric tables, each declared once in its own module (metrics/<name>.py: a `METRIC`).

Adding a metric is adding a module here (README "Adding a metric"): the registry finds it, the
job computes it (a new table, or a new `version`, is computed over the whole accepted history
by the next run), `make generate` derives its schemas, DDL, default view, DynamoDB table,
dashboard data set columns, cost items and docs/contract/metrics.md. The framework modules
below are not metrics.
"""

from __future__ import annotations

import importlib
import pkgutil

from cinema_metrics.metrics.base import Column, Inputs, Keys, Metric

_FRAMEWORK = frozenset({"base", "common", "parts", "windows"})


def _declared() -> list[Metric]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in _FRAMEWORK or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        metric = getattr(module, "METRIC", None)
        if not isinstance(metric, Metric):
            raise TypeError(f"metrics/{info.name}.py declares no METRIC (a cinema_metrics.metrics.Metric)")
        if metric.name != info.name:
            raise ValueError(
                f"metrics/{info.name}.py declares {metric.name!r}: a metric's module is its name"
            )
        found.append(metric)
    return found


def _in_dependency_order(metrics: list[Metric]) -> tuple[Metric, ...]:
    """Each metric after the ones it reads (ties by name, so the order is stable)."""
    by_name = {m.name: m for m in metrics}
    for m in metrics:
        unknown = [d for d in m.depends_on if d not in by_name]
        if unknown:
            raise ValueError(f"metrics/{m.name}.py depends on {unknown}, which no module declares")
    done: list[Metric] = []
    left = sorted(metrics, key=lambda m: m.name)
    while left:
        ready = [m for m in left if all(d in {x.name for x in done} for d in m.depends_on)]
        if not ready:
            raise ValueError(f"metrics depend on each other in a cycle: {[m.name for m in left]}")
        done.append(ready[0])
        left.remove(ready[0])
    return tuple(done)


METRICS: tuple[Metric, ...] = _in_dependency_order(_declared())
METRIC_TABLES: dict[str, Metric] = {m.name: m for m in METRICS}
TABLES: tuple[str, ...] = tuple(METRIC_TABLES)

__all__ = ["METRICS", "METRIC_TABLES", "TABLES", "Column", "Inputs", "Keys", "Metric"]
