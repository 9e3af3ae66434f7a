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
    "did_you_mean": {"de": "Meintest du eine dieser Fragen?", "en": "Did you mean one of these?"},
    "dont_know_example": {
        "de": "Frag zum Beispiel: „Wann kam die Serie raus?“ {help} zeigt alles, was ich kann.",
        "en": "Try for example: “When was it released?” {help} shows everything I can do.",
    },
    "only_asker": {
        "de": "Nur wer die Frage gestellt hat, kann hier wählen. Stell deine eigene Frage mit {ask}.",
        "en": "Only the person who asked can choose here. Ask your own question with {ask}.",
    },
    "more_button": {"de": "Mehr", "en": "More"},
    "entry_gone": {
        "de": "Diese Antwort gibt es nach einem Update nicht mehr. Frag bitte noch einmal.",
        "en": "That answer is gone after an update. Please ask again.",
    },
    "thanks": {"de": "Danke für dein Feedback!", "en": "Thanks for your feedback!"},
    "thanks_again": {
        "de": "Du hast diese Antwort schon mit {vote} bewertet. Danke!",
        "en": "You already rated this answer {vote}. Thanks!",
    },
    "cooldown": {
        "de": "Nicht so schnell! Versuch es {when} noch einmal.",
        "en": "Slow down! Try again {when}.",
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
            "Oder nutze {ask}. Alle Befehle zeigt {help}."
        ),
        "en": (
            "I answer questions about the documentary series “Le Mans: Racing Is Everything”. Put your question "
            "right after the mention, for example: {mention} when was it released?\n"
            "Or use {ask}. {help} lists every command."
        ),
    },
    "no_episode": {
        "de": "Die Serie hat {count} Folgen; zu Folge {number} weiß ich nichts.",
        "en": "The series has {count} episodes; I know nothing about an episode {number}.",
    },
    "no_episodes": {"de": "Ich kenne noch keine einzelnen Folgen.", "en": "I don't know any single episodes yet."},
    "episodes_title": {"de": "Die Folgen", "en": "The episodes"},
    "no_person_closest": {
        "de": "„{name}“ kenne ich nicht. Meintest du: {closest}? Ohne Namen zeigt /besetzung alle.",
        "en": "I don't know “{name}”. Did you mean: {closest}? /cast without a name lists everyone.",
    },
    "episode_label": {"de": "Folge {number}", "en": "Episode {number}"},
    "episodes_unknown": {
        "de": "Zu diesen Folgen nennt keine Quelle Titel oder Inhalt.",
        "en": "No source gives these episodes' titles or content.",
    },
    "episodes_total": {"de": "Zusammen", "en": "In total"},
    "episodes_footer": {"de": "Eine Folge öffnen: {episode}", "en": "Open one episode: {episode}"},
    "open_episode": {"de": "Folge öffnen …", "en": "Open an episode…"},
    "no_person": {
        "de": "Zu „{name}“ weiß ich nichts. Ich kenne: {known}",
        "en": "I know nothing about “{name}”. I know: {known}",
    },
    "open_person": {"de": "Person öffnen …", "en": "Open a person…"},
    "open_more": {"de": "Mehr dazu …", "en": "More on…"},
    "not_in_sources": {"de": "Keine Quelle nennt: {items}.", "en": "No source names: {items}."},
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
    "about_knowledge": {"de": "Was ich weiß", "en": "What I know"},
    "about_knows": {
        "de": "Alle {episodes} Folgen, {people} Personen aus der Serie, die Macher, die Veröffentlichung und das "
        "Rennen 2015.",
        "en": "All {episodes} episodes, {people} people from the series, its makers, its release and the 2015 race.",
    },
    "about_sources": {"de": "Woher", "en": "Where from"},
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
    "about_privacy": {"de": "Datenschutz", "en": "Privacy"},
    "about_privacy_note": {
        "de": (
            "Fragen, die ich nicht beantworten kann, und 👍/👎 speichere ich {who} {days} Tage lang, damit die "
            "Admins die Antworten verbessern können ({unanswered}). Sonst speichere ich nichts."
        ),
        "en": (
            "Questions I cannot answer, and 👍/👎 votes, are kept {who} for {days} days so that the admins can "
            "improve the answers ({unanswered}). Nothing else is stored."
        ),
    },
    "privacy_anonymous": {"de": "ohne deinen Namen", "en": "without your name"},
    "privacy_with_id": {"de": "mit deiner Discord-ID", "en": "with your Discord user id"},
    "help_title": {"de": "Hilfe", "en": "Help"},
    "help": {
        "de": (
            "Frag mich alles zur Doku-Serie „Le Mans: Racing Is Everything“: mit {ask}, indem du mich "
            "erwähnst, oder per Direktnachricht. Ich antworte in der Sprache deiner Frage."
        ),
        "en": (
            "Ask me anything about the documentary series “Le Mans: Racing Is Everything”: with {ask}, by "
            "mentioning me, or in a direct message. I answer in the language of your question."
        ),
    },
    "help_commands": {"de": "Befehle", "en": "Commands"},
    "help_admin": {"de": "Für Admins", "en": "For admins"},
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
