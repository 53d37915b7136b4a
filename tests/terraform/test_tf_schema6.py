"""AWS provider 6.x: every resource/data/provider block of the repo fits the 6.x schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import scanners
from tfharness import ROOT


def test_repo_fits_provider_6x(schema6_path: Path, schema5_path: Path) -> None:
    findings = scanners.schema_check([ROOT / "modules", ROOT / "terraform"], schema6_path, schema5_path)
    assert not findings, "blocks that would break on AWS provider 6.x:\n" + "\n".join(map(str, findings))


def test_schema_has_the_types_this_repo_uses(schema6_path: Path, schema5_path: Path) -> None:
    """The extracted 6.x schema is a real provider schema: it knows what 5.100 knows, nearly all of it."""
    import json

    six, five = json.loads(schema6_path.read_text()), json.loads(schema5_path.read_text())
    assert six["provider_version"].startswith("6.")
    shared = set(six["resources"]) & set(five["resources"])
    assert len(shared) > 0.9 * len(five["resources"]), "the 6.x extraction lost most resource types"
    assert (
        six["resources"]["aws_dynamodb_table"]["blocks"]["point_in_time_recovery"]["attrs"]["enabled"] is True
    )


def test_misspelled_argument_is_reported_with_file_and_line(tmp_path: Path, schema6_path: Path) -> None:
    module = tmp_path / "metric_tables"
    shutil.copytree(ROOT / "modules" / "metric_tables", module, ignore=shutil.ignore_patterns(".terraform"))
    main = module / "main.tf"
    text = main.read_text()
    assert "billing_mode" in text, (
        "modules/metric_tables/main.tf no longer sets billing_mode: pick another argument"
    )
    line = text[: text.index("billing_mode")].count("\n") + 1
    main.write_text(text.replace("billing_mode", "biling_mode", 1))
    findings = scanners.schema_check([module], schema6_path, None, base=tmp_path)
    assert len(findings) == 1, "\n".join(map(str, findings))
    finding = findings[0]
    assert (finding.file, finding.line) == ("metric_tables/main.tf", line)
    assert "unknown argument `biling_mode`" in finding.message
    assert "did you mean `billing_mode`?" in finding.message


def test_argument_removed_in_6x_is_named_as_such(
    tmp_path: Path, schema6_path: Path, schema5_path: Path
) -> None:
    """`vpc` on aws_eip exists in 5.100 and is gone in 6.x: the finding says so (not "unknown")."""
    (tmp_path / "eip.tf").write_text('resource "aws_eip" "nat" {\n  domain = "vpc"\n  vpc    = true\n}\n')
    findings = scanners.schema_check([tmp_path], schema6_path, schema5_path, base=tmp_path)
    assert [(f.file, f.line) for f in findings] == [("eip.tf", 3)]
    assert "argument `vpc` was removed in AWS provider 6." in findings[0].message
