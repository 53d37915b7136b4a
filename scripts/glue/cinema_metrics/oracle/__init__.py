"""An independent DuckDB oracle of every metric table (issue 5, item 6).

It reads the contract (docs/contract/) afresh rather than sharing code with the Spark job: POS lines are
parsed and validated in plain Python (`pos`), the dimensions are read from the snapshot
CSVs (`dimensions`), and the tables are computed in DuckDB SQL (`metrics`). One run over
all files; the contract says any split into runs must give the same tables.

CLI: `cinema-metrics oracle --sources DIR --output DIR`.

Readings of the contract where it leaves room (kept here so a disagreement with the job can
be traced to a clause):

- Lines: a UTF-8 BOM at the start of a file is dropped; split on LF, a CR before it dropped;
  a final newline does not open a line; an empty line inside a file is a line and is
  `malformed_json`, as is invalid UTF-8, NaN/Infinity and an unpaired surrogate escape (\\ud800).
- `missing_field`: absent or JSON null. The ticket/concession fields are required only when
  `item_type` is exactly "ticket"/"concession".
- `bad_type` checks every listed field that is present and not null, whatever the item type.
  Integers are JSON integers in the int64 range (1.0, "1" and true are not); `line_no` < 1 is
  `bad_type`; a non-string `item_type` or `sold_at` is `bad_type` (rule 6 is only the
  enumeration of item_type; rule 4 is a string that does not parse). `net_amount` is a JSON
  number or a string holding a plain decimal numeral (sign, digits, fraction, exponent; no
  spaces); non-finite values, |amount| >= 1e12 or a non-zero digit after the cents are `bad_type`.
- `bad_timestamp`: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z`, `+HH:MM`, `+HHMM` or `+HH`;
  the `T` is required; impossible dates/times are `bad_timestamp`.
- `duplicate_line`: only accepted lines count as "first"; a quarantined copy does not.
- `source_file` is the path under the sources folder with `/` (e.g. `pos/site=1/...`); files
  are ordered by that string.
- Amounts are summed exactly (micro-dollars); money and quotients are rounded half-up (away
  from zero for negatives) from the exact sums.
- T(D) includes tickets of cancelled showtimes (admissions, box office); `sessions` and
  `capacity` count scheduled showtimes only. `attach_rate` baskets are (site, sale date,
  transaction_id) over the lines in X(D).
- film_weekly `sessions`, `screens`, `sites` count the film's scheduled session_performance
  rows in the week; `per_screen_average` is NULL when there are none. `week_number` is not
  clamped (a preview before the release week gives 0 or less).
- `returning_members`: the earlier line must itself be a member line at its own `sold_at`.
- A member at instant t: joined_at <= t < cancelled_at, compared in UTC.
"""

from __future__ import annotations

from cinema_metrics.oracle.cli import add_arguments, run
from cinema_metrics.oracle.core import OracleResult, compute

__all__ = ["OracleResult", "add_arguments", "compute", "run"]
