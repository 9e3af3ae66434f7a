"""Browsing without a question: episodes, cast, crew, release, and what the bot is."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import LeMansBot
from bot.core import citations
from bot.core.answers import entry_answer
from bot.core.engine import AUTOCOMPLETE_LIMIT
from bot.core.schema import Entry, Lang, Topic
from bot.utils.checks import PUBLIC_COOLDOWN, cooldown
from bot.utils.embeds import FIELD_VALUE_LIMIT, bullet_list, make_embed, shorten, sources_field
from bot.utils.locale import interaction_lang, say
from bot.utils.translator import localized_description, localized_name
from bot.utils.views import Reply, answer_reply, send_ephemeral

CHOICE_NAME_LIMIT = 100
EPISODE_SUMMARY_LIMIT = 300
DIGEST_ROOM = 4500  # characters shared by a digest's field texts, within the 6000 of an embed
EXAMPLE_TOPICS: tuple[Topic, ...] = ("release", "episodes", "cast", "crew", "series", "race")


class Browse(commands.Cog):
    """Overviews and lookups by name or number; the answers come from the same entries as /ask."""

    def __init__(self, bot: LeMansBot) -> None:
        self.bot = bot

    def lang(self, interaction: discord.Interaction[LeMansBot]) -> Lang:
        return interaction_lang(interaction, self.bot.settings.default_lang)

    async def show(self, interaction: discord.Interaction[LeMansBot], entry: Entry, command: str) -> None:
        """One entry's answer, with 👍/👎 like an answer to /ask; `command` stands in for the question."""
        answer = entry_answer(command, entry, self.lang(interaction))
        await answer_reply(self.bot, answer, asker_id=interaction.user.id).send(interaction)

    async def cast_overview(self, interaction: discord.Interaction[LeMansBot]) -> None:
        """Who is in the series: the cast entry without aliases (entries about one person have
        aliases) as the text, and the people one can ask about listed below it."""
        lang = self.lang(interaction)
        entries = self.bot.engine.knowledge.topic("cast")
        main = next((e for e in entries if not e.aliases), None)
        people = [getattr(e.title, lang) for e in entries if e.aliases]
        if main is None:
            description = bullet_list(people, lang) if people else say("nothing_on_topic", lang)
            await Reply(make_embed(say("cast", lang), description)).send(interaction)
            return
        fields = [(say("also_ask", lang), bullet_list(people, lang))] if people else []
        source_field = sources_field(main.cited, lang)
        embed = make_embed(
            getattr(main.title, lang),
            getattr(main.answer, lang),
            neutral=main.status == "unknown",
            fields=[*fields, source_field] if source_field else fields,
        )
        await Reply(embed).send(interaction)

    async def digest(self, interaction: discord.Interaction[LeMansBot], title: str, *topics: Topic) -> None:
        """Every entry of `topics` as a field (title and shortened answer), then the sources most of
        them cite, as links."""
        lang = self.lang(interaction)
        entries = [entry for topic in topics for entry in self.bot.engine.knowledge.topic(topic)]
        room = min(FIELD_VALUE_LIMIT, DIGEST_ROOM // max(len(entries), 1))
        fields = [(getattr(e.title, lang), shorten(getattr(e.answer, lang), room)) for e in entries]
        source_field = sources_field(citations.ranked(entry.cited for entry in entries), lang)
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
        episodes = self.bot.engine.knowledge.episodes()
        entry = episodes.get(number)
        if entry is None:
            lang = self.lang(interaction)
            known = ", ".join(map(str, sorted(episodes)))
            text = say("no_episode", lang, number=number, known=known) if known else say("no_episodes", lang)
            await send_ephemeral(interaction, text)
            return
        await self.show(interaction, entry, f"/episode {number}")

    @episode.autocomplete("number")
    async def episode_choices(
        self, interaction: discord.Interaction[LeMansBot], current: str
    ) -> list[app_commands.Choice[int]]:
        lang = self.lang(interaction)
        return [
            app_commands.Choice(
                name=shorten(f"{number}. {getattr(entry.title, lang)}", CHOICE_NAME_LIMIT), value=number
            )
            for number, entry in sorted(self.bot.engine.knowledge.episodes().items())
            if str(number).startswith(current.strip())
        ][:AUTOCOMPLETE_LIMIT]

    @app_commands.command(name="episodes", description="List all episodes")
    @cooldown(*PUBLIC_COOLDOWN)
    async def episodes(self, interaction: discord.Interaction[LeMansBot]) -> None:
        lang = self.lang(interaction)
        episodes = sorted(self.bot.engine.knowledge.episodes().items())
        fields = [
            (f"{number}. {getattr(entry.title, lang)}", shorten(getattr(entry.answer, lang), EPISODE_SUMMARY_LIMIT))
            for number, entry in episodes
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
        knowledge = self.bot.engine.knowledge
        chosen = knowledge.by_id.get(person)  # an autocomplete choice's value is the entry id
        if chosen is None or chosen.topic != "cast":
            found = self.bot.engine.complete(person, lang, topic="cast")
            chosen = knowledge.by_id.get(found[0].entry_id) if found else None
        if chosen is None:
            known = ", ".join(getattr(e.title, lang) for e in knowledge.topic("cast"))
            await send_ephemeral(interaction, say("no_person", lang, name=person, known=known))
            return
        await self.show(interaction, chosen, f"/cast {getattr(chosen.title, lang)}")

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
        entries = self.bot.engine.knowledge.entries
        counts = say(
            "about_counts",
            lang,
            entries=len(entries),
            episodes=len(self.bot.engine.knowledge.episodes()),
            unknown=sum(e.status == "unknown" for e in entries),
        )
        cited = {source.id: source for entry in entries for source in entry.cited}.values()
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
        examples = [
            getattr(entry.questions, lang)[0]
            for topic in EXAMPLE_TOPICS
            for entry in self.bot.engine.knowledge.topic(topic)[:1]
        ]
        fields = [(say("help_commands", lang), commands_text)]
        if examples:
            fields.append((say("help_examples", lang), bullet_list(examples, lang)))
        await Reply(make_embed(say("help_title", lang), say("help", lang), fields=fields)).send(interaction)


async def setup(bot: LeMansBot) -> None:
    await bot.add_cog(Browse(bot))
