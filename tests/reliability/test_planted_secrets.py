"""No secret and no personal value in any error, log, cache or report (issue 20, item 5).

An e-mail address, a first and a last name are planted in the CRM, and a password in the MySQL
URL; the job runs (a folder state, so its dimension cache is written too), fails on a broken
CRM row, and fails on a malformed and on an unreachable MySQL URL. Every byte it printed or
wrote is searched for the planted values: stdout and stderr, every file of the output and the
state (Parquet and pickles opened, not just grepped: their strings may be compressed)."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.unit.job import scenario
from tests.unit.job.snap import DIMENSIONS, write_csv, write_snapshot

from cinema_metrics import contract
from cinema_metrics.cli import main
from cinema_metrics.sources import dimensions_from_frames

EMAIL = "zenobia.planted@example.test"
FIRST, LAST = "Zenobiaplanted", "Quixoticplanted"
PASSWORD = "Pl4nted-S3cret-pw"
PLANTED = (EMAIL, FIRST, LAST, PASSWORD)


def _with_planted_customer(rows: list[dict]) -> list[dict]:
    first = dict(rows[0], email=EMAIL, first_name=FIRST, last_name=LAST)
    return [first, *rows[1:]]


def _texts_of(path: Path) -> list[str]:
    """What a file holds as text: its bytes, and the cells of a Parquet file or a pickled frame."""
    data = path.read_bytes()
    texts = [data.decode("utf-8", "replace")]
    if path.suffix == ".parquet":
        table = pq.read_table(io.BytesIO(data))
        texts += table.column_names
        texts += [str(v) for column in table.columns for v in column.to_pylist()]
    elif path.suffix == ".pkl":
        obj = pickle.loads(data)  # the job's own cache, written by this test's run
        for frame in (x for x in (obj if isinstance(obj, tuple) else (obj,)) if hasattr(x, "columns")):
            texts += [str(c) for c in frame.columns]
            texts += [str(v) for v in frame.to_numpy().ravel()]
    return texts


def _found(texts: list[str]) -> list[str]:
    return sorted({p for p in PLANTED for t in texts if p in t})


def test_a_run_writes_and_prints_nothing_planted(spark, tmp_path, capsys) -> None:
    src = tmp_path / "src"
    write_snapshot(src, scenario.POS)
    write_csv(src / "crm/customers.csv", _with_planted_customer(DIMENSIONS["crm/customers.csv"]))
    out = tmp_path / "out"
    assert main(["run", "--sources", str(src), "--output", str(out)]) == 0
    assert main(["run", "--sources", str(src), "--output", str(out)]) == 0  # the cache is read back
    printed = capsys.readouterr()
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pkl" for p in files), "the dimension cache was written"
    assert any(p.name == "run_report.json" for p in files)
    assert _found([printed.out, printed.err]) == []
    leaks = {str(p.relative_to(out)): _found(_texts_of(p)) for p in files}
    assert {k: v for k, v in leaks.items() if v} == {}
    cached = [_texts_of(p) for p in files if p.suffix == ".pkl"]
    assert not any(c in texts for texts in cached for c in contract.PERSONAL_COLUMNS)


@pytest.mark.parametrize(
    "shift",
    [
        {"customer_id": EMAIL},  # a shifted CSV field puts the e-mail into the key column
        {"customer_id": "500"},  # a duplicate key, the row holding the planted names
    ],
)
def test_a_broken_crm_row_is_named_without_its_values(tmp_path, capsys, shift) -> None:
    src = tmp_path / "src"
    write_snapshot(src, scenario.POS)
    rows = _with_planted_customer(DIMENSIONS["crm/customers.csv"])
    write_csv(src / "crm/customers.csv", [*rows, dict(rows[0], **shift)])
    assert main(["run", "--sources", str(src), "--output", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "crm/customers.csv row" in err and len(err.strip().splitlines()) == 1
    assert _found([err]) == []
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "url",
    [
        f"mysqlx://cinema:{PASSWORD}@127.0.0.1:3306",  # a wrong scheme
        f"mysql://cinema:{PASSWORD}@127.0.0.1:1",  # nothing listens there
        f"mysql://cinema:{PASSWORD}@",  # no host
    ],
)
def test_a_bad_mysql_url_never_echoes_its_password(tmp_path, capsys, url) -> None:
    src = tmp_path / "src"
    write_snapshot(src, scenario.POS)
    code = main(["run", "--sources", str(src), "--mysql", url, "--output", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "--mysql" in err and len(err.strip().splitlines()) == 1
    assert PASSWORD not in err


def test_the_glue_entry_keeps_only_the_jobs_columns() -> None:
    """from_catalog hands every crawled column; the job keeps contract.JOB_COLUMNS only."""
    import pandas as pd

    frames = {}
    for (db, table), rows in ((tuple(k[:-4].split("/")), v) for k, v in DIMENSIONS.items()):
        frame = pd.DataFrame(rows)
        if (db, table) == ("crm", "customers"):
            frame = pd.DataFrame(_with_planted_customer(rows))
        frames[(db, table)] = frame
    dims = dimensions_from_frames(frames)
    for key, frame in dims.tables.items():
        assert list(frame.columns) == list(contract.JOB_COLUMNS[key])
        assert _found([str(v) for v in frame.to_numpy().ravel()]) == []
