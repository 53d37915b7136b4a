"""The vectorised dimension CSV loader builds exactly the frames of the row-by-row loader.

sources.load_dimensions_csv converts clean files per column (Arrow kernels) and falls back to
the row-by-row path for anything unusual, so error messages still name the first bad row.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
from tests.unit.job.snap import DIMENSIONS, write_snapshot

from cinema_metrics import contract, sources
from cinema_metrics.errors import CliError


def _slow(root: Path) -> dict:
    out = {}
    for key in contract.DIMENSIONS:
        where = f"{key[0]}/{key[1]}.csv"
        header, rows = sources._csv_records(root / key[0] / f"{key[1]}.csv", where)
        out[key] = sources._typed_frame(key, rows, header, where)
    return out


def _assert_same(root: Path) -> dict:
    fast, slow = sources.load_dimensions_csv(root), _slow(root)
    for key in contract.DIMENSIONS:
        pd.testing.assert_frame_equal(fast[key], slow[key], check_exact=True)
        for a, b in zip(fast[key].iloc[0].tolist(), slow[key].iloc[0].tolist(), strict=True):
            assert type(a) is type(b)
        labels_f, labels_s = fast[key].attrs["labels"], slow[key].attrs["labels"]
        assert [labels_f[i] for i in range(len(labels_f))] == [labels_s[i] for i in range(len(labels_s))]
    return fast


def test_clean_snapshot_same_frames(tmp_path: Path) -> None:
    fast = _assert_same(write_snapshot(tmp_path, {}))
    # the clean files really took the vectorised path (labels formatted on demand)
    assert isinstance(fast[("ecr", "showtimes")].attrs["labels"], sources._LineLabels)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("ecr/screens.csv", "seats", " 120 "),  # padded integer: accepted, row by row
        ("ecr/films.csv", "release_date", "20260102"),  # another ISO form fromisoformat reads
        ("ecr/showtimes.csv", "starts_at", "2026-03-06 19:30:00+01:00"),  # offset: normalised to UTC
    ],
)
def test_unusual_values_take_the_row_path_with_same_result(
    tmp_path: Path, table: str, column: str, value: str
) -> None:
    dims = copy.deepcopy(DIMENSIONS)
    dims[table][0][column] = value
    _assert_same(write_snapshot(tmp_path, {}, dims))


def test_bad_value_still_names_the_row(tmp_path: Path) -> None:
    dims = copy.deepcopy(DIMENSIONS)
    dims["ecr/showtimes.csv"][-1]["starts_at"] = "2026-02-30 10:00:00"
    root = write_snapshot(tmp_path, {}, dims)
    n = len(dims["ecr/showtimes.csv"])
    with pytest.raises(CliError, match=rf"ecr/showtimes.csv row {n} \(line {n + 1}\): column starts_at"):
        sources.load_dimensions_csv(root)


def test_catalog_frames_with_float_integers(tmp_path: Path) -> None:
    """From the Glue catalog, an integer column of a nullable catalog type can reach pandas as
    float64 (Spark's toPandas): whole floats are integers, 1.5 is not. A column the job does not
    read (customers.home_site_id here, garbage) is dropped, never validated."""
    write_snapshot(tmp_path, {})
    frames = {  # what the catalog hands over: every column, as text where the CSV had text
        key: pd.read_csv(tmp_path / key[0] / f"{key[1]}.csv", dtype=str, keep_default_na=False)
        for key in contract.DIMENSIONS
    }
    members = frames[("crm", "loyalty_memberships")]
    want = members["customer_id"].astype("int64").tolist()
    members["customer_id"] = members["customer_id"].astype("float64")
    frames[("crm", "customers")]["home_site_id"] = "not a number"
    got = sources.dimensions_from_frames(frames, origin="catalog")
    assert got["crm.loyalty_memberships"]["customer_id"].tolist() == want
    assert list(got["crm.customers"].columns) == ["customer_id"]
    members.loc[members.index[0], "customer_id"] = 1.5
    with pytest.raises(CliError, match=r"customer_id: cannot parse \(a CRM value, not shown\) as bigint"):
        sources.dimensions_from_frames(frames, origin="catalog")
