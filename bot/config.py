"""Settings from the environment (and `.env`), read once, in one place; no discord import."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.schema import LANGS, Lang

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


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


@dataclass(frozen=True)
class Settings:
    token: str = field(default="", repr=False)  # never printed
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    owner_ids: frozenset[int] = frozenset()
    admin_role_ids: frozenset[int] = frozenset()
    default_lang: Lang = "en"
    log_level: str = "INFO"

    @classmethod
    def from_env(cls) -> Settings:
        """Read the process environment; call `dotenv.load_dotenv()` first to include `.env`."""
        return cls(
            token=os.environ.get("DISCORD_TOKEN", "").strip(),
            knowledge_dir=Path(os.environ.get("KNOWLEDGE_DIR", "") or DEFAULT_KNOWLEDGE_DIR),
            owner_ids=_ids("OWNER_IDS"),
            admin_role_ids=_ids("ADMIN_ROLE_IDS"),
            default_lang=_lang("DEFAULT_LANGUAGE", "en"),
            log_level=os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
        )
