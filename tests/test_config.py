"""Settings from the environment: the insight and watcher settings, and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE_PATH, Settings, SettingsError

VARIABLES = ("DATABASE_PATH", "RETENTION_DAYS", "STORE_USER_IDS", "WATCH_KNOWLEDGE")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_keep_no_user_ids_and_watch_nothing() -> None:
    settings = Settings.from_env()

    assert settings.database_path == DEFAULT_DATABASE_PATH == Path("data/insights.sqlite3")
    assert settings.retention_days == 90
    assert settings.store_user_ids is False
    assert settings.watch_knowledge is False


FLAGS = [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True)]
FLAGS += [("false", False), ("0", False), ("No", False), ("off", False), (" ", False)]


@pytest.mark.parametrize(("raw", "value"), FLAGS)
def test_flags(monkeypatch: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    monkeypatch.setenv("STORE_USER_IDS", raw)
    monkeypatch.setenv("WATCH_KNOWLEDGE", raw)

    settings = Settings.from_env()

    assert (settings.store_user_ids, settings.watch_knowledge) == (value, value)


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
