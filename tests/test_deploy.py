"""The deployment files say what the bot reads: compose's settings parse into the two shards on one
PostgreSQL, the image runs `python -m bot run` as an unprivileged user with no token, and
.env.example documents every setting. (No Docker engine runs here; these read the files.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import VARIABLES, Settings

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))  # anchors merged
    return document


def interpolated(value: str) -> str:
    """compose's ${NAME:?message} with the value a user's .env gives it."""
    return re.sub(r"\$\{POSTGRES_PASSWORD:\?[^}]*\}", "s3cret", value)


def test_compose_runs_shards_0_and_1_of_2_on_one_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    services = compose()["services"]
    bots = {name: service for name, service in services.items() if name.startswith("bot-")}
    assert sorted(bots) == ["bot-0", "bot-1"]
    shards = []
    for service in bots.values():
        assert service["env_file"] == ".env"  # the token comes from there, never from this file
        assert service["depends_on"] == {"postgres": {"condition": "service_healthy"}}
        assert "./knowledge:/app/knowledge:ro" in service["volumes"]  # one folder: one reload for both
        environment = {name: interpolated(str(value)) for name, value in service["environment"].items()}
        assert set(environment) <= set(VARIABLES)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        settings = Settings.from_env()
        shards.append((settings.shard_count, settings.shard_ids))
        assert settings.database_url == "postgresql://lemans:s3cret@postgres:5432/lemans"
        for name in environment:
            monkeypatch.delenv(name)
    assert shards == [(2, (0,)), (2, (1,))]
    postgres = services["postgres"]["environment"]
    assert (postgres["POSTGRES_USER"], postgres["POSTGRES_DB"]) == ("lemans", "lemans")
    assert "DISCORD_TOKEN" not in yaml.safe_dump(compose())  # (its comments may name it)


def test_the_image_runs_the_bot_unprivileged_without_a_token() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text("utf-8").splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    assert re.fullmatch(r"FROM python:3\.\d+-slim(-\w+)?", instructions[0])
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users[-1:] == ["lemans"]  # the last USER, the one CMD runs as
    assert instructions[-1] == 'CMD ["python", "-m", "bot", "run"]'
    assert "DISCORD_TOKEN" not in "\n".join(instructions)
    ignored = (ROOT / ".dockerignore").read_text("utf-8").splitlines()
    assert ".env" in ignored  # the token never reaches the build context


def test_env_example_documents_every_setting() -> None:
    documented = re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text("utf-8"), flags=re.MULTILINE)
    assert sorted(documented) == sorted(VARIABLES)
