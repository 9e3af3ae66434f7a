"""Browsing without a question: episodes, cast, crew, release, and what the bot is."""

from __future__ import annotations

import dataclasses

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import LeMansBot
from bot.core import citations
from bot.core.answers import Answer
from bot.core.engine import AUTOCOMPLETE_LIMIT
from bot.core.schema import Lang, Topic
from bot.utils.checks import PUBLIC_COOLDOWN, cooldown
from bot.utils.embeds import FIELD_VALUE_LIMIT, bullet_list, make_embed, shorten, sources_field
from bot.utils.locale import interaction_lang, say
from bot.utils.translator import localized_description, localized_name
from bot.utils.views import Reply, answer_reply, send_ephemeral

CHOICE_NAME_LIMIT = 100
EPISODE_SUMMARY_LIMIT = 300
MAX_CLOSEST = 3  # names offered when a typed name names nobody
DIGEST_ROOM = 4500  # characters shared by a digest's field texts, within the 6000 of an embed
EXAMPLE_TOPICS: tuple[Topic, ...] = ("release", "episodes", "cast", "crew", "series", "race")


class Browse(commands.Cog):
    """Overviews and lookups by name or number; the answers come from the same entries as /ask."""

    def __init__(self, bot: LeMansBot) -> None:
        self.bot = bot

    def lang(self, interaction: discord.Interaction[LeMansBot]) -> Lang:
        return interaction_lang(interaction, self.bot.settings.default_lang)

    async def show(self, interaction: discord.Interaction[LeMansBot], answer: Answer, command: str) -> None:
        """One entry's answer, with 👍/👎 like an answer to /ask; `command` stands in for the question."""
        shown = dataclasses.replace(answer, question=command)
        await answer_reply(self.bot, shown, asker_id=interaction.user.id).send(interaction)

    async def cast_overview(self, interaction: discord.Interaction[LeMansBot]) -> None:
        """Who is in the series: the cast entry without aliases (entries about one person have
        aliases) as the text, and the people one can ask about listed below it."""
        lang = self.lang(interaction)
        cast = self.bot.engine.cast(lang)
        main = cast.overview
        people = [person.title or "" for person in cast.people]
        if main is None:
            description = bullet_list(people, lang) if people else say("nothing_on_topic", lang)
            await Reply(make_embed(say("cast", lang), description)).send(interaction)
            return
        fields = [(say("also_ask", lang), bullet_list(people, lang))] if people else []
        source_field = sources_field(main.sources, lang)
        embed = make_embed(
            main.title,
            main.text,
            neutral=main.kind == "unknown",
            fields=[*fields, source_field] if source_field else fields,
        )
        await Reply(embed).send(interaction)

    async def digest(self, interaction: discord.Interaction[LeMansBot], title: str, *topics: Topic) -> None:
        """Every entry of `topics` as a field (title and shortened answer), then the sources most of
        them cite, as links."""
        lang = self.lang(interaction)
        entries = self.bot.engine.topic(lang, *topics)
        room = min(FIELD_VALUE_LIMIT, DIGEST_ROOM // max(len(entries), 1))
        fields = [(e.title or "", shorten(e.text, room)) for e in entries]
        source_field = sources_field(citations.ranked(entry.sources for entry in entries), lang)
        if source_field:
            fields.append(source_field)
        description = None if entries else say("nothing_on_topic", lang)
        await Reply(make_embed(title, description, fields=fields)).send(interaction)

    @app_commands.command(name="episode", description="Show one episode")
    @app_commands.describe(number="The episode's number")
    @cooldown(*PUBLIC_COOLDOWN)
    async def episode(
        self, interaction: discord.Interaction[LeMansBot], number: app_commands.Range[int, 1, 99]
    ) -> None:
        lang = self.lang(interaction)
        episodes = self.bot.engine.episodes(lang)
        answer = episodes.get(number)
        if answer is None:
            known = ", ".join(map(str, episodes))
            text = say("no_episode", lang, number=number, known=known) if known else say("no_episodes", lang)
            await send_ephemeral(interaction, text)
            return
        await self.show(interaction, answer, f"/episode {number}")

    @episode.autocomplete("number")
    async def episode_choices(
        self, interaction: discord.Interaction[LeMansBot], current: str
    ) -> list[app_commands.Choice[int]]:
        lang = self.lang(interaction)
        return [
            app_commands.Choice(name=shorten(f"{number}. {answer.title}", CHOICE_NAME_LIMIT), value=number)
            for number, answer in self.bot.engine.episodes(lang).items()
            if str(number).startswith(current.strip())
        ][:AUTOCOMPLETE_LIMIT]

    @app_commands.command(name="episodes", description="List all episodes")
    @cooldown(*PUBLIC_COOLDOWN)
    async def episodes(self, interaction: discord.Interaction[LeMansBot]) -> None:
        lang = self.lang(interaction)
        episodes = self.bot.engine.episodes(lang)
        fields = [
            (f"{number}. {answer.title}", shorten(answer.text, EPISODE_SUMMARY_LIMIT))
            for number, answer in episodes.items()
        ]
        description = None if episodes else say("no_episodes", lang)
        embed = make_embed(say("episodes_title", lang), description, fields=fields, footer=say("episodes_footer", lang))
        await Reply(embed).send(interaction)

    @app_commands.command(name="cast", description="Who is in the series, or one person")
    @app_commands.describe(person="A person from the series")
    @cooldown(*PUBLIC_COOLDOWN)
    async def cast(self, interaction: discord.Interaction[LeMansBot], person: str | None = None) -> None:
        if person is None:
            await self.cast_overview(interaction)
            return
        lang = self.lang(interaction)
        chosen = self.bot.engine.person(person, lang)  # a choice (its entry id) or a name typed precisely
        if chosen is None:  # a wrong person is worse than none: say so, with the names closest to it
            closest = [s.title for s in self.bot.engine.complete(person, lang, topic="cast")[:MAX_CLOSEST]]
            if closest:
                text = say("no_person_closest", lang, name=person, closest=", ".join(closest))
            else:
                known = ", ".join(p.title or "" for p in self.bot.engine.cast(lang).people)
                text = say("no_person", lang, name=person, known=known)
            await send_ephemeral(interaction, text)
            return
        await self.show(interaction, chosen, f"/cast {chosen.title}")

    @cast.autocomplete("person")
    async def person_choices(
        self, interaction: discord.Interaction[LeMansBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=shorten(s.title, CHOICE_NAME_LIMIT), value=s.entry_id)
            for s in self.bot.engine.complete(current, self.lang(interaction), topic="cast")
        ][:AUTOCOMPLETE_LIMIT]

    @app_commands.command(name="crew", description="Who made the series")
    @cooldown(*PUBLIC_COOLDOWN)
    async def crew(self, interaction: discord.Interaction[LeMansBot]) -> None:
        await self.digest(interaction, say("crew", self.lang(interaction)), "crew")

    @app_commands.command(name="release", description="When and where the series came out")
    @cooldown(*PUBLIC_COOLDOWN)
    async def release(self, interaction: discord.Interaction[LeMansBot]) -> None:
        await self.digest(interaction, say("release", self.lang(interaction)), "release", "platform")

    @app_commands.command(name="about", description="What this bot is and what it knows")
    @cooldown(*PUBLIC_COOLDOWN)
    async def about(self, interaction: discord.Interaction[LeMansBot]) -> None:
        lang = self.lang(interaction)
        entries = self.bot.engine.topic(lang)
        counts = say(
            "about_counts",
            lang,
            entries=len(entries),
            episodes=len(self.bot.engine.episodes(lang)),
            unknown=sum(e.kind == "unknown" for e in entries),
        )
        cited = {source.id: source for entry in entries for source in entry.sources}.values()
        kinds = ", ".join(say(f"kind_{kind}", lang, count=count) for kind, count in citations.by_kind(cited).items())
        fields = [
            (say("about_knowledge", lang), counts),
            (say("about_sources", lang), say("about_sources_note", lang, kinds=kinds)),
        ]
        await Reply(make_embed(say("about_title", lang), say("about", lang), fields=fields)).send(interaction)

    @app_commands.command(name="help", description="Commands and example questions")
    @cooldown(*PUBLIC_COOLDOWN)
    async def help(self, interaction: discord.Interaction[LeMansBot]) -> None:
        lang = self.lang(interaction)
        commands_text = "\n".join(
            f"**/{localized_name(command.name, lang)}** – {localized_description(command.description, lang)}"
            for command in self.bot.tree.get_commands()
            if isinstance(command, app_commands.Command)
        )
        examples = self.bot.engine.examples(lang, EXAMPLE_TOPICS)
        fields = [(say("help_commands", lang), commands_text)]
        if examples:
            fields.append((say("help_examples", lang), bullet_list(examples, lang)))
        await Reply(make_embed(say("help_title", lang), say("help", lang), fields=fields)).send(interaction)


async def setup(bot: LeMansBot) -> None:
    await bot.add_cog(Browse(bot))
