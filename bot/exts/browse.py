"""Browsing without a question: episodes, cast, crew, release, and what the bot is.

Overviews are compact cards: one line per entry (its title and first sentence), what no source
says in one sentence, and a menu that opens the rest. The answers come from the same entries as /ask.
"""

from __future__ import annotations

import dataclasses
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import LeMansBot
from bot.core import citations
from bot.core.answers import Answer
from bot.core.engine import AUTOCOMPLETE_LIMIT
from bot.core.schema import Lang, Topic
from bot.utils.checks import PUBLIC_COOLDOWN, cooldown, may_admin
from bot.utils.embeds import bullet_list, make_embed, shorten, sources_field
from bot.utils.locale import interaction_lang, say
from bot.utils.prose import first_sentence, hide_outcomes
from bot.utils.replies import Reply
from bot.utils.translator import localized_description, localized_name
from bot.utils.views import OpenSelect, container, send_ephemeral

CHOICE_NAME_LIMIT = 100
EPISODES = 6  # the series' one season (sourced in knowledge/episodes.yaml); /episode offers exactly these
DIGEST_LIMIT = 900  # characters of an overview's lines; what does not fit goes into its menu
LINE_LIMIT = 150  # one entry's line in an overview
PERSON_LINE_LIMIT = 110
MAX_CLOSEST = 3  # names offered when a typed name names nobody
RUNTIME_ENTRY = "episodes-runtime"  # its text gives the runtime the episode list shows
RELEASE_FIRST = ("release-date", "platform-where-to-watch", "platform-prime-included", "platform-language")
EXAMPLE_TOPICS: tuple[Topic, ...] = ("release", "episodes", "cast", "crew", "race", "platform")
_MINUTES = re.compile(r"\b(\d{2}) (?:minutes|Minuten|min)\b")


class Browse(commands.Cog):
    """Overviews and lookups by name or number."""

    def __init__(self, bot: LeMansBot) -> None:
        self.bot = bot

    def lang(self, interaction: discord.Interaction[LeMansBot]) -> Lang:
        return interaction_lang(interaction, self.bot.settings.default_lang)

    def line(self, answer: Answer, limit: int = LINE_LIMIT) -> str:
        """**Title** · its first sentence (race results behind spoiler tags when set)."""
        title = answer.title or ""
        sentence = first_sentence(answer.text)
        sentence = re.sub(rf"^{re.escape(title)} (?:is|was|ist|war) ", "", sentence)  # "Mark Webber · an Australian…"
        if self.bot.settings.spoiler_tags:
            sentence = hide_outcomes([shorten(sentence, limit - 4)])[0]
        return f"**{title}** · {shorten(sentence, limit)}"

    async def show(self, interaction: discord.Interaction[LeMansBot], answer: Answer, command: str) -> None:
        """One entry's answer, as under /ask; `command` stands in for the question."""
        shown = dataclasses.replace(answer, question=command)
        reply = self.bot.replies.answer(shown, asker_id=interaction.user.id, hint_lang=self.lang(interaction))
        await reply.send(interaction)

    def digest(self, title: str, lang: Lang, *topics: Topic, first: tuple[str, ...] = ()) -> Reply:
        """A card of `topics`: one line per known entry while they fit (`first` ids first), one
        sentence for the unknown ones, and a menu with the rest (reviews, …)."""
        entries = self.bot.engine.topic(lang, *topics)
        entries.sort(key=lambda e: first.index(e.entry_id or "") if e.entry_id in first else len(first))
        lines: list[str] = []
        rest: list[Answer] = []
        for entry in (e for e in entries if e.kind == "answer"):
            line = self.line(entry)
            if rest or len("\n".join([*lines, line])) > DIGEST_LIMIT:
                rest.append(entry)
            else:
                lines.append(line)
        unknown = [e.title or "" for e in entries if e.kind == "unknown"]
        if unknown:
            lines.append(say("not_in_sources", lang, items=", ".join(unknown)))
        options = [(e.entry_id or "", e.title or "") for e in rest]
        menu = [OpenSelect(lang, options, say("open_more", lang))] if rest else []
        text = "\n".join(lines) or say("nothing_on_topic", lang)
        shown = [e for e in entries if e.kind == "answer" and e not in rest]
        sources = sources_field(citations.ranked(e.sources for e in shown), lang)
        return Reply(make_embed(title, text, fields=[sources] if sources else []), container(menu))

    # ------------------------------------------------------------------ episodes

    @app_commands.command(name="episode", description="Show one episode")
    @app_commands.describe(number="The episode's number")
    @app_commands.choices(number=[app_commands.Choice(name=f"Episode {n}", value=n) for n in range(1, EPISODES + 1)])
    @cooldown(*PUBLIC_COOLDOWN)
    async def episode(self, interaction: discord.Interaction[LeMansBot], number: int) -> None:
        answer = self.bot.engine.episode(number, self.lang(interaction))
        if answer is None:  # only when the knowledge lacks it: Discord offers exactly the six
            await send_ephemeral(interaction, say("no_episode", self.lang(interaction), count=EPISODES, number=number))
            return
        await self.show(interaction, answer, f"/episode {number}")

    @app_commands.command(name="episodes", description="List all episodes")
    @cooldown(*PUBLIC_COOLDOWN)
    async def episodes(self, interaction: discord.Interaction[LeMansBot]) -> None:
        await self.episode_list(self.lang(interaction)).send(interaction)

    def episode_list(self, lang: Lang) -> Reply:
        """One line per episode (runs of episodes no source describes share one), the runtime and the
        total, and a menu to open one."""
        episodes = list(self.bot.engine.episodes(lang).items())
        runtime = self.bot.engine.answer_entry(RUNTIME_ENTRY, "en")
        minutes = sorted({int(m) for m in _MINUTES.findall(runtime.text)}) if runtime else []
        each = f" · {minutes[0]}–{minutes[-1]} min" if len(minutes) > 1 else f" · {minutes[0]} min" if minutes else ""
        lines: list[str] = []
        unknown: list[int] = []
        for number, entry in [*episodes, (0, None)]:
            if entry is not None and entry.kind == "unknown":
                unknown.append(number)
                continue
            if unknown:
                span = f"{unknown[0]}–{unknown[-1]}" if len(unknown) > 1 else str(unknown[0])
                lines.append(f"**{span}**{each} · {say('episodes_unknown', lang)}")
                unknown = []
            if entry is not None:
                sentence = shorten(first_sentence(entry.text), LINE_LIMIT)
                lines.append(f"**{number}**{each} · {sentence}")
        if minutes and episodes:
            total = f"{len(episodes) * minutes[0]}" + (f"–{len(episodes) * minutes[-1]}" if len(minutes) > 1 else "")
            lines.append(f"**{say('episodes_total', lang)}** · {total} min")
        if episodes:
            episode = f"{self.bot.replies.commands.mention('episode', lang)} `{localized_name('number', lang)}`"
            lines.append(say("episodes_footer", lang, episode=episode))
        options = [(e.entry_id or "", say("episode_label", lang, number=n)) for n, e in episodes]
        menu = [OpenSelect(lang, options, say("open_episode", lang))] if options else []
        text = "\n".join(lines) or say("no_episodes", lang)
        return Reply(make_embed(say("episodes_title", lang), text), container(menu))

    # ------------------------------------------------------------------ people

    @app_commands.command(name="cast", description="Who is in the series, or one person")
    @app_commands.describe(person="A person from the series")
    @cooldown(*PUBLIC_COOLDOWN)
    async def cast(self, interaction: discord.Interaction[LeMansBot], person: str | None = None) -> None:
        lang = self.lang(interaction)
        if person is None:
            await self.cast_list(lang).send(interaction)
            return
        people = {answer.entry_id: answer for answer in self.bot.engine.cast(lang).people}
        chosen = self.bot.engine.person(person, lang)  # a choice (its entry id) or a name typed precisely
        if chosen is None or chosen.entry_id not in people:  # a wrong person is worse than none
            found = self.bot.engine.complete(person, lang, topic="cast")
            closest = [s.title for s in found if s.entry_id in people][:MAX_CLOSEST]
            if closest:
                text = say("no_person_closest", lang, name=person, closest=", ".join(closest))
            else:
                known = ", ".join(p.title or "" for p in people.values())
                text = say("no_person", lang, name=person, known=known)
            await send_ephemeral(interaction, text)
            return
        await self.show(interaction, chosen, f"/cast {chosen.title}")

    def cast_list(self, lang: Lang) -> Reply:
        """Each person in one line, and a menu to open one."""
        people = self.bot.engine.cast(lang).people
        text = "\n".join(self.line(e, PERSON_LINE_LIMIT) for e in people) or say("nothing_on_topic", lang)
        options = [(e.entry_id or "", e.title or "") for e in people]
        menu = [OpenSelect(lang, options, say("open_person", lang))] if options else []
        return Reply(make_embed(say("cast", lang), text), container(menu))

    @cast.autocomplete("person")
    async def person_choices(
        self, interaction: discord.Interaction[LeMansBot], current: str
    ) -> list[app_commands.Choice[str]]:
        lang = self.lang(interaction)
        people = {answer.entry_id for answer in self.bot.engine.cast(lang).people}
        return [
            app_commands.Choice(name=shorten(s.title, CHOICE_NAME_LIMIT), value=s.entry_id)
            for s in self.bot.engine.complete(current, lang, topic="cast")
            if s.entry_id in people
        ][:AUTOCOMPLETE_LIMIT]

    @app_commands.command(name="crew", description="Who made the series")
    @cooldown(*PUBLIC_COOLDOWN)
    async def crew(self, interaction: discord.Interaction[LeMansBot]) -> None:
        await self.crew_card(self.lang(interaction)).send(interaction)

    def crew_card(self, lang: Lang) -> Reply:
        return self.digest(say("crew", lang), lang, "crew")

    @app_commands.command(name="release", description="When and where the series came out")
    @cooldown(*PUBLIC_COOLDOWN)
    async def release(self, interaction: discord.Interaction[LeMansBot]) -> None:
        await self.release_card(self.lang(interaction)).send(interaction)

    def release_card(self, lang: Lang) -> Reply:
        """Release and platform; reviews and ratings wait in the menu."""
        return self.digest(say("release", lang), lang, "release", "platform", first=RELEASE_FIRST)

    # ------------------------------------------------------------------ about the bot

    @app_commands.command(name="about", description="What this bot is and what it knows")
    @cooldown(*PUBLIC_COOLDOWN)
    async def about(self, interaction: discord.Interaction[LeMansBot]) -> None:
        await self.about_card(self.lang(interaction)).send(interaction)

    def about_card(self, lang: Lang) -> Reply:
        """What it is and knows in a fan's terms, where its facts come from, and what it stores."""
        settings = self.bot.settings
        engine = self.bot.engine
        knows = say("about_knows", lang, episodes=len(engine.episodes(lang)), people=len(engine.cast(lang).people))
        cited = {source.id: source for answer in engine.topic(lang) for source in answer.sources}.values()
        kinds = ", ".join(say(f"kind_{kind}", lang, count=count) for kind, count in citations.by_kind(cited).items())
        who = say("privacy_with_id" if settings.store_user_ids else "privacy_anonymous", lang)
        unanswered = self.bot.replies.commands.mention("unanswered", lang)
        fields = [
            (say("about_knowledge", lang), knows),
            (say("about_sources", lang), say("about_sources_note", lang, kinds=kinds)),
            (
                say("about_privacy", lang),
                say("about_privacy_note", lang, who=who, days=settings.retention_days, unanswered=unanswered),
            ),
        ]
        return Reply(make_embed(say("about_title", lang), say("about", lang), fields=fields))

    @app_commands.command(name="help", description="Commands and example questions")
    @cooldown(*PUBLIC_COOLDOWN)
    async def help(self, interaction: discord.Interaction[LeMansBot]) -> None:
        if not self.bot.replies.commands.ids:
            await self.bot.replies.commands.refresh(self.bot.tree)
        await self.help_card(self.lang(interaction), admin=await may_admin(interaction)).send(interaction)

    def help_card(self, lang: Lang, *, admin: bool) -> Reply:
        """Each command as a clickable mention with its options; admin commands only for admins."""
        mention = self.bot.replies.commands.mention
        public: list[str] = []
        admins: list[str] = []
        for command in self.bot.tree.get_commands():
            if not isinstance(command, app_commands.Command):
                continue
            options = " ".join(
                f"`{localized_name(p.name, lang)}`" if p.required else f"`[{localized_name(p.name, lang)}]`"
                for p in command.parameters
            )
            line = f"{mention(command.name, lang)} {options} – {localized_description(command.description, lang)}"
            (admins if command.default_permissions is not None else public).append(line.replace("  ", " "))
        examples = self.bot.engine.examples(lang, EXAMPLE_TOPICS)
        fields = [(say("help_commands", lang), "\n".join(public))]
        if admin and admins:
            fields.append((say("help_admin", lang), "\n".join(admins)))
        if examples:
            fields.append((say("help_examples", lang), bullet_list(examples, lang)))
        text = say("help", lang, ask=mention("ask", lang))
        return Reply(make_embed(say("help_title", lang), text, fields=fields))

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Learn the synced commands' ids once connected, for clickable mentions."""
        if not self.bot.replies.commands.ids:
            await self.bot.replies.commands.refresh(self.bot.tree)


async def setup(bot: LeMansBot) -> None:
    await bot.add_cog(Browse(bot))
