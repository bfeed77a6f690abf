"""What docker-compose.yml and deploy/ say, checked without a Docker engine: NATS configs, the compose file,
per-service permissions on a real server, and that the code reads every setting the compose file sets."""

from __future__ import annotations

import asyncio
import importlib
import re
import secrets
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nats
import pytest
import yaml
from compose_spec import PyOptions
from sqlalchemy.engine import make_url

from beratungsnetz.runtime import provision_db
from beratungsnetz.runtime.nats_server import nats_server_binary
from tests.deploy_support import DEPLOY, PASSWORDS, ROOT, Cluster

COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
APP_SERVICES = ("registry", "notifications", "events", "gateway")


def config_env(path: Path, tmp: Path) -> dict[str, str]:
    """Every $VARIABLE a NATS config refers to, filled in as an operator would."""
    names = set(re.findall(r"\$([A-Z][A-Z0-9_]*)", path.read_text()))
    for included in re.findall(r"^\s*include\s+(\S+)", path.read_text(), flags=re.MULTILINE):
        names |= set(re.findall(r"\$([A-Z][A-Z0-9_]*)", (path.parent / included).resolve().read_text()))
    values = {n: f"wert-{n.lower()}" for n in names}
    values |= {
        k: f"nats-route://127.0.0.1:{6222 + i}"
        for i, k in enumerate(sorted(n for n in names if n.startswith("NATS_ROUTE")))
    }
    values |= {k: str(tmp / "store") for k in names if k.endswith("STORE_DIR")}
    values |= {k: "127.0.0.1:7422" for k in names if k.endswith("LISTEN")}
    values |= {k: "nats-leaf://land:pw@127.0.0.1:7422" for k in names if k.endswith("LEAF_URL")}
    return values


@pytest.mark.parametrize(
    "config", sorted(p.relative_to(DEPLOY) for p in DEPLOY.rglob("*.conf") if "include" not in p.name), ids=str
)
def test_every_nats_config_in_deploy_is_valid(config: Path, tmp_path: Path) -> None:
    path = DEPLOY / config
    env = {"PATH": "/usr/bin:/bin", **config_env(path, tmp_path)}
    result = subprocess.run([str(nats_server_binary()), "-t", "-c", str(path)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout


def test_jetstream_fsyncs_every_write_everywhere() -> None:
    for path in DEPLOY.rglob("*.conf"):
        if re.search(r"^\s*jetstream\s*\{", path.read_text(), flags=re.MULTILINE):  # a server with a JetStream store
            assert "sync_interval: always" in path.read_text(), path


def test_the_compose_file_is_valid() -> None:
    compose = PyOptions(apply_merge=True).from_yaml(COMPOSE_TEXT)  # the compose-spec parser, if no docker plugin
    compose.validate()
    assert set(compose.service_names()) == {"nats-1", "nats-2", "nats-3", "postgres", "db-provision", *APP_SERVICES}
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        env = {"PATH": "/usr/bin:/bin"} | {v: "x" * 40 for v in re.findall(r"\$\{([A-Z_]+)", COMPOSE_TEXT)}
        checked = subprocess.run(
            [docker, "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr


def test_a_broken_compose_file_is_caught() -> None:
    for broken in (
        COMPOSE_TEXT.replace("restart: unless-stopped", "restart: manchmal", 1),
        COMPOSE_TEXT.replace("    healthcheck:", "    gesundheit:", 1),
    ):
        with pytest.raises(ValueError):
            PyOptions(apply_merge=True).from_yaml(broken).validate()


def compose_environment(service: str) -> dict[str, str]:
    """The service's environment with ${VAR...} filled in as an operator's .env would."""
    env = COMPOSE["services"][service]["environment"]

    def fill(match: re.Match) -> str:  # ${VAR:-default} takes its default, ${VAR} and ${VAR:?…} a stand-in
        if match.group(2) is not None:
            return match.group(2)
        if match.group(1) == "PUBLIC_URL":
            return "https://beratungsnetz.example"
        if match.group(1) == "TRUSTED_PROXIES":
            return "172.16.0.0/12"  # as deploy/README.md's .env
        # generated as deploy/README.md says: the production guard refuses simple stand-ins such as "x" * 40
        return ("bn_" if match.group(1).endswith("ADMIN_TOKEN") else "") + secrets.token_urlsafe(32)

    return {k: re.sub(r"\$\{([A-Z_]+)(?::-([^}]*))?[^}]*\}", fill, str(v)) for k, v in env.items()}


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_runs_real_modules_with_settings_the_code_knows(service: str, monkeypatch) -> None:
    spec = COMPOSE["services"][service]
    assert spec["command"] == ["python", "-m", f"services.{service}"]
    importlib.import_module(f"services.{service}.bootstrap")
    healthcheck = spec["healthcheck"]["test"]
    if service != "gateway":
        assert healthcheck[-2:] == ["beratungsnetz.runtime.healthcheck", service]
        importlib.import_module("beratungsnetz.runtime.healthcheck")
    config = importlib.import_module(f"services.{service}.config")
    settings_cls = next(v for k, v in vars(config).items() if k.endswith("Settings") and k != "ServiceSettings")
    prefix = f"BERATUNGSNETZ_{service.upper()}_"
    env = compose_environment(service)
    unknown = [k for k in env if not k.startswith(prefix) or k[len(prefix) :].lower() not in settings_cls.model_fields]
    assert unknown == [], f"Variablen, die {service} nicht kennt: {unknown}"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = settings_cls()  # production settings refuse insecure defaults, so this proves they are complete
    assert settings.environment == "production" and settings.nats_user == service
    assert settings.nats_url.count("nats://") == 3 and (service == "gateway" or settings.stream_replicas == 3)


def test_each_service_gets_only_its_own_secrets() -> None:
    """No shared SECRET_KEY: each link-signing service its own LINK_KEY, the gateway alone the SESSION_KEY, all the
    one FINGERPRINT_KEY (each must recognise an erased address); the production guard refuses any other key."""
    sources = {}
    for service in APP_SERVICES:
        env = COMPOSE["services"][service]["environment"]
        prefix = f"BERATUNGSNETZ_{service.upper()}_"
        keys_here = {k[len(prefix) :]: str(v) for k, v in env.items() if k.endswith(("_KEY", "_KEY_PREVIOUS"))}
        own = {"gateway": {"SESSION_KEY", "SESSION_KEY_PREVIOUS"}}.get(
            service, {"LINK_KEY", "LINK_KEY_PREVIOUS", "SECRET_KEY_PREVIOUS"}
        )
        assert set(keys_here) == own | {"FINGERPRINT_KEY"}, service
        assert "SECRET_KEY" not in keys_here
        for name, value in keys_here.items():
            sources[(service, name)] = re.match(r"\$\{([A-Z_]+)", value).group(1)
    for service in ("registry", "notifications", "events"):
        assert sources[(service, "LINK_KEY")] == f"{service.upper()}_LINK_KEY"  # never another service's variable
    assert sources[("gateway", "SESSION_KEY")] == "GATEWAY_SESSION_KEY"
    assert {v for (_, name), v in sources.items() if name == "FINGERPRINT_KEY"} == {"BERATUNGSNETZ_FINGERPRINT_KEY"}
    named = {v for v in sources.values()}
    readme = (ROOT / "deploy/README.md").read_text()
    assert [v for v in named if v not in readme] == []  # every key the operator must create is explained


def test_each_service_logs_in_to_postgres_as_the_role_provisioning_creates_for_it() -> None:
    services = COMPOSE["services"]
    provisioning = services["db-provision"]
    assert provisioning["command"] == ["python", "-m", "beratungsnetz.runtime.provision_db"]
    assert provisioning["depends_on"]["postgres"]["condition"] == "service_healthy"
    superuser = services["postgres"]["environment"]["POSTGRES_USER"]
    database = services["postgres"]["environment"]["POSTGRES_DB"]
    env = provisioning["environment"]
    assert set(env) == {provision_db.ADMIN_URL_ENV, *(provision_db.password_env(s) for s in provision_db.SERVICES)}
    admin = make_url(env[provision_db.ADMIN_URL_ENV])
    assert (admin.username, admin.password, admin.database) == (superuser, "${POSTGRES_PASSWORD}", database)
    roles = provision_db.roles_from_environment({provision_db.password_env(s): "x" for s in provision_db.SERVICES})
    assert sorted(r.service for r in roles) == sorted(APP_SERVICES)
    for role in roles:
        prefix = f"BERATUNGSNETZ_{role.service.upper()}_"
        spec = services[role.service]
        url = make_url(spec["environment"][prefix + "DATABASE_URL"])
        assert url.username == role.role != superuser, f"{role.service} meldet sich als {url.username} an"
        assert url.password == "${" + provision_db.password_env(role.service) + "}"
        assert env[provision_db.password_env(role.service)].startswith(url.password[:-1] + ":?")  # the same variable
        assert (url.host, url.database) == ("postgres", database)
        assert spec["environment"][prefix + "DATABASE_SCHEMA"] == role.schema
        assert spec["depends_on"]["db-provision"]["condition"] == "service_completed_successfully"
    using_superuser = {name for name, spec in services.items() if "POSTGRES_PASSWORD" in str(spec.get("environment"))}
    assert using_superuser == {"postgres", "db-provision"}


def test_compose_mounts_files_that_exist_and_nats_nodes_share_one_config() -> None:
    for name, spec in COMPOSE["services"].items():
        for volume in spec.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name}: {source} fehlt"
    names = {COMPOSE["services"][f"nats-{i}"]["environment"]["NATS_SERVER_NAME"] for i in (1, 2, 3)}
    assert names == {"nats-1", "nats-2", "nats-3"}


async def test_service_users_may_publish_only_their_own_events(tmp_path: Path) -> None:
    cluster = Cluster(tmp_path)
    cluster.base.mkdir(parents=True, exist_ok=True)
    node = cluster.nodes[0]
    cluster.start(node)  # one node of the production config is enough for core NATS permissions
    url = f"nats://127.0.0.1:{node.client}"
    attempts = {
        "registry": ["registry.group.formed.v1", "registry.query.health", "events.action.planned.v1"],
        "notifications": ["notifications.list.created.v1", "registry.group.formed.v1", "registry.office.registered.v1"],
        "events": ["events.action.planned.v1", "registry.group.formed.v1", "notifications.person.erased.v1"],
        "gateway": [
            "registry.query.groups",
            "events.cmd.plan_action",
            "registry.group.formed.v1",
            "events.action.planned.v1",
            "notifications.person.erased.v1",
            "deadletter.registry.x",
        ],
    }
    refused_expected = {
        "registry": {"events.action.planned.v1"},
        "notifications": {"registry.group.formed.v1", "registry.office.registered.v1"},
        "events": {"registry.group.formed.v1", "notifications.person.erased.v1"},
        "gateway": {
            "registry.group.formed.v1",
            "events.action.planned.v1",
            "notifications.person.erased.v1",
            "deadletter.registry.x",
        },
    }
    try:
        for user, subjects in attempts.items():
            errors: list[Exception] = []

            async def on_error(exc: Exception, errors: list[Exception] = errors) -> None:
                errors.append(exc)

            for _ in range(100):
                try:
                    conn = await nats.connect(
                        url, user=user, password=PASSWORDS[user], error_cb=on_error, allow_reconnect=False
                    )
                    break
                except Exception:  # noqa: BLE001 - the server may still be starting: try again
                    await asyncio.sleep(0.05)
            for subject in subjects:
                await conn.publish(subject, b"{}")
            await conn.flush()
            for _ in range(60):
                if len(errors) >= len(refused_expected[user]):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)  # and no more refusals than expected
            refused = {m.group(1) for e in errors if (m := re.search(r'publish to "([^"]+)"', str(e), re.IGNORECASE))}
            assert refused == refused_expected[user], (user, errors)
            await conn.close()
        with pytest.raises(Exception, match="[Aa]uthorization"):
            await nats.connect(url, user="gateway", password="falsch", allow_reconnect=False)
    finally:
        cluster.stop()


def test_the_installed_package_carries_every_migration(tmp_path: Path) -> None:
    """The image installs the wheel, not the checkout: migrations and templates must be inside it."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("beratungsnetz-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for service in ("registry", "notifications", "events", "gateway"):
        assert (
            f"services/{service}/migrations/env.py" in names
            and f"services/{service}/migrations/script.py.mako" in names
        )
    assert {
        "services/registry/migrations/versions/0002_register.py",
        "services/gateway/migrations/versions/0001_tokens.py",
        "services/notifications/adapters/templates/einladung.txt.j2",
        "services/registry/adapters/templates/directory.html.j2",
        "beratungsnetz/runtime/smtp_sink.py",
        "beratungsnetz/runtime/healthcheck.py",
        "beratungsnetz/runtime/provision_db.py",
    } <= names
