"""The Docker image installs the project as a wheel (`pip install .`): every template and static file must be in it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("services", "shared", "beratungsnetz")
DATA = ("*.j2", "*.css", "*.svg", "*.mako")


def test_the_wheel_carries_every_template_and_static_file(tmp_path: Path) -> None:
    # Built from a copy: a build/ folder left in the checkout would hide a missing pattern.
    source = tmp_path / "quelle"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels)]
    built = subprocess.run([*command, str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        str(path.relative_to(ROOT))
        for pattern in DATA
        for package in PACKAGES
        for path in (ROOT / package).rglob(pattern)
    }
    assert len(expected) > 50, "keine Vorlagen gefunden"
    assert sorted(expected - inside) == [], "fehlen im Paket (pyproject.toml, [tool.setuptools.package-data])"
