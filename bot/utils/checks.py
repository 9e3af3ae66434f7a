"""Who may run a command: admins for /reload, decided at runtime on every use, and cooldowns.

`default_permissions` only hides a command by default and server admins can change it, so the
command itself checks again: Manage Server, a configured admin role, or an owner.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.client import LeMansBot

log = logging.getLogger(__name__)

# Public commands: 5 uses per 30 seconds per user and command. Write
# `@app_commands.checks.cooldown(*PUBLIC_COOLDOWN)` on each command: one decorator object shared by
# several commands would share one bucket between them.
PUBLIC_COOLDOWN = (5, 30.0)


class NotAdmin(app_commands.CheckFailure):
    """The user may not run an admin command; the tree's error handler explains what is needed."""


async def is_admin(interaction: discord.Interaction[LeMansBot]) -> bool:
    """Manage Server here, an ADMIN_ROLE_IDS role, an OWNER_IDS user or the application's owner."""
    user = interaction.user
    settings = interaction.client.settings
    if interaction.permissions.manage_guild:
        return True
    if isinstance(user, discord.Member) and any(role.id in settings.admin_role_ids for role in user.roles):
        return True
    if user.id in settings.owner_ids or await _owns_application(interaction.client, user):
        return True
    raise NotAdmin(f"{user} ({user.id}) may not run /{interaction.command.name if interaction.command else '?'}")


async def _owns_application(bot: LeMansBot, user: discord.User | discord.Member) -> bool:
    try:
        return await bot.is_owner(user)
    except discord.HTTPException as exc:  # the application info could not be fetched: deny, don't fail
        log.warning("could not look up the application owner: %s", exc)
        return False
