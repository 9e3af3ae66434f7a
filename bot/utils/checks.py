"""Who may run a command: admins for /reload, decided at runtime on every use, and cooldowns.

`default_permissions` only hides a command by default and server admins can change it, so the
command itself checks again: Manage Server, a configured admin role, or an owner.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.client import LeMansBot

log = logging.getLogger(__name__)

# Public commands: 5 uses per 30 seconds per user and command. Write `@cooldown(*PUBLIC_COOLDOWN)` on
# each command: one decorator object shared by several commands would share one bucket between them.
PUBLIC_COOLDOWN = (5, 30.0)

T = TypeVar("T")


class Cooldowns:
    """`rate` uses per `per` seconds for each key, in a window that starts with the first use.

    The same rule as discord.py's cooldowns, at a constant cost per use: discord.py's mapping scans
    every user's bucket on each use, which at a thousand users in 30 s was a tenth of the bot's time.
    Here expired windows are dropped in one sweep at most once per `per` seconds."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.per, self._clock = rate, per, clock
        self._windows: dict[int, tuple[float, int]] = {}  # key -> (window start, uses in it)
        self._swept = clock()

    def hit(self, key: int) -> float:
        """Count one use of `key`; 0 if allowed, else the seconds until the next use is."""
        now = self._clock()
        if now - self._swept >= self.per:
            self._windows = {k: w for k, w in self._windows.items() if now - w[0] < self.per}
            self._swept = now
        start, uses = self._windows.get(key, (now, 0))
        if now - start >= self.per:
            start, uses = now, 0
        if uses >= self.rate:
            return self.per - (now - start)
        self._windows[key] = (start, uses + 1)
        return 0.0

    def __len__(self) -> int:
        return len(self._windows)


def cooldown(rate: int, per: float) -> Callable[[T], T]:
    """A per-user cooldown for one app command; raises CommandOnCooldown like discord.py's."""
    windows = Cooldowns(rate, per)
    described = app_commands.Cooldown(rate, per)  # only what the error reports

    async def allowed(interaction: discord.Interaction[LeMansBot]) -> bool:
        retry_after = windows.hit(interaction.user.id)
        if retry_after:
            raise app_commands.CommandOnCooldown(described, retry_after)
        return True

    return app_commands.check(allowed)


class NotAdmin(app_commands.CheckFailure):
    """The user may not run an admin command; the tree's error handler explains what is needed."""


async def is_admin(interaction: discord.Interaction[LeMansBot]) -> bool:
    """The check of admin commands: raises NotAdmin for everyone else."""
    if await may_admin(interaction):
        return True
    user = interaction.user
    raise NotAdmin(f"{user} ({user.id}) may not run /{interaction.command.name if interaction.command else '?'}")


async def may_admin(interaction: discord.Interaction[LeMansBot]) -> bool:
    """Manage Server here, an ADMIN_ROLE_IDS role, an OWNER_IDS user or the application's owner."""
    user = interaction.user
    settings = interaction.client.settings
    if interaction.permissions.manage_guild:
        return True
    if isinstance(user, discord.Member) and any(role.id in settings.admin_role_ids for role in user.roles):
        return True
    return user.id in settings.owner_ids or await _owns_application(interaction.client, user)


async def is_owner(interaction: discord.Interaction[LeMansBot]) -> bool:
    """An OWNER_IDS user or the application's owner: who may see every server's insights."""
    user = interaction.user
    return user.id in interaction.client.settings.owner_ids or await _owns_application(interaction.client, user)


async def _owns_application(bot: LeMansBot, user: discord.User | discord.Member) -> bool:
    try:
        return await bot.is_owner(user)
    except discord.HTTPException as exc:  # the application info could not be fetched: deny, don't fail
        log.warning("could not look up the application owner: %s", exc)
        return False
