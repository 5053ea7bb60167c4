"""docker-compose.yml is a valid Compose file with the production shape (docs/operations.md):
checked against the Compose Specification's JSON schema (tests/support/fixtures/compose-spec.json;
no
Docker engine is needed), and by `docker compose config` where a Docker client has it."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml


@pytest.fixture(scope="module")
def compose(repo_root: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((repo_root / "docker-compose.yml").read_text())
    return loaded


def test_the_compose_file_fits_the_compose_specification(
    compose: dict[str, Any], repo_root: Path
) -> None:
    schema = json.loads(
        (repo_root / "tests" / "support" / "fixtures" / "compose-spec.json").read_text()
    )
    jsonschema.validate(compose, schema, cls=jsonschema.Draft7Validator)


def test_the_api_scales_behind_a_proxy_after_a_one_shot_migration(
    compose: dict[str, Any], repo_root: Path
) -> None:
    services = compose["services"]
    assert set(services) == {"db", "migrate", "api", "proxy"}
    assert services["migrate"]["command"] == ["portcullis", "migrate"]
    assert services["migrate"]["restart"] == "no"
    depends = services["api"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    # A published port would clash between replicas (`--scale api=3`); only the proxy has one.
    assert "ports" not in services["api"]
    assert services["proxy"]["ports"] == ["8000:8080"]
    mounted = services["proxy"]["volumes"][0].split(":")[0]
    assert (repo_root / mounted).is_file()
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])
    assert services["db"]["healthcheck"]["test"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_docker_compose_config_accepts_it(repo_root: Path) -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], check=False).returncode:
        pytest.skip("no Docker client with the compose plugin here; the schema check stands")
    done = subprocess.run(
        [docker, "compose", "-f", str(repo_root / "docker-compose.yml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
