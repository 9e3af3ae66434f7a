"""The bot's features, one cog a module, loaded by `LeMansBot.setup_hook`."""

EXTENSIONS: tuple[str, ...] = ("bot.exts.ask", "bot.exts.browse", "bot.exts.admin", "bot.exts.insights")
