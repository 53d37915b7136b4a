"""An independent DuckDB oracle of the five metric tables (issue 5, item 6).

It reads CONTRACT.md afresh rather than sharing code with the Spark job: POS lines are
parsed and validated in plain Python (`pos`), the dimensions are read from the snapshot
CSVs (`dimensions`), and the tables are computed in DuckDB SQL (`metrics`). One run over
all files; the contract says any split into runs must give the same tables.

CLI: `cinema-metrics oracle --sources DIR --output DIR`.
"""

from __future__ import annotations

from cinema_metrics.oracle.cli import add_arguments, run
from cinema_metrics.oracle.core import OracleResult, compute

__all__ = ["OracleResult", "add_arguments", "compute", "run"]
