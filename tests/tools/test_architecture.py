"""import-linter contracts run in the suite; a planted violation proves they can fail."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the tree in `cwd` alone.

    `services` is a namespace package: an editable install of another checkout in the same virtualenv
    (a .pth hook) would add its files to the graph. Hence no site hooks (-S), site-packages on the path.
    """
    path = os.pathsep.join([str(cwd), *site.getsitepackages()])
    env = {"PYTHONPATH": path, "PATH": str(Path(sys.executable).parent)}
    command = [sys.executable, "-S", "-c", LINT, "--no-cache"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_import_contracts_are_kept() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_service_importing_another_breaks_the_contracts(tmp_path: Path) -> None:
    for part in ("services", "shared", "beratungsnetz", "pyproject.toml"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / part)
    (tmp_path / "services/events/adapters/registry_peek.py").write_text("import services.registry.config\n")
    (tmp_path / "services/events/domain/leak.py").write_text("import sqlalchemy\n")
    with (tmp_path / "services/registry/domain/hours.py").open("a") as hours:  # offices -> hours -> offices
        hours.write("\nfrom services.registry.domain import offices  # noqa: E402, F401\n")

    result = lint(tmp_path)
    assert result.returncode != 0
    assert "Dienste importieren einander nicht BROKEN" in result.stdout
    assert "Die Domäne ist reines Python BROKEN" in result.stdout
    assert "Keine Importzyklen in einer Domäne: Ereignisse wohnen bei ihrem Aggregat BROKEN" in result.stdout


# `pytest tests/unit` stays under two seconds (issue 13) only while no unit test imports these; a test that needs
# one belongs in tests/integration, a table it needs in a module without them (e.g. entrypoints/translate.py).
HEAVY = {"faststream", "nats", "sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn"}


def test_the_unit_suite_imports_no_messaging_database_or_web_framework() -> None:
    files = [ROOT / "tests" / "conftest.py", *sorted((ROOT / "tests" / "unit").rglob("*.py"))]
    modules = [".".join(f.relative_to(ROOT).with_suffix("").parts) for f in files]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(*sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(HEAVY)!r})))"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [], f"Unit-Tests importieren {result.stdout.strip()}"
