"""Headless Chromium (Debian's `chromium`) for the dashboard PNG and the browser test."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from cinema_metrics.errors import CliError

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise CliError("chromium not found: run `make install` (scripts/services/system-deps.sh installs it)")


def screenshot(
    html_path: Path, png_path: Path, width: int = 1440, height: int = 2200, timeout: int = 120
) -> Path:
    png_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cm-chromium-") as profile:
        argv = [
            chromium_binary(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={png_path}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=5000",
            html_path.resolve().as_uri(),
        ]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0 or not png_path.exists():
        raise CliError(
            f"chromium could not screenshot {html_path} (exit {proc.returncode}): {proc.stderr[-500:]}"
        )
    return png_path
