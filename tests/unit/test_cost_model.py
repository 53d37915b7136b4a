"""The cost model end to end: seed reproduction, the target, tfvars reading, JSON, chart."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from cinema_metrics import cli
from cinema_metrics.cost import model
from cinema_metrics.cost.inputs import load_prices, load_workload, read_tfvars_dir, repo_root, with_defaults
from cinema_metrics.errors import CliError

ROOT = repo_root()
FIXTURES = ROOT / "tests" / "data" / "cost"
PRICES = load_prices(ROOT / "costs" / "prices.yaml")
SEED_WORKLOAD = load_workload(ROOT / "costs" / "workloads" / "seed.yaml")


def _tf(path: Path) -> dict:
    return with_defaults(read_tfvars_dir(path)[0])[0]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = cli.main(["cost", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_seed_reproduction_within_two_percent() -> None:
    seed = model.seed_design(SEED_WORKLOAD, PRICES)
    by_item = {li.item: li.usd for li in seed.lines}
    # the seed's itemised figures, by formula
    assert by_item["ETL job (standard, 5 DPU)"] == pytest.approx(66.00)  # 1800 min x 5 DPU x 0.44
    assert by_item["Data Catalog objects + requests"] == pytest.approx(1.892)
    assert by_item["2 crawlers every 2 h"] == pytest.approx(21.12)
    assert by_item["10 GB Standard (as the seed)"] == pytest.approx(0.23)
    assert seed.by_service()["QuickSight"] == pytest.approx(30.0)
    # formulas (without the screenshot carry-overs) within 2 % of the stated 125.87
    assert abs(model.formula_total(seed) / 125.87 - 1) < 0.02
    # carry-overs are small and shown, and the total prints as the seed's figure
    carried = sum(li.usd for li in seed.lines if li.service == "Seed as stated")
    assert 0 < carried < 0.02 * 125.87
    assert round(seed.total, 2) == 125.87


def test_seed_at_aws_billing_rules_pays_the_crawler_minimum() -> None:
    seed_aws = model.seed_design(SEED_WORKLOAD, PRICES, "aws")
    crawler = next(li for li in seed_aws.lines if "crawlers" in li.item)
    # 720 runs x 10 min x 2 DPU / 60 = 240 DPU-h x 0.44
    assert crawler.usd == pytest.approx(105.60)
    assert seed_aws.total > model.seed_design(SEED_WORKLOAD, PRICES).total


def test_target_this_design_on_the_seed_workload_at_most_45() -> None:
    # The real prod root (terraform/prod/*.tfvars), not a fixture: the target is about what deploys.
    ours = model.this_design("prod", _tf(ROOT / "terraform" / "prod"), SEED_WORKLOAD, PRICES)
    assert ours.total <= 45.0, ours.by_service()
    # QuickSight is included: 1 Author + 3 Readers at list price
    assert ours.by_service()["QuickSight"] == pytest.approx(33.0)


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_real_environment_roots_price_without_errors(env: str) -> None:
    root = ROOT / "terraform" / env
    assert root.is_dir(), f"{root} is missing"
    ours = model.this_design(env, _tf(root), SEED_WORKLOAD, PRICES)
    assert 0 < ours.total < model.seed_design(SEED_WORKLOAD, PRICES).total


def test_dynamodb_writes_only_changed_keys() -> None:
    tf = _tf(FIXTURES / "prod")
    small = model.this_design("prod", tf, SEED_WORKLOAD, PRICES)
    big = model.this_design("prod", tf, SEED_WORKLOAD.scaled(200_000), PRICES)
    writes = {b: next(li.quantity for li in x.lines if li.item.startswith("on-demand writes")) for b, x in
              (("small", small), ("big", big))}  # fmt: skip
    # 200 lines per run touch fewer keys than lines; 1000x the lines hit the key bound, not 1000x writes
    assert writes["small"] < 360 * 200
    assert writes["big"] < 10 * writes["small"]


def test_missing_optional_values_get_module_defaults() -> None:
    tf, filled = with_defaults(read_tfvars_dir(FIXTURES / "minimal")[0])
    assert tf["glue_job"]["execution_class"] == "FLEX"
    assert tf["glue_job"]["schedule"] == "cron(0 */2 * * ? *)"
    assert "glue_job.worker_type='G.1X'" in filled


def test_all_tfvars_in_a_root_are_merged() -> None:
    tf, files = read_tfvars_dir(FIXTURES / "prod")
    assert [f.name for f in files] == ["terraform.tfvars", "analytics.auto.tfvars"]
    assert tf["quicksight"]["reader_count"] == 3 and tf["glue_job"]["number_of_workers"] == 2


def test_bad_tfvars_is_a_cli_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "terraform.tfvars"
    bad.write_text('glue_job = { worker_type = "G.1X"\n')
    with pytest.raises(CliError, match=re.escape(str(bad))) as exc:
        read_tfvars_dir(tmp_path)
    assert "fix" in str(exc.value)


def test_missing_root_and_empty_root_are_cli_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CliError, match=re.escape("no *.tfvars file")):
        read_tfvars_dir(tmp_path)
    rc, _, err = _run(capsys, "--tfvars-dir", str(tmp_path / "nope"))
    assert rc == 2 and "nope" in err and "--tfvars-dir" in err


def test_bad_schedule_is_a_cli_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "terraform.tfvars").write_text('glue_job = { schedule = "every two hours" }\n')
    rc, _, err = _run(capsys, "--tfvars-dir", str(tmp_path))
    assert rc == 2 and "every two hours" in err


def test_text_output_ends_with_one_comparison_line(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "--tfvars-dir", str(FIXTURES / "prod"))
    assert rc == 0
    pattern = re.compile(
        r"^seed design: (\d+\.\d\d) USD/month; this design: (\d+\.\d\d) USD/month; saving (\d+) %$"
    )
    matches = [m for m in map(pattern.match, out.splitlines()) if m]
    assert len(matches) == 1 and out.rstrip().splitlines()[-1] == matches[0].group(0)
    seed, ours, saving = float(matches[0].group(1)), float(matches[0].group(2)), int(matches[0].group(3))
    assert seed == 125.87 and ours <= 45
    assert saving == round(100 * (1 - ours / seed))
    assert out.index("== this design (prod)") < out.index("== seed design:")


def test_json_output_shape(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "--tfvars-dir", str(FIXTURES / "prod"), "--json", "--sensitivity")
    assert rc == 0
    data = json.loads(out)
    assert {
        "environment",
        "workload",
        "prices",
        "this_design",
        "seed_design",
        "comparison",
        "sensitivity",
    } <= set(data)
    assert data["prices"]["recorded"] == "2026-11-28"
    line = data["this_design"]["lines"][0]
    assert {"service", "item", "quantity", "unit", "unit_price", "usd", "formula"} <= set(line)
    total = sum(li["usd"] for li in data["this_design"]["lines"])
    assert data["this_design"]["total_usd"] == pytest.approx(total, abs=0.006)
    assert data["comparison"]["seed_usd"] == 125.87
    assert [r["factor"] for r in data["sensitivity"]] == [1, 10, 100, 1000]


def test_sensitivity_seed_grows_faster_than_ours(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "--tfvars-dir", str(FIXTURES / "prod"), "--json", "--sensitivity")
    assert rc == 0
    rows = json.loads(out)["sensitivity"]
    assert rows[0]["pos_lines_per_2h"] == 200 and rows[-1]["pos_lines_per_2h"] == 200_000
    for a, b in itertools.pairwise(rows):
        assert b["this_usd"] >= a["this_usd"] and b["seed_usd"] >= a["seed_usd"]
    assert rows[-1]["seed_usd"] - rows[0]["seed_usd"] > rows[-1]["this_usd"] - rows[0]["this_usd"]


def test_pos_lines_flag_changes_the_workload(capsys: pytest.CaptureFixture[str]) -> None:
    _, base, _ = _run(capsys, "--tfvars-dir", str(FIXTURES / "prod"), "--json")
    _, more, _ = _run(capsys, "--tfvars-dir", str(FIXTURES / "prod"), "--json", "--pos-lines-per-2h", "20000")
    assert json.loads(more)["this_design"]["total_usd"] > json.loads(base)["this_design"]["total_usd"]


def test_chart_png_is_not_blank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import matplotlib.image as mpimg

    png = tmp_path / "cost.png"
    rc, _, _ = _run(capsys, "--tfvars-dir", str(FIXTURES / "prod"), "--chart", str(png))
    assert rc == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    img = mpimg.imread(png)
    assert img.shape[0] > 300 and img.shape[1] > 600
    assert img[..., :3].std() > 0.05  # bars and text, not a blank canvas


def test_without_the_nat_the_note_prices_the_endpoints_the_subnet_needs() -> None:
    """Prod rides the database VPC's NAT; the note's price of doing without it is what pricing the
    same tfvars with those endpoints listed (and no NAT) gives."""
    tf = _tf(ROOT / "terraform" / "prod")
    with_nat = model.this_design("prod", tf, SEED_WORKLOAD, PRICES)
    note = next(n for n in with_nat.notes if n.startswith("Network:"))
    needed = model.no_nat_endpoints(bool(tf.get("catalog_encryption")))
    assert needed == ["glue", "logs", "monitoring", "secretsmanager", "sqs"]
    extra = float(re.search(r"= \+([\d.]+) USD/month", note).group(1))  # type: ignore[union-attr]
    assert extra == pytest.approx(len(needed) * 7.30)
    no_nat = json.loads(json.dumps(tf))
    no_nat["network"].update(interface_endpoints=needed, egress_via_nat=False)
    priced = model.this_design("prod", no_nat, SEED_WORKLOAD, PRICES)
    nat_data = next(li.usd for li in with_nat.lines if "existing NAT" in li.item)
    assert priced.total == pytest.approx(with_nat.total - nat_data + extra, abs=0.01)
    assert not any(n.startswith("Network:") for n in priced.notes)  # nothing left to reach
    assert priced.total > 45.0  # why prod uses the NAT: the endpoints alone break the target
