"""A fake Discord for tests: REST API v10 and gateway v10 (JSON, no compression) on 127.0.0.1.

``async with FakeDiscord(...)`` points discord.py's ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``
at it (``patch_discord()``); resumes follow READY's ``resume_gateway_url``. Imitated:
- Bot-token auth: REST 401 ``{"message": "401: Unauthorized", "code": 0}``, IDENTIFY close 4004;
  interaction and webhook routes need no token.
- REST: GET /users/@me, /gateway(/bot), /(oauth2/)applications/@me; GET/PUT global and guild
  commands (bulk overwrite keeps ids by name); interaction callbacks (types 1, 4-9, ``with_response``);
  GET/PATCH/DELETE webhook messages (@original or id); follow-ups (``wait``); POST channel messages
  (a reply echoes ``message_reference`` and ``referenced_message``); PATCH channel messages; typing.
  JSON or multipart (``payload_json``) bodies. Other routes: recorded, 404 "Unknown route".
- Error bodies: 10003, 10008, 10015, 10062 (unknown or expired token, or no first response within
  ``interaction_deadline`` = 3 s), 40060 (already acknowledged), 50006 (empty message), 50027
  (expired webhook token), 50035 (content > 2000, > 25 choices, a callback type that does not fit
  the interaction). Follow-ups only after the acknowledgement.
- Rate-limit headers and ``Via`` on every response; injected 429s (``Retry-After``, JSON body), 5xx.
- Gateway: HELLO, HEARTBEAT_ACK, IDENTIFY -> READY (+ shard) and a GUILD_CREATE per guild; RESUME
  replays what the client missed, then RESUMED; a bad RESUME gets INVALID_SESSION (false); close
  codes 4003 and 4004; ``s`` per dispatch; dispatches are buffered while the client is away.
- Shards: one session per shard, from IDENTIFY's ``shard`` ([id, count]; none: [0, 1]), each with its
  own sequence and resume buffer, so several clients (processes) can each hold shards. A guild's
  events go only to shard ``(guild_id >> 22) % count``, direct messages to shard 0, as on Discord.
  ``add_guild(shard=, shard_count=)`` makes more guilds; a new IDENTIFY for a shard replaces its session.
- Intents: MESSAGE_* need GUILD_MESSAGES / DIRECT_MESSAGES; without MESSAGE_CONTENT, guild messages
  that neither mention the bot nor are its own lose content, embeds, attachments and components;
  without GUILD_MEMBERS, GUILD_CREATE lists only the bot. The bot's own non-ephemeral messages come
  back as MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE.

Not imitated: real rate limits (buckets never run dry); compression, ETF; heartbeat timeouts,
session expiry, identify limits, other close codes (e.g. 4014), resharding; presences,
voice, threads, reactions, polls, emojis, stickers, attachments (file names are only recorded),
member chunking; permission checks on REST, role hierarchy, overwrites; management routes (guilds,
channels, roles, members, opening DMs); allowed_mentions (mentions come from <@id> in the content);
embed limits; command validation and localisation; webhooks other than interaction webhooks.
"""

# The wait_* helpers take a timeout= keyword on purpose: it reads best in tests.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

import aiohttp
import discord
import yarl
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

JSON = dict[str, Any]
Reply = tuple[int, Any]  # HTTP status and JSON body (None: 204 No Content)
T = TypeVar("T")
WAIT = 30.0  # seconds a wait_* helper waits: it only guards against a hang (a busy CI machine is slow)

MEMBERS, GUILD_MESSAGES, DM_MESSAGES, MESSAGE_CONTENT = 1 << 1, 1 << 9, 1 << 12, 1 << 15  # intents
_EVERYONE = "view_channel send_messages embed_links attach_files add_reactions read_message_history connect speak"
EVERYONE_PERMISSIONS = discord.Permissions(**dict.fromkeys(f"{_EVERYONE} use_application_commands".split(), True)).value
ADMIN_PERMISSIONS = EVERYONE_PERMISSIONS | discord.Permissions(manage_guild=True, manage_messages=True).value
ALL_PERMISSIONS = discord.Permissions.all().value
EPHEMERAL, LOADING = 1 << 6, 1 << 7  # message flags
# the callback types Discord accepts per interaction type (2 command, 3 component, 4 autocomplete, 5 modal)
ALLOWED_CALLBACKS = {1: {1}, 2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
_GUILD_NULLS = "icon splash discovery_splash banner description afk_channel_id application_id rules_channel_id"
_GUILD_NULLS += " public_updates_channel_id vanity_url_code incidents_data"
_GUILD_ZEROS = "verification_level explicit_content_filter mfa_level nsfw_level premium_tier system_channel_flags"
_GUILD_LISTS = "emojis stickers features threads presences voice_states stage_instances guild_scheduled_events"
_counter = itertools.count()


def snowflake() -> str:
    """A new time-ordered snowflake id, as a string like Discord sends it."""
    return str((int(time.time() * 1000) - 1420070400000) << 22 | 1 << 17 | next(_counter) % 4096)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _error(status: int, code: int, message: str, **extra: Any) -> Reply:
    return status, {"message": message, "code": code, **extra}


def _form_error(path: str, code: str, message: str) -> Reply:
    """Discord's 50035 Invalid Form Body with the error nested under the dotted ``path``."""
    errors: JSON = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(path.split(".")):
        errors = {key: errors}
    return _error(400, 50035, "Invalid Form Body", errors=errors)


def _too_long(path: str, limit: int) -> Reply:
    return _form_error(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _role(role_id: str, name: str, position: int, permissions: int) -> JSON:
    colors = {"primary_color": 0, "secondary_color": None, "tertiary_color": None}
    role = {"id": role_id, "name": name, "position": position, "permissions": str(permissions), "colors": colors}
    return role | {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0, "icon": None}


@dataclass
class FakeUser:
    """A user; every fake user is a member of the fake guild."""

    id: str
    username: str
    bot: bool = False
    roles: list[str] = field(default_factory=list)
    joined_at: str = field(default_factory=_now)

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> JSON:
        user = {"id": self.id, "username": self.username, "discriminator": "4242" if self.bot else "0"}
        name = None if self.bot else self.username.title()
        return user | {"global_name": name, "avatar": None, "bot": self.bot, "system": False, "public_flags": 0}

    def member(self, *, with_user: bool = True) -> JSON:
        """The guild member object (without ``user`` where it sits inside a user object)."""
        member = {"roles": list(self.roles), "joined_at": self.joined_at, "deaf": False, "mute": False, "flags": 0}
        member |= {"pending": False, "nick": None, "avatar": None, "premium_since": None}
        return (member | {"user": self.payload()}) if with_user else member


@dataclass
class Users:
    bot: FakeUser
    owner: FakeUser  # owns the fake guild
    admin: FakeUser  # has the Admin role (MANAGE_GUILD)
    member: FakeUser  # an ordinary member

    def all(self) -> list[FakeUser]:
        return [self.bot, self.owner, self.admin, self.member]


@dataclass
class FakeGuild:
    id: str
    owner_id: str
    admin_role_id: str
    channel: JSON  # its text channel
    roles: list[JSON]  # @everyone (id == guild id) and Admin
    locale: str = "en-US"

    @classmethod
    def create(cls, owner: FakeUser, admin_role_id: str, shard: int = 0, shard_count: int = 1) -> FakeGuild:
        """A guild whose id puts it on ``shard`` of ``shard_count``."""
        gid = snowflake()
        while (int(gid) >> 22) % shard_count != shard:
            gid = str(int(gid) + (1 << 22))  # a millisecond later
        channel = {"id": snowflake(), "type": 0, "guild_id": gid, "name": "general", "position": 0, "flags": 0}
        channel |= {"permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None}
        channel |= {"last_message_id": None, "rate_limit_per_user": 0}
        roles = [_role(gid, "@everyone", 0, EVERYONE_PERMISSIONS), _role(admin_role_id, "Admin", 1, ADMIN_PERMISSIONS)]
        return cls(gid, owner.id, admin_role_id, channel, roles)

    def permissions(self, user: FakeUser) -> int:
        """The user's guild permissions (the owner and administrators have all)."""
        permissions = 0
        for role in [r for r in self.roles if r["id"] == self.id or r["id"] in user.roles]:
            permissions |= int(role["permissions"])
        admin = user.id == self.owner_id or permissions & discord.Permissions(administrator=True).value
        return ALL_PERMISSIONS if admin else permissions

    def payload(self, members: list[FakeUser], member_count: int) -> JSON:
        """The GUILD_CREATE payload listing ``members`` (the first one is the bot)."""
        guild: JSON = {"id": self.id, "name": "Fake Guild", "owner_id": self.owner_id, "preferred_locale": self.locale}
        guild |= dict.fromkeys(_GUILD_NULLS.split()) | dict.fromkeys(_GUILD_ZEROS.split(), 0)
        guild |= {key: [] for key in _GUILD_LISTS.split()}
        guild |= {"roles": self.roles, "channels": [self.channel], "system_channel_id": self.channel["id"]}
        guild |= {"region": "deprecated", "afk_timeout": 300, "default_message_notifications": 1, "large": False}
        guild |= {"members": [m.member() for m in members], "member_count": member_count, "unavailable": False}
        return guild | {"joined_at": members[0].joined_at, "premium_subscription_count": 0}


@dataclass
class Call:
    """One REST request; ``time`` is the fake's loop clock when it arrived."""

    method: str
    path: str  # without /api/v10, e.g. "/channels/1/messages"
    query: dict[str, str]
    time: float
    json: Any = None  # the JSON body, or the parsed payload_json of a multipart body
    files: list[str] = field(default_factory=list)  # names of uploaded files
    status: int = 0
    response: Any = None
    unhandled: bool = False  # no route matched: answered 404 "Unknown route"


@dataclass
class SentInteraction:
    """An INTERACTION_CREATE the fake dispatched (``payload``), and how it was answered."""

    id: str
    token: str
    payload: JSON
    sent_at: float  # loop clock when INTERACTION_CREATE was sent
    responded_at: float | None = None  # loop clock when the accepted (first) callback arrived
    response: JSON | None = None  # the accepted callback's body
    expired: bool = False
    token_lifetime: float = 15 * 60.0  # seconds the webhook token works for follow-ups and edits, as on Discord
    original_id: str | None = None  # the message behind @original
    message_ids: list[str] = field(default_factory=list)  # @original and follow-ups

    @property
    def latency(self) -> float | None:
        return None if self.responded_at is None else self.responded_at - self.sent_at


@dataclass
class Session:
    """One shard's gateway session: its own sequence, and every dispatch for resumes."""

    shard_id: int
    shard_count: int
    id: str
    intents: int
    ws: web.WebSocketResponse | None  # the client's websocket while it is connected
    transport: asyncio.Transport | None
    seq: int = 0
    events: list[JSON] = field(default_factory=list)
    ready: bool = False  # READY and its GUILD_CREATEs were sent

    def holds(self, guild_id: str) -> bool:
        return (int(guild_id) >> 22) % self.shard_count == self.shard_id


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float


class FakeDiscord:
    """The fake server; ``async with FakeDiscord(token=...) as fake`` starts it and patches discord.py."""

    def __init__(
        self,
        token: str = "fake-bot-token",
        *,
        heartbeat_interval: int = 41250,
        interaction_deadline: float = 3.0,
        shard_count: int = 1,
    ) -> None:
        """``shard_count``: the default guild is on shard 0 of that many (more guilds: ``add_guild``)."""
        self.token, self.heartbeat_interval, self.interaction_deadline = token, heartbeat_interval, interaction_deadline
        admin_role, bot = snowflake(), FakeUser(snowflake(), "fakebot", bot=True)
        owner, admin = FakeUser(snowflake(), "owner"), FakeUser(snowflake(), "admin", roles=[admin_role])
        self.users = Users(bot, owner, admin, FakeUser(snowflake(), "member"))
        self.application_id = bot.id  # as on Discord today: the application id is the bot's user id
        self.guild = FakeGuild.create(owner, admin_role, 0, shard_count)  # the default guild of the send_* helpers
        self.channel = self.guild.channel  # the guild's text channel
        self.guilds = [self.guild]
        self.calls: list[Call] = []
        self.frames: list[JSON] = []  # gateway frames the client sent
        self.connections: list[str] = []  # path and query of each gateway connection
        self.interactions: dict[str, SentInteraction] = {}
        self.messages: dict[str, JSON] = {}
        self.commands: dict[str | None, list[JSON]] = {}  # guild id (None: global) -> registered commands
        self.dm_channels: dict[str, JSON] = {}  # user id -> DM channel
        self.faults: list[Fault] = []
        self.identify_count = self.ready_count = self.resume_count = self.port = 0
        self.recommended_shards = 1  # GET /gateway/bot's "shards"
        self.api_base = self.ws_url = ""  # set by start()
        self.sessions: dict[int, Session] = {}  # by shard id
        self._lock = asyncio.Lock()  # orders dispatches and resume replays
        self._changed_event = asyncio.Event()
        self._stack = contextlib.ExitStack()
        self._runner: web.AppRunner | None = None
        routes: list[tuple[str, Callable[[Call, re.Match[str]], Awaitable[Reply]]]] = [
            ("GET /users/@me", self._get_me),  # "METHODS /path regex", matched against "METHOD /path"
            ("GET /gateway(/bot)?", self._get_gateway),
            ("GET /(oauth2/)?applications/@me", self._get_application),
            (r"GET|PUT /applications/(\d+)(?:/guilds/(\d+))?/commands", self._commands),
            (r"POST /interactions/(\d+)/([^/]+)/callback", self._callback),
            (r"GET|PATCH|DELETE /webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", self._webhook_message),
            (r"POST /webhooks/(\d+)/([^/]+)", self._followup),
            (r"POST /channels/(\d+)/messages", self._create_message),
            (r"PATCH /channels/(\d+)/messages/(\d+)", self._edit_message),
            (r"POST /channels/(\d+)/typing", self._typing),
        ]
        self._routes = [(re.compile(f"(?:{rx.replace(' ', ') ', 1)}/?"), handler) for rx, handler in routes]

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Listen on 127.0.0.1 (a free port) and patch discord.py to use the fake."""
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/", self._gateway)
        app.router.add_get("/resume", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024).start()  # bursts open many connections
        self.port = self._runner.addresses[0][1]
        self.api_base, self.ws_url = f"http://127.0.0.1:{self.port}/api/v10", f"ws://127.0.0.1:{self.port}/"
        self._stack.enter_context(self.patch_discord())

    async def stop(self) -> None:
        """Close the clients' websockets (1001), stop listening, undo the patch (close the bot first)."""
        for session in self.sessions.values():
            if session.ws is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(session.ws.close(code=1001), 1.0)
        if self._runner is not None:
            await self._runner.cleanup()
        self._stack.close()

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.stop()

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base URL and default gateway at the fake; restore them afterwards."""
        old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self.api_base, yarl.URL(self.ws_url)
        try:
            yield
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway

    # ------------------------------------------------------------------ guilds and sessions
    def add_guild(self, *, shard: int = 0, shard_count: int = 1) -> FakeGuild:
        """Another guild with the same users and roles, on ``shard`` of ``shard_count``."""
        guild = FakeGuild.create(self.users.owner, self.guild.admin_role_id, shard, shard_count)
        self.guilds.append(guild)
        return guild

    def session_for(self, guild_id: str | None) -> Session | None:
        """The session that gets a guild's events (DMs: shard 0's)."""
        if guild_id is None:
            return self.sessions.get(0)
        return next((s for s in self.sessions.values() if s.holds(guild_id)), None)

    @property
    def session(self) -> Session | None:
        """Shard 0's session: the only one of an unsharded client."""
        return self.sessions.get(0)

    @property
    def session_id(self) -> str | None:
        return self.session.id if self.session else None

    @property
    def events(self) -> list[JSON]:
        """Every dispatch of shard 0's session."""
        return self.session.events if self.session else []

    @property
    def _ws(self) -> web.WebSocketResponse | None:
        return self.session.ws if self.session else None

    def _guild_of_channel(self, channel_id: str) -> FakeGuild | None:
        return next((g for g in self.guilds if g.channel["id"] == channel_id), None)

    # ------------------------------------------------------------------ waiting and inspection
    @staticmethod
    def clock() -> float:
        return asyncio.get_running_loop().time()

    def _changed(self) -> None:
        self._changed_event.set()
        self._changed_event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float = WAIT) -> T:
        """Wait until ``predicate()`` is truthy and return its value, or raise TimeoutError.

        Re-checked whenever the fake records something and every 20 ms (for state on the bot's side)."""
        deadline = self.clock() + timeout
        while True:
            if result := predicate():
                return result
            if (remaining := deadline - self.clock()) <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed_event.wait(), min(remaining, 0.02))

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = WAIT) -> Call:
        """The first recorded REST call, past or future, that matches ``predicate``."""
        return await self.wait_until(lambda: next((c for c in self.calls if predicate(c)), None), timeout)

    async def wait_for_callback(self, interaction: SentInteraction, timeout: float = WAIT) -> Call:
        """The accepted (2xx) callback of ``interaction``."""
        return await self.wait_for(lambda c: c in self.callbacks_for(interaction) and c.status < 300, timeout)

    async def wait_for_op(self, op: int, timeout: float = WAIT) -> JSON:
        """The first gateway frame with opcode ``op`` the client sent (2 IDENTIFY, 6 RESUME, ...)."""
        return await self.wait_until(lambda: next((f for f in self.frames if f.get("op") == op), None), timeout)

    async def wait_ready(self, timeout: float = WAIT) -> None:
        """Wait until a client identified and was sent READY and its GUILD_CREATEs."""
        await self.wait_until(lambda: self.ready_count > 0, timeout)

    def callbacks_for(self, interaction: SentInteraction) -> list[Call]:
        """Every callback request for ``interaction`` (accepted or not), in order of arrival."""
        path = f"/interactions/{interaction.id}/{interaction.token}/callback"
        return [c for c in self.calls if c.method == "POST" and c.path.rstrip("/") == path]

    def unhandled_calls(self) -> list[Call]:
        return [c for c in self.calls if c.unhandled]

    def latencies(self) -> list[float]:
        """Seconds from INTERACTION_CREATE to the accepted callback, per answered interaction."""
        return [i.latency for i in self.interactions.values() if i.latency is not None]

    # ------------------------------------------------------------------ test controls
    def fail_next(self, method: str, path_regex: str, status: int, times: int = 1, retry_after: float = 0.1) -> None:
        """Answer the next ``times`` calls with this method ("*": any) whose path ``re.search``-matches
        ``path_regex`` with ``status`` (429: rate limited for ``retry_after`` s); then behave normally."""
        self.faults.append(Fault(method.upper(), re.compile(path_regex), status, times, retry_after))

    def expire_interaction(self, interaction: SentInteraction) -> None:
        """Expire the token: callbacks get 10062 Unknown interaction, webhooks 50027."""
        interaction.expired = True

    async def drop_gateway(self, code: int | None = 4000, shard: int = 0) -> None:
        """Close the shard's websocket with ``code``; None aborts the TCP connection without a close frame."""
        session = self.sessions.get(shard)
        if session is None or session.ws is None:
            raise RuntimeError(f"no client is connected on shard {shard}")
        async with self._lock:  # from here on dispatches are buffered for the resume
            ws, session.ws = session.ws, None
        if code is None and session.transport is not None:
            session.transport.abort()
        else:
            await ws.close(code=code or 4000, message=b"dropped by FakeDiscord")

    async def dispatch(
        self, event: str, data: Any, *, buffer: bool = True, session: Session | None = None
    ) -> int | None:
        """Send a dispatch (op 0) to ``session``, by default the one holding the event's guild (DMs:
        shard 0); returns its ``s``, or None when the client's intents exclude it."""
        guild_id = data.get("guild_id") if isinstance(data, dict) else None
        session = session or self.session_for(guild_id)
        if session is None:
            raise RuntimeError(f"no client has identified for guild {guild_id}" if guild_id else "no client on shard 0")
        if event.startswith("MESSAGE_"):
            if not session.intents & (GUILD_MESSAGES if "guild_id" in data else DM_MESSAGES):
                return None
            bot, mentions = self.users.bot.id, [user["id"] for user in data.get("mentions", [])]
            hidden = "guild_id" in data and bot not in mentions and data["author"]["id"] != bot
            if hidden and not session.intents & MESSAGE_CONTENT:  # what a bot without that intent gets to see
                data = data | {"content": "", "embeds": [], "attachments": [], "components": []}
        async with self._lock:
            session.seq += 1
            frame = {"op": 0, "t": event, "s": session.seq, "d": data}
            if buffer:
                session.events.append(frame)
            if session.ws is not None and not session.ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await session.ws.send_json(frame)
            return session.seq

    def dm_channel(self, user: FakeUser) -> JSON:
        """The DM channel between the bot and ``user``."""
        channel = {"id": snowflake(), "type": 1, "last_message_id": None, "flags": 0, "recipients": [user.payload()]}
        return self.dm_channels.setdefault(user.id, channel)

    async def send_message(
        self,
        content: str,
        *,
        author: FakeUser | None = None,
        mentions: list[FakeUser] | None = None,
        guild: bool | FakeGuild = True,
        reply_to: JSON | None = None,
    ) -> JSON:
        """Dispatch MESSAGE_CREATE from ``author`` (default: the ordinary member) in a guild's channel
        (True: the default guild's) or with ``guild=False`` a DM; returns the whole message, which the
        bot may see redacted (MESSAGE_CONTENT, above). ``mentions`` defaults to the users written as
        <@id> in ``content``."""
        author = author or self.users.member
        where = self.guild if guild is True else guild or None
        channel_id = where.channel["id"] if where else self.dm_channel(author)["id"]
        reference = {"message_reference": {"message_id": reply_to["id"]}} if reply_to else {}
        message = self._new_message(channel_id, author, {"content": content} | reference)
        if mentions is not None:
            message["mentions"] = [self._mention(user, where is not None) for user in mentions]
        await self._publish("MESSAGE_CREATE", message, author)
        return message

    async def send_interaction(
        self,
        kind: int,
        data: JSON,
        *,
        user: FakeUser | None = None,
        guild: bool | FakeGuild = True,
        locale: str = "en-US",
        guild_locale: str | None = None,
        message: JSON | None = None,
        token_lifetime: float = 15 * 60.0,
    ) -> SentInteraction:
        """Dispatch INTERACTION_CREATE of type ``kind`` with ``data`` from ``user`` (default: the ordinary
        member) in a guild's channel (True: the default guild's), or with ``guild=False`` in a DM;
        ``message`` for components. ``token_lifetime``: e.g. 0 for a token whose 15 minutes are over
        by the time the bot edits the message, however soon that is."""
        user, token = user or self.users.member, "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        g = self.guild if guild is True else guild or None
        payload: JSON = {"id": snowflake(), "application_id": self.application_id, "type": kind, "data": data}
        payload |= {"token": token, "version": 1, "locale": locale, "entitlements": []}
        payload |= {"attachment_size_limit": 10 * 1024 * 1024} | ({"message": message} if message else {})
        if g is not None:
            permissions = str(g.permissions(user))
            channel = g.channel | {"permissions": permissions}
            payload |= {"guild_id": g.id, "guild": {"id": g.id, "locale": g.locale, "features": []}, "context": 0}
            payload |= {"guild_locale": guild_locale or g.locale, "authorizing_integration_owners": {"0": g.id}}
            payload |= {"member": user.member() | {"permissions": permissions}}
            payload |= {"app_permissions": str(g.permissions(self.users.bot))}
        else:
            channel = self.dm_channel(user)
            payload |= {"user": user.payload(), "context": 1, "authorizing_integration_owners": {"0": "0"}}
            payload |= {"app_permissions": str(EVERYONE_PERMISSIONS)}
        payload |= {"channel_id": channel["id"], "channel": channel}
        interaction = SentInteraction(payload["id"], token, payload, self.clock(), token_lifetime=token_lifetime)
        self.interactions[payload["id"]] = interaction
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def send_command(
        self, name: str, options: JSON | None = None, *, focused: str | None = None, **context: Any
    ) -> SentInteraction:
        """A chat-input command (type 2), or with ``focused`` an autocomplete (type 4) for that option.

        ``name`` is "cmd", "cmd sub" or "cmd group sub"; ``options`` maps option names to values. Option
        types, the command id and, for guild commands, ``data.guild_id`` come from what the bot registered
        (an unregistered command gets a new id). ``context``: the keywords of send_interaction."""
        where = context.get("guild", True)
        where = self.guild if where is True else where or None
        parts, scopes = name.split(), [where.id, None] if where else [None]
        registered = [c for scope in scopes for c in self.commands.get(scope, []) if c["name"] == parts[0]]
        command: JSON = registered[0] if registered else {"id": snowflake(), "options": []}
        definitions: list[JSON] = command.get("options", [])
        for sub in parts[1:]:
            definitions = next((o for o in definitions if o["name"] == sub), {}).get("options", [])
        types, values = {o["name"]: o["type"] for o in definitions}, []
        for key, value in (options or {}).items():
            guess = {bool: 5, int: 4, float: 10}.get(type(value), 3)  # string, unless the bot registered a type
            option = {"name": key, "type": types.get(key, guess), "value": value}
            values.append(option | ({"focused": True, "value": str(value)} if key == focused else {}))
        for depth, sub in reversed(list(enumerate(parts[1:]))):
            values = [{"name": sub, "type": 2 if depth == 0 and len(parts) == 3 else 1, "options": values}]
        data = {"id": command["id"], "name": parts[0], "type": 1, "options": values}
        data |= {"guild_id": command["guild_id"]} if command.get("guild_id") else {}
        return await self.send_interaction(4 if focused else 2, data, **context)

    async def send_autocomplete(self, name: str, options: JSON, focused: str, **context: Any) -> SentInteraction:
        """An autocomplete interaction (type 4) while the user types into option ``focused``."""
        return await self.send_command(name, options, focused=focused, **context)

    async def send_component(
        self, custom_id: str, *, message: JSON | str | None = None, values: list[str] | None = None, **context: Any
    ) -> SentInteraction:
        """A component interaction (type 3) on ``message`` (payload or id; default: the newest stored
        message with a component ``custom_id``): a button press, or with ``values`` a string select."""
        if message is None:  # look for the custom_id in the (nested) components of the stored messages
            wanted = f'"custom_id": {json.dumps(custom_id)}'
            message = next((m for m in reversed(self.messages.values()) if wanted in json.dumps(m["components"])), None)
        elif isinstance(message, str):
            message = self.messages.get(message)
        if message is None:
            raise LookupError(f"no stored message has a component {custom_id!r}")
        data: JSON = {"custom_id": custom_id, "component_type": 2}
        data |= {} if values is None else {"component_type": 3, "values": values}
        return await self.send_interaction(3, data, message=message, **context)

    # ------------------------------------------------------------------ messages
    def _mention(self, user: FakeUser, in_guild: bool) -> JSON:
        return user.payload() | {"member": user.member(with_user=False)} if in_guild else user.payload()

    def _channel_exists(self, channel_id: str) -> bool:
        return any(c["id"] == channel_id for c in [*(g.channel for g in self.guilds), *self.dm_channels.values()])

    @staticmethod
    def _invalid(payload: JSON, files: list[str], prefix: str = "", *, edit: bool = False) -> Reply | None:
        """The error Discord gives for this message payload, if any."""
        if len(content := payload.get("content") or "") > 2000:
            return _too_long(prefix + "content", 2000)
        if not edit and not (content or files or payload.get("embeds") or payload.get("components")):
            return _error(400, 50006, "Cannot send an empty message")
        return None

    def _new_message(self, channel_id: str, author: FakeUser, payload: JSON) -> JSON:
        """A message object as Discord returns it (validate ``payload`` first)."""
        message: JSON = {"id": snowflake(), "channel_id": channel_id, "author": author.payload(), "type": 0, "flags": 0}
        message |= {"content": "", "timestamp": _now(), "tts": False, "pinned": False, "attachments": []}
        guild = self._guild_of_channel(channel_id)
        message |= {"guild_id": guild.id} if guild else {}
        reference = payload.get("message_reference") or {}
        if target := self.messages.get(str(reference.get("message_id"))):  # (unknown targets are ignored)
            where = {key: target[key] for key in ("channel_id", "guild_id") if key in target}
            message |= {"type": 19, "referenced_message": target}
            message["message_reference"] = {"type": 0, "message_id": target["id"], **where}
        self._apply(message, payload)
        return message | {"edited_timestamp": None}

    def _apply(self, message: JSON, payload: JSON) -> None:
        """Apply a create or edit payload: content, embeds, components, flags; then derive the mentions."""
        message |= {"content": payload.get("content") or ""} if "content" in payload else {}
        for key in ("embeds", "components"):
            message[key] = (payload.get(key) or []) if key in payload else message.get(key, [])
        if "flags" in payload:  # the ephemeral flag cannot change after creation
            message["flags"] = message["flags"] & EPHEMERAL | (payload["flags"] or 0) & ~EPHEMERAL
        message["flags"] &= ~LOADING
        content, in_guild = message["content"], "guild_id" in message
        mentioned = [u for u in self.users.all() if re.search(rf"<@!?{u.id}>", content)]  # <@!id>: a nickname mention
        message["mentions"] = [self._mention(u, in_guild) for u in mentioned]
        message |= {"mention_roles": re.findall(r"<@&(\d+)>", content), "mention_everyone": "@everyone" in content}
        message["edited_timestamp"] = _now()

    async def _publish(self, event: str, message: JSON, author: FakeUser | None = None) -> None:
        """Store ``message`` and, unless it is ephemeral, dispatch ``event`` for it."""
        self.messages[message["id"]] = message
        if not message["flags"] & EPHEMERAL and self.session_for(message.get("guild_id")) is not None:
            member = {"member": author.member(with_user=False)} if author and "guild_id" in message else {}
            await self.dispatch(event, message | member)

    # ------------------------------------------------------------------ REST
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        call = Call(request.method, "/" + request.match_info["tail"], dict(request.query), self.clock())
        try:
            call.json, call.files = await self._read_body(request)
            headers, (call.status, call.response) = await self._handle(call, request)
        except json.JSONDecodeError:
            headers, (call.status, call.response) = {}, _error(400, 50109, "The request body contains invalid JSON.")
        self.calls.append(call)
        self._changed()
        if call.response is None:
            return web.Response(status=call.status, headers=headers)
        body = json.dumps(call.response).encode()  # Content-Type exactly "application/json", as Discord sends it
        return web.Response(body=body, status=call.status, headers=headers | {"Content-Type": "application/json"})

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[str]]:
        if request.content_type != "multipart/form-data":
            return json.loads(raw) if (raw := await request.read()) else None, []
        payload, files, reader = None, [], await request.multipart()
        while isinstance(part := await reader.next(), aiohttp.BodyPartReader):
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            else:
                files.append(part.filename or part.name or "file")
        return payload, files

    async def _handle(self, call: Call, request: web.Request) -> tuple[dict[str, str], Reply]:
        """Authenticate, inject faults, route; returns the headers and the reply."""
        target = f"{call.method} {call.path}"
        found = [(n, h, m) for n, (rx, h) in enumerate(self._routes) if (m := rx.fullmatch(target))]
        headers = {"Via": "1.1 google", "X-RateLimit-Bucket": f"fake{found[0][0] if found else ''}"}
        headers |= {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4", "X-RateLimit-Reset-After": "1.000"}
        headers["X-RateLimit-Reset"] = f"{time.time() + 1:.3f}"
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        if not authorized and not call.path.startswith(("/interactions/", "/webhooks/")):
            return headers, (401, {"message": "401: Unauthorized", "code": 0})
        for fault in [f for f in self.faults if f.method in ("*", call.method) and f.pattern.search(call.path)][:1]:
            fault.times -= 1
            self.faults = [f for f in self.faults if f.times > 0]
            if fault.status != 429:
                return headers, _error(fault.status, 0, f"{fault.status}: injected by FakeDiscord")
            after = fault.retry_after
            headers |= {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": f"{after:.3f}", "Retry-After": "1"}
            headers |= {"X-RateLimit-Reset": f"{time.time() + after:.3f}", "X-RateLimit-Scope": "user"}
            return headers, (429, {"message": "You are being rate limited.", "retry_after": after, "global": False})
        if not found:
            call.unhandled = True
            return headers, _error(404, 0, "Unknown route")
        return headers, await found[0][1](call, found[0][2])

    def _me(self) -> JSON:
        return self.users.bot.payload() | {"verified": True, "mfa_enabled": False, "flags": 0, "email": None}

    async def _get_me(self, call: Call, m: re.Match[str]) -> Reply:
        return 200, self._me()

    async def _get_gateway(self, call: Call, m: re.Match[str]) -> Reply:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
        extra = {"shards": self.recommended_shards, "session_start_limit": limit} if m[1] else {}
        return 200, {"url": self.ws_url.rstrip("/")} | extra

    async def _get_application(self, call: Call, m: re.Match[str]) -> Reply:
        app: JSON = {"id": self.application_id, "name": "FakeBot", "icon": None, "description": "", "summary": ""}
        app |= {"verify_key": "0" * 64, "flags": 0, "bot_public": True, "bot_require_code_grant": False}
        app |= {"owner": self.users.owner.payload(), "bot": self.users.bot.payload(), "interactions_endpoint_url": None}
        return 200, app | {"rpc_origins": [], "redirect_uris": [], "tags": []}

    async def _commands(self, call: Call, m: re.Match[str]) -> Reply:
        scope = m[2]  # a guild id, or None for global commands
        if call.method == "PUT":  # a bulk overwrite: commands keep their ids by (name, type)
            old = {(c["name"], c["type"]): c["id"] for c in self.commands.get(scope, [])}
            self.commands[scope] = []
            for command in call.json or []:
                kind = command.get("type", 1)
                added = {"id": old.get((command["name"], kind), snowflake()), "type": kind, "version": snowflake()}
                added |= {"application_id": self.application_id} | ({"guild_id": scope} if scope else {})
                defaults: JSON = {"description": "", "options": [], "default_member_permissions": None}
                self.commands[scope].append(defaults | command | added)
        return 200, self.commands.get(scope, [])

    async def _callback(self, call: Call, m: re.Match[str]) -> Reply:
        interaction = self.interactions.get(m[1])
        if interaction is None or interaction.token != m[2] or interaction.expired:
            return _error(404, 10062, "Unknown interaction")
        if interaction.responded_at is not None:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        if call.time - interaction.sent_at > self.interaction_deadline:
            return _error(404, 10062, "Unknown interaction")
        body, itype = call.json or {}, interaction.payload["type"]
        kind, data = body.get("type"), body.get("data") or {}
        source = self.messages.get(interaction.payload.get("message", {}).get("id", ""))  # a component's message
        if kind not in ALLOWED_CALLBACKS[itype] or (kind in (6, 7) and source is None):
            return _form_error("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")
        if kind == 8 and len(data.get("choices", [])) > 25:
            return _too_long("data.choices", 25)
        if kind in (4, 7) and (invalid := self._invalid(data, call.files, "data.", edit=kind == 7)):
            return invalid
        message = source
        if kind in (4, 5):  # a new message; 5 shows "thinking..." until @original is edited
            payload = data if kind == 4 else {}
            message = self._new_message(interaction.payload["channel_id"], self.users.bot, payload)
            message |= {"webhook_id": self.application_id, "application_id": self.application_id}
            message["flags"] = int(data.get("flags") or 0) & EPHEMERAL | (LOADING if kind == 5 else 0)
        elif kind == 7 and source is not None:
            self._apply(source, data)
        if message is not None and kind in (4, 5, 6, 7):
            interaction.original_id = message["id"]
            interaction.message_ids.append(message["id"])
            if kind != 6:
                await self._publish("MESSAGE_CREATE" if kind in (4, 5) else "MESSAGE_UPDATE", message)
        interaction.responded_at, interaction.response = call.time, call.json
        if call.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        info: JSON = {"id": interaction.id, "type": itype}
        if kind in (4, 5, 7) and message is not None:
            info |= {"response_message_id": message["id"], "response_message_loading": kind == 5}
            info["response_message_ephemeral"] = bool(message["flags"] & EPHEMERAL)
        resource = {"type": kind} | ({"message": message} if "response_message_id" in info else {})
        return 200, {"interaction": info, "resource": resource}

    def _webhook_interaction(self, app_id: str, token: str) -> SentInteraction | Reply:
        interaction = next((i for i in self.interactions.values() if i.token == token), None)
        if interaction is None or app_id != self.application_id or interaction.responded_at is None:
            return _error(404, 10015, "Unknown Webhook")
        expired = interaction.expired or self.clock() - interaction.sent_at > interaction.token_lifetime
        return _error(401, 50027, "Invalid Webhook Token") if expired else interaction

    async def _webhook_message(self, call: Call, m: re.Match[str]) -> Reply:
        if isinstance(interaction := self._webhook_interaction(m[1], m[2]), tuple):
            return interaction
        message_id = interaction.original_id if m[3] == "@original" else m[3]
        if (message := self.messages.get(message_id or "")) is None or message_id not in interaction.message_ids:
            return _error(404, 10008, "Unknown Message")
        if call.method == "DELETE":
            del self.messages[message["id"]]
            if not message["flags"] & EPHEMERAL and self.session_for(message.get("guild_id")) is not None:
                ids = {key: message[key] for key in ("id", "channel_id", "guild_id") if key in message}
                await self.dispatch("MESSAGE_DELETE", ids)
            return 204, None
        return (200, message) if call.method == "GET" else await self._edit(call, message)

    async def _edit(self, call: Call, message: JSON) -> Reply:
        if invalid := self._invalid(call.json or {}, call.files, edit=True):
            return invalid
        self._apply(message, call.json or {})
        await self._publish("MESSAGE_UPDATE", message, self.users.bot)
        return 200, message

    async def _followup(self, call: Call, m: re.Match[str]) -> Reply:
        if isinstance(interaction := self._webhook_interaction(m[1], m[2]), tuple):
            return interaction
        status, message = await self._post(call, interaction.payload["channel_id"], interaction)
        wait = call.query.get("wait", "").lower() in ("1", "true")
        return (status, message) if wait or status != 200 else (204, None)

    async def _create_message(self, call: Call, m: re.Match[str]) -> Reply:
        return await self._post(call, m[1]) if self._channel_exists(m[1]) else _error(404, 10003, "Unknown Channel")

    async def _post(self, call: Call, channel_id: str, interaction: SentInteraction | None = None) -> Reply:
        if invalid := self._invalid(payload := call.json or {}, call.files):
            return invalid
        message = self._new_message(channel_id, self.users.bot, payload)
        if interaction is not None:  # a follow-up, sent through the interaction's webhook
            message |= {"webhook_id": self.application_id, "application_id": self.application_id}
            message["flags"] |= int(payload.get("flags") or 0) & EPHEMERAL
            interaction.message_ids.append(message["id"])
        await self._publish("MESSAGE_CREATE", message, None if interaction else self.users.bot)
        return 200, message

    async def _edit_message(self, call: Call, m: re.Match[str]) -> Reply:
        if (message := self.messages.get(m[2])) is None or message["channel_id"] != m[1]:
            return _error(404, 10008, "Unknown Message")
        return await self._edit(call, message)

    async def _typing(self, call: Call, m: re.Match[str]) -> Reply:
        return (204, None) if self._channel_exists(m[1]) else _error(404, 10003, "Unknown Channel")

    # ------------------------------------------------------------------ gateway
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections.append(request.path_qs)
        session: Session | None = None
        try:
            await ws.send_json({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval}, "s": None, "t": None})
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                self.frames.append(frame := json.loads(msg.data))
                self._changed()
                if frame["op"] == 1:
                    await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
                elif frame["op"] == 2 and session is None:
                    session = await self._identify(ws, request.transport, frame["d"])
                elif frame["op"] == 6:
                    session = await self._resume(ws, request.transport, frame["d"])
                elif session is None:
                    await ws.close(code=4003, message=b"Not authenticated.")
        finally:
            for held in self.sessions.values():
                if held.ws is ws:
                    held.ws = None
        return ws

    async def _identify(
        self, ws: web.WebSocketResponse, transport: asyncio.Transport | None, d: JSON
    ) -> Session | None:
        if d.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        shard_id, shard_count = d.get("shard") or (0, 1)
        session = Session(shard_id, shard_count, secrets.token_hex(16), d.get("intents", 0), ws, transport)
        async with self._lock:  # a new session; one the shard had before is gone
            self.sessions[shard_id] = session
        self.identify_count += 1
        guilds = [g for g in self.guilds if session.holds(g.id)]
        ready = {"v": 10, "user": self._me(), "guilds": [{"id": g.id, "unavailable": True} for g in guilds]}
        ready |= {"session_id": session.id, "resume_gateway_url": f"{self.ws_url}resume"}
        ready |= {"application": {"id": self.application_id, "flags": 0}, "session_type": "normal"}
        ready |= {"private_channels": [], "relationships": [], "presences": [], "user_settings": {}}
        await self.dispatch("READY", ready | ({"shard": d["shard"]} if d.get("shard") else {}), session=session)
        members = self.users.all() if session.intents & MEMBERS else [self.users.bot]
        for guild in guilds:
            await self.dispatch("GUILD_CREATE", guild.payload(members, len(self.users.all())), session=session)
        session.ready = True
        self.ready_count += 1
        self._changed()
        return session

    async def _resume(self, ws: web.WebSocketResponse, transport: asyncio.Transport | None, d: JSON) -> Session | None:
        seq = d.get("seq")
        session = next((s for s in self.sessions.values() if s.id == d.get("session_id")), None)
        if session is None or d.get("token") != self.token or not isinstance(seq, int) or seq > session.seq:
            await ws.send_json({"op": 9, "d": False, "s": None, "t": None})
            return None
        async with self._lock:
            for frame in session.events:
                if frame["s"] > seq:
                    await ws.send_json(frame)
            session.ws, session.transport = ws, transport
        await self.dispatch("RESUMED", {}, buffer=False, session=session)
        self.resume_count += 1
        self._changed()
        return session
