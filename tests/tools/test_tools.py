"""`make bench` and `make drill` are tools, not tests; here at least they load and explain themselves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("tool", ["bench", "drill"])
def test_tool_starts_and_shows_its_options_in_german(tool: str) -> None:
    shown = subprocess.run([sys.executable, "-m", tool, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "--json" in shown.stdout and (
        "Größen" in shown.stdout or "Runden" in shown.stdout or "Szenari" in shown.stdout
    )
