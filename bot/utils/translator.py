"""German names and descriptions for the slash commands, so German clients see /frage instead of /ask.

The commands are declared in English in the cogs; Discord asks this translator for every other
locale when the tree is synced. Discord has a single German locale, `de`.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.schema import Lang

# Command and option names: lowercase, ^[-_\w]{1,32}$ (checked by the tests).
GERMAN_NAMES: dict[str, str] = {
    "ask": "frage",
    "question": "text",  # not "frage" again: "/frage frage:" read twice
    "episode": "folge",
    "number": "nummer",
    "episodes": "folgen",
    "cast": "besetzung",
    "person": "person",
    "crew": "crew",
    "release": "erscheinen",  # not "start": it read like starting the bot
    "about": "info",
    "help": "hilfe",
    "reload": "neuladen",
    "unanswered": "unbeantwortet",
    "days": "tage",
    "everywhere": "überall",
}

# Descriptions: at most 100 characters.
GERMAN_DESCRIPTIONS: dict[str, str] = {
    "Ask a question about the series": "Stell eine Frage zur Serie",
    "Your question, in German or English": "Deine Frage, auf Deutsch oder Englisch",
    "Show one episode": "Zeigt eine Folge",
    "The episode's number": "Die Nummer der Folge",
    "List all episodes": "Listet alle Folgen auf",
    "Who is in the series, or one person": "Wer in der Serie vorkommt, oder eine Person",
    "A person from the series": "Eine Person aus der Serie",
    "Who made the series": "Wer die Serie gemacht hat",
    "When and where the series came out": "Wann und wo die Serie erschienen ist",
    "What this bot is and what it knows": "Was dieser Bot ist und was er weiß",
    "Commands and example questions": "Befehle und Beispielfragen",
    "Reload the knowledge files (admins)": "Lädt die Wissensdateien neu (Admins)",
    "Questions the bot could not answer, unhelpful answers (admins)": (
        "Fragen ohne Antwort und wenig hilfreiche Antworten (Admins)"
    ),
    "How many days back to look (default 30)": "Wie viele Tage zurück (Standard 30)",
    "Every server and DM, not only this server (bot owners)": "Alle Server und DMs, nicht nur dieser (Bot-Besitzer)",
}

# Choice names: the episodes /episode offers.
GERMAN_CHOICES: dict[str, str] = {f"Episode {n}": f"Folge {n}" for n in range(1, 7)}

_NAMES = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)
_DESCRIPTIONS = frozenset(
    {
        app_commands.TranslationContextLocation.command_description,
        app_commands.TranslationContextLocation.group_description,
        app_commands.TranslationContextLocation.parameter_description,
    }
)


def localized_name(name: str, lang: Lang) -> str:
    """A command's name as a user of `lang` sees it, e.g. for /help."""
    return GERMAN_NAMES.get(name, name) if lang == "de" else name


def localized_description(description: str, lang: Lang) -> str:
    return GERMAN_DESCRIPTIONS.get(description, description) if lang == "de" else description


class LeMansTranslator(app_commands.Translator):
    """Looks English command strings up in the German tables; other locales keep the English."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.german:
            return None
        if context.location in _NAMES:
            return GERMAN_NAMES.get(string.message)
        if context.location in _DESCRIPTIONS:
            return GERMAN_DESCRIPTIONS.get(string.message)
        if context.location is app_commands.TranslationContextLocation.choice_name:
            return GERMAN_CHOICES.get(string.message)
        return None
