"""Settings from the environment: the insight and watcher settings, and clear errors for bad values.

The environment is clean in every test (tests/conftest.py clears `VARIABLES`)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.config import DEFAULT_DATABASE_PATH, VARIABLES, Settings, SettingsError


class _Recording(dict[str, str]):
    """An environment that remembers which names were looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)


def test_variables_lists_everything_the_settings_read(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = _Recording()
    monkeypatch.setattr(os, "environ", environment)

    Settings.from_env()

    assert environment.read == set(VARIABLES)  # so the tests' clean environment misses none


def test_the_environment_of_a_test_holds_no_setting() -> None:
    assert [name for name in VARIABLES if name in os.environ] == []
    assert not Path(".env").exists()  # a fresh working directory: no developer's .env


def test_dotenv_is_read_from_the_working_directory(capsys: pytest.CaptureFixture[str]) -> None:
    Path(".env").write_text("DEFAULT_LANGUAGE=klingon\n", encoding="utf-8")

    assert main(["ask", "hello"]) == 2

    assert capsys.readouterr().err == "error: DEFAULT_LANGUAGE must be one of de, en, got 'klingon'\n"


def test_defaults_keep_no_user_ids_and_watch_nothing() -> None:
    settings = Settings.from_env()

    assert settings.database_path == DEFAULT_DATABASE_PATH == Path("data/insights.sqlite3")
    assert settings.retention_days == 90
    assert settings.store_user_ids is False
    assert settings.watch_knowledge is False
    assert settings.spoiler_tags is True  # first-time viewers are not told who won


FLAGS = [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True)]
FLAGS += [("false", False), ("0", False), ("No", False), ("off", False), (" ", False)]


@pytest.mark.parametrize(("raw", "value"), FLAGS)
def test_flags(monkeypatch: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    monkeypatch.setenv("STORE_USER_IDS", raw)
    monkeypatch.setenv("WATCH_KNOWLEDGE", raw)
    monkeypatch.setenv("SPOILER_TAGS", raw)

    settings = Settings.from_env()

    assert (settings.store_user_ids, settings.watch_knowledge) == (value, value)
    assert settings.spoiler_tags is (value or not raw.strip())  # blank keeps the default, on


def test_values_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "insights.sqlite3"))
    monkeypatch.setenv("RETENTION_DAYS", " 30 ")

    settings = Settings.from_env()

    assert settings.database_path == tmp_path / "db" / "insights.sqlite3"
    assert settings.retention_days == 30


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("STORE_USER_IDS", "maybe", "STORE_USER_IDS must be true or false, got 'maybe'"),
        ("WATCH_KNOWLEDGE", "2", "WATCH_KNOWLEDGE must be true or false, got '2'"),
        ("RETENTION_DAYS", "0", "RETENTION_DAYS must be a whole number of days from 1 to 36500, got '0'"),
        ("RETENTION_DAYS", "-5", "RETENTION_DAYS must be a whole number of days from 1 to 36500, got '-5'"),
        ("RETENTION_DAYS", "1.5", "RETENTION_DAYS must be a whole number of days from 1 to 36500, got '1.5'"),
        ("RETENTION_DAYS", "99999999", "RETENTION_DAYS must be a whole number of days from 1 to 36500, got '99999999'"),
        ("RETENTION_DAYS", "٣٠", "RETENTION_DAYS must be a whole number of days from 1 to 36500, got '٣٠'"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, raw: str, message: str) -> None:
    monkeypatch.setenv(name, raw)

    with pytest.raises(SettingsError) as error:
        Settings.from_env()

    assert str(error.value) == message


def test_a_directory_is_not_a_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path))

    with pytest.raises(SettingsError, match=r"DATABASE_PATH must name a database file, but .* is a directory"):
        Settings.from_env()


SHARDS = [
    ({}, None, None),
    ({"SHARD_COUNT": "4"}, 4, None),
    ({"SHARD_COUNT": "4", "SHARD_IDS": "3, 1"}, 4, (1, 3)),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "0"}, 2, (0,)),
]


@pytest.mark.parametrize(("env", "count", "ids"), SHARDS)
def test_shards(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], count: int | None, ids: object) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    settings = Settings.from_env()

    assert (settings.shard_count, settings.shard_ids) == (count, ids)


BAD_SHARDS = [
    ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
    ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be a whole number of shards, 1 or more, got '0'"),
    ({"SHARD_COUNT": "two"}, "SHARD_COUNT must be a whole number"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "SHARD_IDS must be comma-separated shard numbers from 0 to 1, got '2'"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "0,,1"}, "SHARD_IDS must be comma-separated"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "-1"}, "SHARD_IDS must be comma-separated"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "1,1"}, "SHARD_IDS names a shard twice"),
]


@pytest.mark.parametrize(("env", "message"), BAD_SHARDS)
def test_bad_shards_are_named(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env()


def test_database_url_and_metrics_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:secret@db:5432/lemans")
    monkeypatch.setenv("METRICS_PORT", "9108")

    settings = Settings.from_env()

    assert (settings.database_url, settings.metrics_port) == ("postgresql://bot:secret@db:5432/lemans", 9108)
    assert "secret" not in repr(settings)
    monkeypatch.setenv("DATABASE_URL", "mysql://bot@db/lemans")
    with pytest.raises(SettingsError, match="DATABASE_URL must be a postgresql://"):
        Settings.from_env()
    monkeypatch.delenv("DATABASE_URL")
    for bad in ("0", "65536", "http"):
        monkeypatch.setenv("METRICS_PORT", bad)
        with pytest.raises(SettingsError, match=f"METRICS_PORT must be a TCP port from 1 to 65535, got '{bad}'"):
            Settings.from_env()
