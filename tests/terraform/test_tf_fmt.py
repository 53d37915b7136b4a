"""terraform fmt: every .tf file of modules/ and terraform/ is formatted."""

from __future__ import annotations

import subprocess
import time

from tfharness import ROOT, TERRAFORM, TIMER


def test_terraform_fmt(tools: None) -> None:
    start = time.monotonic()
    proc = subprocess.run(
        [TERRAFORM, "fmt", "-check", "-recursive", "-list=true", "modules", "terraform"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    files = len(list((ROOT / "modules").rglob("*.tf"))) + len(list((ROOT / "terraform").rglob("*.tf")))
    TIMER.add("terraform fmt", time.monotonic() - start, files if proc.returncode == 0 else 0)
    assert proc.returncode == 0, f"not formatted (run `make fmt`):\n{proc.stdout}{proc.stderr}"
