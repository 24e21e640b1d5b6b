"""What can be checked of the container files without a Docker engine (none runs here): the compose file's
services, that every ATTEST_* variable it sets is a real setting, that ports and hosts agree across the
files, the Chroma server image matches the client, and the Dockerfile is multi-stage, unprivileged, has a
healthcheck on a route that exists and runs the README's install command. `docker compose config` (or
Debian's `docker-compose config`) validates the file against the Compose specification."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import chromadb
import pytest
import yaml
from pydantic import BaseModel

from attest.service import create_app
from attest.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _env_names(model: type[BaseModel], prefix: str = "ATTEST_") -> set[str]:
    names: set[str] = set()
    for name, info in model.model_fields.items():
        kind: Any = info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names |= _env_names(kind, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_compose_services_and_settings() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"api", "worker", "postgres", "redis", "chroma"}
    known = _env_names(Settings)
    for name in ("api", "worker"):
        env = services[name]["environment"]
        unknown = sorted(set(env) - known)
        assert not unknown, f"{name} sets variables attest does not read: {unknown}"
        # The values parse: the settings the container would run with.
        with pytest.MonkeyPatch.context() as mp:
            for key, value in env.items():
                mp.setenv(key, str(value))
            settings = Settings()
        assert settings.service.worker == "celery" and settings.ocr.threads == 1
        assert settings.log.format == "json" and settings.log.show_personal_data is False
        assert str(settings.data_dir) == "/data" and settings.patterns.chroma_url == "http://chroma:8000"
        assert env["ATTEST_SERVICE__DATABASE_URL"].split("@")[1].startswith("postgres:5432/")
        assert env["ATTEST_SERVICE__BROKER_URL"].startswith("redis://redis:6379/")
        assert env["ATTEST_PATTERNS__CHROMA_URL"] == "http://chroma:8000"
    assert services["api"]["ports"] == ["127.0.0.1:8000:8000"]
    assert "--port" in services["api"]["command"] and services["api"]["command"][-1] == "8000"
    assert services["worker"]["command"][:2] == ["attest", "worker"]
    # The server must speak the client's protocol: the same Chroma release.
    assert services["chroma"]["image"] == f"chromadb/chroma:{chromadb.__version__}"


def test_dockerfile_is_multistage_unprivileged_healthchecked_and_installs_like_the_readme() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\w+)", text, re.M)
    assert len(stages) >= 2 and {s[1] for s in stages} >= {"build", "runtime"}
    requires = re.search(r'requires-python = ">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text())
    assert requires and all(s[0].startswith(f"python:{requires.group(1)}") for s in stages)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("0", "root")
    assert "RUN make install" in text  # the README's commands run `make install` first (Makefile: run, test)
    # The wheel's packages are said in setup.py, and the prompt templates are a top-level folder it installs.
    assert "COPY prompts ./prompts" in text and re.search(r"^COPY pyproject.toml setup.py ", text, re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: install", makefile, re.M) and re.search(r"^install: ", makefile, re.M)
    health = re.search(r"HEALTHCHECK .*?urlopen\('http://127.0.0.1:(\d+)(/\w+)'", text, re.S)
    assert health and health.group(1) == "8000" and "EXPOSE 8000" in text
    paths = create_app(Settings()).openapi()["paths"]
    assert health.group(2) in paths and "/readyz" in paths and "/metrics" in paths
    assert '"--port", "8000"' in text


def _compose_cli() -> list[str] | None:
    """`docker compose` (the v2 plugin) where it exists, else Debian's `docker-compose` (1.29, which `make test`
    installs): either validates the file against the Compose specification."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


COMPOSE = _compose_cli()


@pytest.mark.skipif(COMPOSE is None, reason="neither `docker compose` nor `docker-compose` is installed")
def test_docker_compose_config_validates() -> None:
    assert COMPOSE is not None
    done = subprocess.run([*COMPOSE, "-f", str(ROOT / "docker-compose.yml"), "config"], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    # The file as Compose resolved it: the same five services, the worker really is a Celery worker.
    resolved = yaml.safe_load(done.stdout)
    assert set(resolved["services"]) == set(_compose()["services"])
    assert "worker" in " ".join(resolved["services"]["worker"]["command"])
