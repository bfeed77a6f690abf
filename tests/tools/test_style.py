"""Lint and format are written down (ruff, configured in pyproject.toml) and checked in the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUFF = str(Path(sys.executable).parent / "ruff")
CODE = ["services", "shared", "beratungsnetz", "tests", "bench", "drill"]


def ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUFF, *args, *CODE], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_ruff_finds_no_lint_error() -> None:
    result = ruff("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted_as_ruff_formats_it() -> None:
    result = ruff("format", "--check", "--no-cache")
    assert result.returncode == 0, "Nicht formatiert (`ruff format` behebt es):\n" + result.stdout


def test_a_planted_lint_error_is_found(tmp_path: Path) -> None:
    """The check can fail: an unused import in a copy of the tree is reported."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    for part in CODE:
        (tmp_path / part).mkdir()
    (tmp_path / "shared" / "planted.py").write_text('"""Planted."""\n\nimport os\n')
    result = ruff("check", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout
