"""The user's language on Discord, and every sentence the bot itself says, in German and English."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.schema import Lang


def lang_of(locale: discord.Locale | None) -> Lang | None:
    """Discord has one German locale; every other known locale reads English."""
    if locale is None:
        return None
    return "de" if locale is discord.Locale.german else "en"


def fallback_lang(*locales: discord.Locale | None, default: Lang) -> Lang:
    """The first locale that is known decides; without any, the configured default."""
    return next((lang for lang in map(lang_of, locales) if lang is not None), default)


def interaction_lang(interaction: discord.Interaction[Any], default: Lang) -> Lang:
    """The user's client language, then the server's, then the configured default."""
    return fallback_lang(interaction.locale, interaction.guild_locale, default=default)


def message_lang(message: discord.Message, default: Lang) -> Lang:
    """Messages carry no user locale: the server's language, then the configured default."""
    return fallback_lang(message.guild.preferred_locale if message.guild else None, default=default)


TEXTS: dict[str, dict[Lang, str]] = {
    "did_you_mean": {"de": "Meintest du …?", "en": "Did you mean …?"},
    "dont_know": {"de": "Das weiß ich (noch) nicht", "en": "I don't know that (yet)"},
    "dont_know_hint": {
        "de": "Mit /hilfe siehst du, wonach du mich fragen kannst.",
        "en": "Try /help to see what you can ask me.",
    },
    "only_asker": {
        "de": "Nur wer die Frage gestellt hat, kann hier wählen. Stell deine eigene Frage mit /frage.",
        "en": "Only the person who asked can choose here. Ask your own question with /ask.",
    },
    "entry_gone": {
        "de": "Diese Antwort gibt es nach einem Update nicht mehr. Frag bitte noch einmal.",
        "en": "That answer is gone after an update. Please ask again.",
    },
    "thanks": {"de": "Danke für dein Feedback!", "en": "Thanks for your feedback!"},
    "cooldown": {
        "de": "Nicht so schnell! Versuch es in {seconds} s noch einmal.",
        "en": "Slow down! Try again in {seconds} s.",
    },
    "not_admin": {
        "de": "Dafür brauchst du die Berechtigung „Server verwalten“ (oder eine Admin-Rolle des Bots).",
        "en": "You need the Manage Server permission (or one of the bot's admin roles) for this.",
    },
    "owners_only": {
        "de": "Alle Server sehen nur die Besitzer des Bots; ohne `überall` siehst du diesen Server.",
        "en": "Only the bot's owners see every server; without `everywhere` you see this server.",
    },
    "not_allowed": {"de": "Das geht hier leider nicht.", "en": "You can't use that here."},
    "error": {
        "de": "Da ist etwas schiefgegangen. Versuch es bitte später noch einmal.",
        "en": "Something went wrong. Please try again later.",
    },
    "mention_help_title": {"de": "Frag mich etwas!", "en": "Ask me something!"},
    "mention_help": {
        "de": (
            "Ich beantworte Fragen zur Doku-Serie „Le Mans: Racing Is Everything“. Schreib deine Frage "
            "gleich hinter die Erwähnung, zum Beispiel: {mention} wann kam die Serie raus?\n"
            "Oder nutze /frage. Alle Befehle zeigt /hilfe."
        ),
        "en": (
            "I answer questions about the documentary series “Le Mans: Racing Is Everything”. Put your question "
            "right after the mention, for example: {mention} when was it released?\n"
            "Or use /ask. /help lists every command."
        ),
    },
    "no_episode": {
        "de": "Eine Folge {number} kenne ich nicht. Ich kenne die Folgen {known}.",
        "en": "I don't know an episode {number}. I know episodes {known}.",
    },
    "no_episodes": {"de": "Ich kenne noch keine einzelnen Folgen.", "en": "I don't know any single episodes yet."},
    "episodes_title": {"de": "Die Folgen", "en": "The episodes"},
    "episodes_footer": {"de": "Mehr zu einer Folge: /folge <Nummer>", "en": "More on one episode: /episode <number>"},
    "no_person_closest": {
        "de": "„{name}“ kenne ich nicht. Meintest du: {closest}? Ohne Namen zeigt /besetzung alle.",
        "en": "I don't know “{name}”. Did you mean: {closest}? /cast without a name lists everyone.",
    },
    "no_person": {
        "de": "Zu „{name}“ weiß ich nichts. Ich kenne: {known}",
        "en": "I know nothing about “{name}”. I know: {known}",
    },
    "nothing_on_topic": {"de": "Dazu weiß ich noch nichts.", "en": "I don't know anything about that yet."},
    "cast": {"de": "Mitwirkende", "en": "Cast"},
    "crew": {"de": "Crew", "en": "Crew"},
    "release": {"de": "Veröffentlichung", "en": "Release"},
    "also_ask": {"de": "Frag auch nach", "en": "Also ask about"},
    "more": {"de": "… und {count} weitere", "en": "… and {count} more"},
    "about_title": {"de": "Über diesen Bot", "en": "About this bot"},
    "about": {
        "de": (
            "Ich bin ein inoffizieller Fan-Bot und beantworte Fragen zur Doku-Serie „Le Mans: Racing Is "
            "Everything“ (Amazon Prime Video, 2017) auf Deutsch und Englisch. Ich habe keine Verbindung zu "
            "Amazon oder den Produzenten."
        ),
        "en": (
            "I am an unofficial fan bot answering questions about the documentary series “Le Mans: Racing Is "
            "Everything” (Amazon Prime Video, 2017) in German and English. I am not affiliated with Amazon or "
            "the producers."
        ),
    },
    "about_knowledge": {"de": "Wissen", "en": "Knowledge"},
    "about_counts": {
        "de": "{entries} Einträge, davon {episodes} Folgen und {unknown} offen (keine Quelle weiß es)",
        "en": "{entries} entries, {episodes} of them episodes and {unknown} open (no source says)",
    },
    "about_sources": {"de": "Quellen", "en": "Sources"},
    "about_sources_note": {
        "de": (
            "Jede Antwort nennt bis zu drei Quellen mit Link; hat sie mehr, zeigt der Knopf „Quellen“ alle. "
            "Insgesamt zitiere ich {kinds}. Wenn keine Quelle etwas sagt, sage ich das, statt zu raten."
        ),
        "en": (
            "Every answer names up to three sources with a link; if there are more, the “Sources” button lists "
            "them all. In all I cite {kinds}. Where no source says something, I say so instead of guessing."
        ),
    },
    "kind_press": {"de": "{count} Presseartikel", "en": "{count} press articles"},
    "kind_review": {"de": "{count} Kritiken", "en": "{count} reviews"},
    "kind_official": {
        "de": "{count} offizielle Seiten (Veranstalter, Hersteller)",
        "en": "{count} official pages (organiser, makers)",
    },
    "kind_reference": {"de": "{count} Nachschlageseiten", "en": "{count} reference pages"},
    "kind_blog": {"de": "{count} Blogs", "en": "{count} blogs"},
    "help_title": {"de": "Hilfe", "en": "Help"},
    "help": {
        "de": (
            "Frag mich alles zur Doku-Serie „Le Mans: Racing Is Everything“: mit /frage, indem du mich "
            "erwähnst, oder per Direktnachricht. Ich antworte in der Sprache deiner Frage."
        ),
        "en": (
            "Ask me anything about the documentary series “Le Mans: Racing Is Everything”: with /ask, by "
            "mentioning me, or in a direct message. I answer in the language of your question."
        ),
    },
    "help_commands": {"de": "Befehle", "en": "Commands"},
    "help_examples": {"de": "Beispielfragen", "en": "Example questions"},
    "reload_title": {"de": "Wissen neu geladen", "en": "Knowledge reloaded"},
    "reload_count": {"de": "{count} Einträge sind aktiv.", "en": "{count} entries are live."},
    "reload_unchanged": {"de": "Nichts hat sich geändert.", "en": "Nothing changed."},
    "reload_processes": {
        "de": "{took} von {processes} Bot-Prozessen haben das neue Wissen übernommen.",
        "en": "{took} of {processes} bot processes took the new knowledge.",
    },
    "reload_silent": {"de": "Keine Antwort von {count}.", "en": "{count} did not answer."},
    "reload_kept_old": {"de": "Behalten ihr altes Wissen", "en": "Kept their old knowledge"},
    "added": {"de": "Neu", "en": "Added"},
    "removed": {"de": "Entfernt", "en": "Removed"},
    "changed": {"de": "Geändert", "en": "Changed"},
    "reload_failed_title": {"de": "Neu laden fehlgeschlagen", "en": "Reload failed"},
    "reload_failed": {
        "de": "Die bisherigen {count} Einträge antworten weiter. Bitte behebe diese Probleme:",
        "en": "The previous {count} entries keep answering. Please fix these problems:",
    },
    "unanswered_title": {"de": "Unbeantwortet: die letzten {days} Tage", "en": "Unanswered: the last {days} days"},
    "unanswered_summary": {
        "de": "{asked} Fragen blieben ohne sichere Antwort, {groups} verschiedene. Die häufigsten:",
        "en": "{asked} questions got no confident answer, {groups} different ones. The most asked:",
    },
    "unanswered_nothing": {
        "de": "In diesem Zeitraum blieb keine Frage unbeantwortet.",
        "en": "No question went unanswered in this period.",
    },
    "similar": {"de": "(+{count} ähnliche)", "en": "(+{count} similar)"},
    "unhelpful_title": {"de": "Als nicht hilfreich markiert", "en": "Marked not helpful"},
    "unhelpful_nothing": {
        "de": "Keine Antwort wurde als nicht hilfreich markiert.",
        "en": "No answer was marked not helpful.",
    },
    "scope_server": {"de": "Nur dieser Server", "en": "This server only"},
    "scope_all": {"de": "Alle Server und Direktnachrichten", "en": "All servers and direct messages"},
    "insights_unavailable": {
        "de": "Die Statistik-Datenbank ist gerade nicht erreichbar; Details stehen im Log.",
        "en": "The insights database is unavailable right now; the log has the details.",
    },
}


def say(key: str, lang: Lang, **values: object) -> str:
    """One of the bot's own sentences in `lang`, with `values` filled in."""
    return TEXTS[key][lang].format(**values)
