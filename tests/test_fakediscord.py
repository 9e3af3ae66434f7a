"""The fake Discord (tests/fakediscord.py) against a minimal, unmodified discord.py bot.

The bot here is deliberately not the project's bot: it exercises what discord.py itself does
against the fake (log-in, READY, interactions, messages, resumes, retries), so the project's
end-to-end tests can rely on the fake.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import discord.webhook.async_
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import FakeDiscord

TOKEN = "test-bot-token.abc"


class PressView(discord.ui.View):
    @discord.ui.button(label="Press", custom_id="fake:press")
    async def press(self, interaction: discord.Interaction, button: discord.ui.Button[PressView]) -> None:
        await interaction.response.edit_message(content=f"pressed by {interaction.user.name}", view=None)


class MiniBot(commands.Bot):
    """Default intents (no message content), a few app commands and an on_message handler."""

    def __init__(self, guild_id: int, intents: discord.Intents | None = None) -> None:
        intents = intents or discord.Intents.default()
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, guild_ready_timeout=0.05)
        self.guild_id = guild_id
        self.seen: list[discord.Message] = []
        self.errors: list[Exception] = []

    async def setup_hook(self) -> None:
        @app_commands.command(description="Echo the text")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            where = f"{interaction.locale.value}/{interaction.guild_locale and interaction.guild_locale.value}"
            manage = interaction.permissions.manage_guild
            await interaction.response.send_message(f"echo: {text} ({where}, manage_guild={manage})")

        @echo.autocomplete("text")
        async def echo_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f"{current}-{i}", value=f"{current}-{i}") for i in range(3)]

        @app_commands.command(description="A message with a button")
        async def buttons(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Press the button", view=PressView())

        @app_commands.command(description="Answers after a delay; records HTTP errors")
        async def fragile(interaction: discord.Interaction, delay: float = 0.0) -> None:
            await asyncio.sleep(delay)
            try:
                await interaction.response.send_message("made it")
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @app_commands.command(description="Defers, edits the original response, sends a follow-up")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="done")
            await interaction.followup.send("and a private note", ephemeral=True)

        kb = app_commands.Group(name="kb", description="Knowledge base")

        @kb.command(description="Search")
        async def search(interaction: discord.Interaction, query: str) -> None:
            await interaction.response.send_message(f"search: {query}", ephemeral=True)

        global_commands: list[app_commands.Command[Any, ..., None]] = [echo, buttons, fragile, slow]
        for command in global_commands:
            self.tree.add_command(command)
        guild = discord.Object(self.guild_id)
        self.tree.add_command(kb, guild=guild)
        await self.tree.sync()
        await self.tree.sync(guild=guild)

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)
        if message.author != self.user and self.user in message.mentions and "ping" in message.content:
            await message.reply("pong")


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN) as server:
        yield server


@contextlib.asynccontextmanager
async def running(fake: FakeDiscord, intents: discord.Intents | None = None) -> AsyncIterator[MiniBot]:
    """Start MiniBot against the fake, wait until it is ready, and close it afterwards."""
    bot = MiniBot(int(fake.guild.id), intents)
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        ready = asyncio.ensure_future(fake.wait_ready())
        await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            ready.cancel()
            task.result()  # raises what stopped the bot
            raise AssertionError("the bot stopped before it was ready")
        await ready
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)


@pytest_asyncio.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[MiniBot]:
    async with running(fake) as client:
        yield client


async def post(fake: FakeDiscord, path: str, body: Any) -> tuple[int, Any]:
    """A raw request to the fake (GET when ``body`` is None), as another client would make it."""
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {TOKEN}"}) as session:
        method = "GET" if body is None else "POST"
        async with session.request(method, fake.api_base + path, json=body) as response:
            return response.status, await response.json()


async def test_login_ready_and_guild_create_reach_the_bot(fake: FakeDiscord, bot: MiniBot) -> None:
    guild = bot.get_guild(int(fake.guild.id))
    assert guild is not None
    assert [g.id for g in bot.guilds] == [guild.id]
    assert bot.user is not None
    assert bot.user.id == int(fake.users.bot.id)
    assert bot.user.bot
    assert bot.application_id == int(fake.application_id)
    assert guild.default_role.id == guild.id
    admin_role = guild.get_role(int(fake.guild.admin_role_id))
    assert admin_role is not None
    assert admin_role.permissions.manage_guild
    assert [c.id for c in guild.text_channels] == [int(fake.channel["id"])]
    assert guild.owner_id == int(fake.users.owner.id)
    assert guild.member_count == 4
    assert guild.me is not None
    assert guild.me.id == bot.user.id
    guild_create = next(frame["d"] for frame in fake.events if frame["t"] == "GUILD_CREATE")
    assert [m["user"]["id"] for m in guild_create["members"]] == [fake.users.bot.id]  # no GUILD_MEMBERS intent
    identify = await fake.wait_for_op(2)
    assert identify["d"]["token"] == TOKEN
    assert identify["d"]["intents"] == discord.Intents.default().value
    app, gid = fake.application_id, fake.guild.id
    puts = {c.path for c in fake.calls if c.method == "PUT" and c.status == 200}
    assert puts == {f"/applications/{app}/commands", f"/applications/{app}/guilds/{gid}/commands"}
    assert {c["name"] for c in fake.commands[None]} == {"echo", "buttons", "fragile", "slow"}
    assert [c["name"] for c in fake.commands[gid]] == ["kb"]
    assert fake.unhandled_calls() == []


async def test_members_intent_lists_every_member_with_roles(fake: FakeDiscord) -> None:
    async with running(fake, discord.Intents.default() | discord.Intents(members=True)) as client:
        guild = client.get_guild(int(fake.guild.id))
        assert guild is not None
        assert guild.chunked
        assert len(guild.members) == 4
        admin = guild.get_member(int(fake.users.admin.id))
        assert admin is not None
        assert [r.name for r in admin.roles] == ["@everyone", "Admin"]
        assert admin.guild_permissions.manage_guild
        member = guild.get_member(int(fake.users.member.id))
        assert member is not None
        assert not member.guild_permissions.manage_guild
        assert guild.owner is not None
        assert guild.owner.guild_permissions.administrator


async def test_bad_token_raises_login_failure(fake: FakeDiscord) -> None:
    client = MiniBot(int(fake.guild.id))
    with pytest.raises(discord.LoginFailure):
        await client.start("not-the-token")
    await client.close()
    assert (fake.calls[-1].path, fake.calls[-1].status) == ("/users/@me", 401)
    assert fake.calls[-1].response == {"message": "401: Unauthorized", "code": 0}
    assert fake.identify_count == 0


async def test_gateway_closes_4004_on_bad_identify_and_invalidates_bad_resume(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(fake.ws_url + "?v=10&encoding=json") as ws:
        hello = await ws.receive_json()
        assert hello == {"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}
        await ws.send_json({"op": 1, "d": None})
        assert (await ws.receive_json())["op"] == 11
        await ws.send_json({"op": 6, "d": {"token": TOKEN, "session_id": "nope", "seq": 3}})
        assert await ws.receive_json() == {"op": 9, "d": False, "s": None, "t": None}
        await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 513, "properties": {}}})
        closing = await ws.receive()
        assert closing.type == aiohttp.WSMsgType.CLOSE
        assert closing.data == 4004


async def test_chat_input_command_gets_exactly_one_callback(fake: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake.send_command("echo", {"text": "hi"}, user=fake.users.admin, locale="de", guild_locale="fr")
    call = await fake.wait_for_callback(sent)
    assert call.json["type"] == 4
    assert call.json["data"]["content"] == "echo: hi (de/fr, manage_guild=True)"
    assert call.query == {"with_response": "1"}
    assert call.response["interaction"]["response_message_id"] == sent.original_id
    # the response comes back over the gateway like on Discord, content included (the bot's own)
    await fake.wait_until(lambda: [m for m in bot.seen if str(m.id) == sent.original_id])
    assert [m.content for m in bot.seen] == ["echo: hi (de/fr, manage_guild=True)"]
    assert fake.callbacks_for(sent) == [call]  # and by then no second callback
    assert sent.latency is not None
    assert sent.latency == call.time - sent.sent_at > 0


async def test_ordinary_member_lacks_manage_guild(fake: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake.send_command("echo", {"text": "x"})
    assert (await fake.wait_for_callback(sent)).json["data"]["content"] == "echo: x (en-US/en-US, manage_guild=False)"


async def test_second_callback_and_expired_token_are_refused(fake: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake.send_command("echo", {"text": "once"})
    await fake.wait_for_callback(sent)
    again = await post(fake, f"/interactions/{sent.id}/{sent.token}/callback", {"type": 4, "data": {"content": "2"}})
    assert again == (400, {"message": "Interaction has already been acknowledged.", "code": 40060})
    followup = await post(fake, f"/webhooks/{fake.application_id}/{sent.token}?wait=1", {"content": "more"})
    assert followup[0] == 200
    assert followup[1]["content"] == "more"
    fake.expire_interaction(sent)
    expired = await post(fake, f"/webhooks/{fake.application_id}/{sent.token}", {"content": "late"})
    assert expired == (401, {"message": "Invalid Webhook Token", "code": 50027})
    unknown = await post(fake, f"/interactions/{sent.id}/{sent.token}/callback", {"type": 4})
    assert unknown == (404, {"message": "Unknown interaction", "code": 10062})
    assert await post(fake, "/guilds/1/members", None) == (404, {"message": "Unknown route", "code": 0})
    assert [c.path for c in fake.unhandled_calls()] == ["/guilds/1/members"]


async def test_deferred_response_then_edit_and_follow_up(fake: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake.send_command("slow")
    deferred = await fake.wait_for_callback(sent)
    assert deferred.json == {"type": 5}
    assert deferred.response["interaction"]["response_message_loading"] is True
    edit = await fake.wait_for(lambda c: c.method == "PATCH" and c.path.endswith("/messages/@original"))
    note = await fake.wait_for(lambda c: c.method == "POST" and c.path.startswith("/webhooks/") and c.status == 200)
    assert (edit.status, edit.json["content"], edit.response["flags"]) == (200, "done", 0)
    assert note.query["wait"] == "1"
    assert note.response["flags"] == 64
    assert note.response["content"] == "and a private note"
    assert [c.method for c in fake.calls if sent.token in c.path] == ["POST", "PATCH", "POST"]
    assert fake.messages[sent.original_id or ""]["content"] == "done"


async def test_response_after_the_deadline_is_an_unknown_interaction(fake: FakeDiscord, bot: MiniBot) -> None:
    fake.interaction_deadline = 0.2
    sent = await fake.send_command("fragile", {"delay": 0.4})
    await fake.wait_until(lambda: bot.errors)
    assert isinstance(bot.errors[0], discord.NotFound)
    assert bot.errors[0].code == 10062
    assert sent.responded_at is None


async def test_autocomplete_gets_a_type_8_callback(fake: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake.send_autocomplete("echo", {"text": "le"}, focused="text")
    assert sent.payload["type"] == 4
    assert sent.payload["data"]["options"] == [{"name": "text", "type": 3, "value": "le", "focused": True}]
    call = await fake.wait_for_callback(sent)
    assert call.json["type"] == 8
    assert [choice["value"] for choice in call.json["data"]["choices"]] == ["le-0", "le-1", "le-2"]


async def test_component_press_updates_the_message(fake: FakeDiscord, bot: MiniBot) -> None:
    command = await fake.send_command("buttons")
    shown = await fake.wait_for_callback(command)
    assert shown.json["data"]["components"][0]["components"][0]["custom_id"] == "fake:press"
    press = await fake.send_component("fake:press", user=fake.users.admin)
    assert press.payload["message"]["id"] == command.original_id
    update = await fake.wait_for_callback(press)
    assert update.json["type"] == 7
    assert update.json["data"]["content"] == "pressed by admin"
    assert fake.messages[command.original_id or ""]["content"] == "pressed by admin"


async def test_guild_subcommand_is_routed_by_data_guild_id(fake: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake.send_command("kb search", {"query": "Le Mans"})
    assert sent.payload["data"]["guild_id"] == fake.guild.id
    assert sent.payload["data"]["options"][0]["type"] == 1
    call = await fake.wait_for_callback(sent)
    assert call.json["data"] == {**call.json["data"], "content": "search: Le Mans", "flags": 64}
    assert fake.messages[sent.original_id or ""]["flags"] & 64  # ephemeral: not echoed over the gateway
    public = await fake.send_command("echo", {"text": "after"})  # events arrive in order: this one's echo comes later
    await fake.wait_until(lambda: bot.seen)
    assert [str(m.id) for m in bot.seen] == [public.original_id]


async def test_messages_carry_content_only_for_mentions_dms_and_own(fake: FakeDiscord, bot: MiniBot) -> None:
    assert bot.user is not None
    plain = await fake.send_message("just chatting")
    mention = await fake.send_message(f"{fake.users.bot.mention} ping")
    dm = await fake.send_message("hello in private", guild=False)
    reply = await fake.wait_for(lambda c: c.method == "POST" and c.path.endswith("/messages") and c.status == 200)
    await fake.wait_until(lambda: len(bot.seen) >= 4)
    seen = {m.id: m for m in bot.seen}
    assert seen[int(plain["id"])].content == ""
    assert seen[int(mention["id"])].content == f"<@{bot.user.id}> ping"
    assert bot.user in seen[int(mention["id"])].mentions
    assert seen[int(dm["id"])].content == "hello in private"
    assert isinstance(seen[int(dm["id"])].channel, discord.DMChannel)
    assert str(reply.json["message_reference"]["message_id"]) == mention["id"]
    assert reply.response["message_reference"]["message_id"] == mention["id"]
    assert reply.response["referenced_message"]["id"] == mention["id"]
    assert reply.response["type"] == 19
    assert seen[int(reply.response["id"])].content == "pong"


@pytest.mark.parametrize("code", [4000, None], ids=["close-4000", "abort"])
async def test_dropped_gateway_resumes_and_answers_the_next_interaction(
    fake: FakeDiscord, bot: MiniBot, code: int | None
) -> None:
    session_id = fake.session_id
    await fake.drop_gateway(code)
    sent = await fake.send_command("echo", {"text": "after the drop"})  # buffered until the resume
    resume = await fake.wait_for_op(6)
    assert resume["d"]["session_id"] == session_id
    assert resume["d"]["token"] == TOKEN
    call = await fake.wait_for_callback(sent)
    assert call.json["data"]["content"].startswith("echo: after the drop")
    assert (fake.identify_count, fake.resume_count) == (1, 1)
    assert fake.connections[-1].startswith("/resume?")


async def test_429_on_the_callback_is_retried_by_discord_py(fake: FakeDiscord, bot: MiniBot) -> None:
    fake.fail_next("POST", r"^/interactions/\d+/[^/]+/callback$", 429, retry_after=0.3)
    sent = await fake.send_command("echo", {"text": "slow down"})
    accepted = await fake.wait_for_callback(sent)
    limited, again = fake.callbacks_for(sent)
    assert (limited.status, again.status) == (429, 200)
    assert again is accepted
    assert limited.response == {"message": "You are being rate limited.", "retry_after": 0.3, "global": False}
    assert again.time - limited.time >= 0.3
    assert sent.responded_at == again.time
    assert bot.errors == []


async def test_a_single_500_is_retried_by_discord_py(fake: FakeDiscord, bot: MiniBot) -> None:
    fake.fail_next("POST", r"^/channels/\d+/messages$", 500)
    await fake.send_message(f"{fake.users.bot.mention} ping")
    await fake.wait_for(lambda c: c.path.endswith("/messages") and c.status == 200)
    assert [c.status for c in fake.calls if c.path.endswith("/messages")] == [500, 200]


@pytest.mark.usefixtures("quick_retries")
async def test_persistent_500_surfaces_as_http_exception(fake: FakeDiscord, bot: MiniBot) -> None:
    """discord.py retries a 5xx five times before it raises; its back-off sleeps are shortened here."""
    fake.fail_next("POST", r"/callback$", 500, times=5)
    sent = await fake.send_command("fragile")
    await fake.wait_until(lambda: bot.errors)
    assert isinstance(bot.errors[0], discord.HTTPException)
    assert bot.errors[0].status == 500
    assert [c.status for c in fake.callbacks_for(sent)] == [500] * 5
    assert sent.responded_at is None


async def test_latencies_are_recorded_per_interaction(fake: FakeDiscord, bot: MiniBot) -> None:
    answered = []
    for n in range(20):
        sent = await fake.send_command("echo", {"text": str(n)})
        answered.append((sent, await fake.wait_for_callback(sent)))

    # INTERACTION_CREATE -> accepted callback, each measured on the loop's clock (no bound: speed is for benchmarks)
    assert fake.latencies() == [call.time - sent.sent_at for sent, call in answered]
    assert all(latency > 0 for latency in fake.latencies())


class ShardBot(discord.AutoShardedClient):
    """A bare discord.py client holding `shard_ids` of `shard_count` (None: Discord's recommended
    count, all in this client); records the messages it sees."""

    def __init__(self, shard_ids: list[int] | None = None, shard_count: int | None = None) -> None:
        chosen: dict[str, Any] = {"shard_ids": shard_ids} if shard_ids is not None else {}
        super().__init__(intents=discord.Intents.default(), shard_count=shard_count, **chosen)
        self.seen: list[discord.Message] = []

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5-second pause between one client's shards: the fake has no identify limit."""

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)


@contextlib.asynccontextmanager
async def sharded(shard_ids: list[int], shard_count: int) -> AsyncIterator[ShardBot]:
    client = ShardBot(shard_ids, shard_count)
    task = asyncio.create_task(client.start(TOKEN))
    try:
        ready = asyncio.create_task(client.wait_until_ready())
        await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            if task.done():
                task.result()  # raises what stopped the client
            raise AssertionError("the sharded client was not ready within 10 s")
        yield client
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)


@pytest_asyncio.fixture
async def two_shards() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, shard_count=2) as server:
        yield server


async def test_each_shard_gets_only_its_guilds_and_dms_go_to_shard_0(two_shards: FakeDiscord) -> None:
    fake = two_shards
    other = fake.add_guild(shard=1, shard_count=2)
    async with sharded([0], 2) as first, sharded([1], 2) as second:
        assert [g.id for g in first.guilds] == [int(fake.guild.id)]
        assert [g.id for g in second.guilds] == [int(other.id)]
        identifies = [frame["d"]["shard"] for frame in fake.frames if frame.get("op") == 2]
        assert identifies == [[0, 2], [1, 2]]
        assert fake.sessions[0].id != fake.sessions[1].id

        here = await fake.send_message("in the first guild")
        there = await fake.send_message("in the second guild", guild=other)
        private = await fake.send_message("hello in private", guild=False)
        await fake.wait_until(lambda: len(first.seen) == 2 and len(second.seen) == 1)
        assert {m.id for m in first.seen} == {int(here["id"]), int(private["id"])}
        assert [m.id for m in second.seen] == [int(there["id"])]
        assert [m.guild.id for m in second.seen if m.guild] == [int(other.id)]
        assert [frame["t"] for frame in fake.sessions[1].events] == ["READY", "GUILD_CREATE", "MESSAGE_CREATE"]

    async with sharded([1], 2) as again:  # a new process for shard 1: a new session replaces the old one
        assert [g.id for g in again.guilds] == [int(other.id)]
        await fake.send_message("after the restart", guild=other)
        await fake.wait_until(lambda: len(again.seen) == 1)
    assert fake.identify_count == 3


async def test_one_client_may_hold_every_shard(two_shards: FakeDiscord) -> None:
    fake = two_shards
    other = fake.add_guild(shard=1, shard_count=2)
    fake.recommended_shards = 2
    client = ShardBot()
    async with contextlib.AsyncExitStack() as stack:
        task = asyncio.create_task(client.start(TOKEN))
        stack.push_async_callback(client.close)
        await fake.wait_until(lambda: len(fake.sessions) == 2 and all(s.ready for s in fake.sessions.values()), 20)
        await asyncio.wait_for(client.wait_until_ready(), 10)
        assert client.shard_count == 2
        assert sorted(g.id for g in client.guilds) == sorted(int(g.id) for g in fake.guilds)
        await fake.send_message("to shard 1", guild=other)
        await fake.wait_until(lambda: len(client.seen) == 1)
        assert [m.guild.shard_id for m in client.seen if m.guild] == [1]
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
