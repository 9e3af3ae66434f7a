"""Settings from the environment (and `.env`), read once, in one place; no discord import."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.loader import KnowledgeError
from bot.core.schema import LANGS, Lang

# Relative to the working directory, like .env: run the bot from the folder that holds them (the
# project root), or set KNOWLEDGE_DIR and DATABASE_PATH; an installed package carries no knowledge.
DEFAULT_KNOWLEDGE_DIR = Path("knowledge")
DEFAULT_DATABASE_PATH = Path("data/insights.sqlite3")
DEFAULT_CACHE_DIR = Path(".cache")
NO_KNOWLEDGE = "Set KNOWLEDGE_DIR to the folder of the knowledge files, or run the bot where knowledge/ is."
MAX_RETENTION_DAYS = 36_500  # a century; more is a typo, and would overflow date arithmetic

# Every environment variable the bot reads (tests clear them all, so a developer's .env cannot leak in).
VARIABLES = (
    "DISCORD_TOKEN",
    "KNOWLEDGE_DIR",
    "OWNER_IDS",
    "ADMIN_ROLE_IDS",
    "DEFAULT_LANGUAGE",
    "LOG_LEVEL",
    "DATABASE_PATH",
    "RETENTION_DAYS",
    "STORE_USER_IDS",
    "WATCH_KNOWLEDGE",
    "DATABASE_URL",
    "SHARD_COUNT",
    "SHARD_IDS",
    "METRICS_PORT",
    "SPOILER_TAGS",
    "CACHE_DIR",
)

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


class SettingsError(ValueError):
    """A setting has a value the bot cannot use; the message names the variable."""


def _ids(name: str) -> frozenset[int]:
    raw = os.environ.get(name, "")
    try:
        return frozenset(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError:
        raise SettingsError(f"{name} must be a comma-separated list of numeric Discord ids, got {raw!r}") from None


def _lang(name: str, default: Lang) -> Lang:
    value = os.environ.get(name, default).strip().lower()
    if value not in LANGS:
        raise SettingsError(f"{name} must be one of {', '.join(LANGS)}, got {value!r}")
    return value  # narrowed to Lang by the membership test


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in _TRUE | _FALSE:
        raise SettingsError(f"{name} must be true or false, got {value!r}")
    return value in _TRUE


def _days(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_RETENTION_DAYS:
        raise SettingsError(f"{name} must be a whole number of days from 1 to {MAX_RETENTION_DAYS}, got {raw!r}")
    return int(raw)


def _port(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 65_535:
        raise SettingsError(f"{name} must be a TCP port from 1 to 65535, got {raw!r}")
    return int(raw)


def _shards() -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT alone: this process runs every shard; with SHARD_IDS: exactly those."""
    count_raw, ids_raw = os.environ.get("SHARD_COUNT", "").strip(), os.environ.get("SHARD_IDS", "").strip()
    if not count_raw:
        if ids_raw:
            raise SettingsError("SHARD_IDS needs SHARD_COUNT: how many shards there are in all")
        return None, None
    if not count_raw.isascii() or not count_raw.isdigit() or int(count_raw) < 1:
        raise SettingsError(f"SHARD_COUNT must be a whole number of shards, 1 or more, got {count_raw!r}")
    count = int(count_raw)
    if not ids_raw:
        return count, None
    parts = [part.strip() for part in ids_raw.split(",")]
    if not all(part.isascii() and part.isdigit() and int(part) < count for part in parts):
        raise SettingsError(f"SHARD_IDS must be comma-separated shard numbers from 0 to {count - 1}, got {ids_raw!r}")
    if len(set(parts)) != len(parts):
        raise SettingsError(f"SHARD_IDS names a shard twice: {ids_raw!r}")
    return count, tuple(sorted(int(part) for part in parts))


def _database_url(name: str) -> str | None:
    url = os.environ.get(name, "").strip()
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):
        raise SettingsError(f"{name} must be a postgresql://user:password@host:port/database URL")
    return url


def _database(name: str) -> Path:
    path = Path(os.environ.get(name, "").strip() or DEFAULT_DATABASE_PATH)
    if path.is_dir():
        raise SettingsError(f"{name} must name a database file, but {str(path)!r} is a directory")
    return path


def knowledge_failure(error: KnowledgeError, directory: Path) -> str:
    """Every problem of a knowledge directory that failed to load, and where to look when it is missing."""
    return str(error) if directory.is_dir() else f"{error}\n{NO_KNOWLEDGE}"


@dataclass(frozen=True)
class Settings:
    token: str = field(default="", repr=False)  # never printed
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    owner_ids: frozenset[int] = frozenset()
    admin_role_ids: frozenset[int] = frozenset()
    default_lang: Lang = "en"
    log_level: str = "INFO"
    database_path: Path = DEFAULT_DATABASE_PATH
    retention_days: int = 90
    store_user_ids: bool = False  # privacy: who asked is kept only when an admin opts in
    watch_knowledge: bool = False
    database_url: str | None = field(default=None, repr=False)  # PostgreSQL instead of SQLite; holds a password
    shard_count: int | None = None  # None: discord.py asks Discord for the recommended count
    shard_ids: tuple[int, ...] | None = None  # None: every shard of shard_count in this process
    metrics_port: int | None = None  # None: no Prometheus endpoint
    spoiler_tags: bool = True  # race results in ||spoiler|| tags, for fans who have not watched yet
    cache_dir: Path = DEFAULT_CACHE_DIR  # validated, indexed knowledge, so a new process starts fast

    @classmethod
    def from_env(cls) -> Settings:
        """Read the process environment (only `VARIABLES`); load `.env` into it first to include it."""
        shard_count, shard_ids = _shards()
        return cls(
            token=os.environ.get("DISCORD_TOKEN", "").strip(),
            knowledge_dir=Path(os.environ.get("KNOWLEDGE_DIR", "") or DEFAULT_KNOWLEDGE_DIR),
            owner_ids=_ids("OWNER_IDS"),
            admin_role_ids=_ids("ADMIN_ROLE_IDS"),
            default_lang=_lang("DEFAULT_LANGUAGE", "en"),
            log_level=os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
            database_path=_database("DATABASE_PATH"),
            retention_days=_days("RETENTION_DAYS", 90),
            store_user_ids=_flag("STORE_USER_IDS", False),
            watch_knowledge=_flag("WATCH_KNOWLEDGE", False),
            database_url=_database_url("DATABASE_URL"),
            shard_count=shard_count,
            shard_ids=shard_ids,
            metrics_port=_port("METRICS_PORT"),
            spoiler_tags=_flag("SPOILER_TAGS", True),
            cache_dir=Path(os.environ.get("CACHE_DIR", "").strip() or DEFAULT_CACHE_DIR),
        )
