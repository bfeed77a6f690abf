"""What docker-compose.yml and deploy/ reference, checked without a Docker engine."""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nats
import pytest
import yaml

from beratungsnetz.runtime.nats_server import nats_server_binary
from beratungsnetz.runtime.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
NATS_CONF = ROOT / "deploy/nats/nats.conf"
PASSWORDS = {f"{s.upper()}_NATS_PASSWORD": f"pw-{s}" for s in ("registry", "notifications", "events", "gateway")}
NATS_ENV = {**os.environ, "NATS_SERVER_NAME": "test-1", "NATS_STORE_DIR": "/nicht/benutzt", **PASSWORDS}
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = ("registry", "notifications", "events", "gateway")


def test_nats_config_is_valid() -> None:
    result = subprocess.run(
        [str(nats_server_binary()), "-t", "-c", str(NATS_CONF)], env=NATS_ENV, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "sync_interval: always" in NATS_CONF.read_text()


async def test_nats_users_may_publish_only_their_own_events(tmp_path: Path) -> None:
    port = free_port()
    args = [str(nats_server_binary()), "-c", str(NATS_CONF), "-a", "127.0.0.1", "-p", str(port), "-m", str(free_port())]
    env = {**NATS_ENV, "NATS_STORE_DIR": str(tmp_path)}
    server = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"nats://127.0.0.1:{port}"
        watcher = None
        for _ in range(100):
            assert server.poll() is None, server.stderr.read().decode()
            try:
                watcher = await nats.connect(url, user="events", password="pw-events", allow_reconnect=False)
                break
            except Exception:
                await asyncio.sleep(0.05)
        assert watcher is not None
        errors: list[Exception] = []

        async def on_error(exc: Exception) -> None:
            errors.append(exc)

        registry = await nats.connect(url, user="registry", password="pw-registry", error_cb=on_error)
        received = []

        async def collect(msg) -> None:  # noqa: ANN001
            received.append(msg.subject)

        await watcher.subscribe(">", cb=collect)
        await watcher.flush()
        await registry.publish("registry.group.formed.v1", b"{}")
        await registry.publish("events.query.health", b"{}")  # not registry's to publish
        await registry.flush()
        for _ in range(100):  # the allowed message arrives; the refused one never does
            if "registry.group.formed.v1" in received and errors:
                break
            await asyncio.sleep(0.05)
        assert "registry.group.formed.v1" in received
        assert "events.query.health" not in received
        assert any("permissions violation" in str(e).lower() for e in errors), errors
        with pytest.raises(Exception, match="[Aa]uthorization"):
            await nats.connect(url, user="registry", password="falsch", allow_reconnect=False)
        await registry.close()
        await watcher.close()
    finally:
        server.terminate()
        server.wait(10)


def compose_environment(service: str) -> dict[str, str]:
    """The service's environment with ${VAR...} filled in as an operator's .env would."""
    env = COMPOSE["services"][service]["environment"]
    def fill(match: re.Match) -> str:  # ${VAR:-default} takes its default, ${VAR} and ${VAR:?…} a stand-in
        return match.group(1) if match.group(1) is not None else "x" * 40

    return {k: re.sub(r"\$\{[A-Z_]+(?::-([^}]*))?[^}]*\}", fill, str(v)) for k, v in env.items()}


@pytest.mark.parametrize("service", SERVICES)
def test_compose_runs_real_modules_with_settings_the_code_knows(service: str, monkeypatch) -> None:
    spec = COMPOSE["services"][service]
    assert spec["command"] == ["python", "-m", f"services.{service}"]
    importlib.import_module(f"services.{service}.__main__".replace(".__main__", ".bootstrap"))
    config = importlib.import_module(f"services.{service}.config")
    settings_cls = next(v for k, v in vars(config).items() if k.endswith("Settings") and k != "ServiceSettings")
    prefix = f"BERATUNGSNETZ_{service.upper()}_"
    env = compose_environment(service)
    unknown = [k for k in env if not k.startswith(prefix) or k[len(prefix) :].lower() not in settings_cls.model_fields]
    assert unknown == [], f"Variablen, die {service} nicht kennt: {unknown}"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = settings_cls()  # production settings: refuses insecure defaults, so this proves they are complete
    assert settings.environment == "production" and settings.nats_user == service


def test_compose_mounts_files_that_exist() -> None:
    for name, spec in COMPOSE["services"].items():
        for volume in spec.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name}: {source} fehlt"


def test_the_installed_package_carries_every_migration(tmp_path: Path) -> None:
    """The image installs the wheel, not the checkout: migrations must be inside it."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("beratungsnetz-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for service in ("registry", "notifications", "events"):
        assert f"services/{service}/migrations/versions/0001_messaging.py" in names
        assert f"services/{service}/migrations/env.py" in names
        assert f"services/{service}/migrations/script.py.mako" in names
    assert "beratungsnetz/runtime/smtp_sink.py" in names
