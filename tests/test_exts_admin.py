"""/reload: who may run it, the report of what changed, and broken files that change nothing."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.core.engine import ReloadReport
from bot.exts.admin import Admin, report_embed
from bot.reloads import Outcome
from bot.utils.checks import NotAdmin, is_admin
from tests.helpers import (
    MockBot,
    MockInteraction,
    embed_of,
    invoke,
    knowledge_entries,
    make_engine,
    make_settings,
    write_knowledge,
)

ADMIN_ROLE = 700_000_000_000_000_001


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "knowledge"


@pytest.fixture
def bot(directory: Path) -> MagicMock:
    return MockBot(make_engine(directory), make_settings(directory, admin_role_ids=frozenset({ADMIN_ROLE})))


async def test_reload_is_hidden_from_non_admins_and_checked_at_runtime() -> None:
    command = Admin.reload
    assert command.default_permissions is not None
    assert command.default_permissions.manage_guild
    assert is_admin in command.checks


async def test_plain_member_is_refused(bot: MagicMock) -> None:
    with pytest.raises(NotAdmin):
        await is_admin(MockInteraction(bot))
    bot.is_owner.assert_awaited_once()


@pytest.mark.parametrize(
    "options",
    [{"manage_guild": True}, {"roles": [ADMIN_ROLE]}, {"user_id": 555}, {"in_guild": False, "user_id": 555}],
    ids=["manage-server", "admin-role", "owner-id", "owner-id-in-dm"],
)
async def test_admins_and_owners_may_reload(directory: Path, options: dict[str, Any]) -> None:
    settings = make_settings(directory, owner_ids=frozenset({555}), admin_role_ids=frozenset({ADMIN_ROLE}))
    bot = MockBot(make_engine(directory), settings)

    assert await is_admin(MockInteraction(bot, **options))


async def test_application_owner_may_reload(bot: MagicMock) -> None:
    bot.is_owner.return_value = True

    assert await is_admin(MockInteraction(bot, in_guild=False))


async def test_owner_lookup_failure_refuses(bot: MagicMock) -> None:
    bot.is_owner.side_effect = discord.HTTPException(MagicMock(status=500, reason="error"), "down")

    with pytest.raises(NotAdmin):
        await is_admin(MockInteraction(bot))


async def reload(bot: MagicMock, locale: discord.Locale = discord.Locale.british_english) -> MagicMock:
    cog = Admin(bot)
    interaction = MockInteraction(bot, manage_guild=True, locale=locale)
    await invoke(cog.reload, cog, interaction)
    interaction.response.defer.assert_awaited_once_with(ephemeral=True, thinking=True)
    assert interaction.followup.send.call_args.kwargs["ephemeral"] is True
    return interaction


async def test_reload_reports_added_removed_and_changed(bot: MagicMock, directory: Path) -> None:
    entries = [e for e in knowledge_entries() if e["id"] != "crew-music"]
    entries[0]["answer"]["en"] = "It came out on Friday, 9 June 2017, on Amazon Prime Video."
    entries.append({**entries[-1], "id": "crew-producer", "aliases": ["Victoria Gregory"]})
    write_knowledge(directory, entries)

    embed = embed_of((await reload(bot)).followup.send)

    assert embed.title == "Knowledge reloaded"
    assert embed.description == "14 entries are live."
    assert [(f.name, f.value) for f in embed.fields] == [
        ("Added (1)", "• crew-producer"),
        ("Removed (1)", "• crew-music"),
        ("Changed (1)", "• release-date"),
    ]
    assert bot.engine.ask("When did it come out?").text == "It came out on Friday, 9 June 2017, on Amazon Prime Video."


async def test_reload_without_changes_says_so(bot: MagicMock) -> None:
    embed = embed_of((await reload(bot, discord.Locale.german)).followup.send)

    assert embed.description == "14 Einträge sind aktiv. Nichts hat sich geändert."
    assert not embed.fields


async def test_broken_file_lists_problems_and_keeps_the_old_knowledge(bot: MagicMock, directory: Path) -> None:
    entries = knowledge_entries()
    entries[0]["answer"]["en"] = "CHANGED"
    del entries[1]["sources"]
    write_knowledge(directory, entries)
    (directory / "extra_file.yaml").write_text("entries: [oops\n", encoding="utf-8")

    embed = embed_of((await reload(bot)).followup.send)

    assert embed.title == "Reload failed"
    description = embed.description or ""
    assert description.startswith("The previous 14 entries keep answering.")
    assert "knowledge/test.yaml:" in description
    assert "entry 'platform-where': missing key 'sources'" in description
    assert "• `knowledge/extra_file.yaml:2: YAML syntax error" in description  # as code: read exactly
    answer = bot.engine.ask("When did it come out?")
    assert answer.entry_id == "release-date"
    assert answer.text != "CHANGED"


async def test_many_problems_are_cut_to_fit(bot: MagicMock, directory: Path) -> None:
    broken = [{"id": f"broken-{n}", "topic": "cast"} for n in range(300)]
    write_knowledge(directory, broken)

    embed = embed_of((await reload(bot)).followup.send)

    assert len(embed.description or "") <= 4096
    assert len(embed) <= 6000
    assert (embed.description or "").splitlines()[-1].startswith("… and ")


async def test_reload_reads_files_off_the_event_loop(bot: MagicMock) -> None:
    threads: list[threading.Thread] = []
    real_reload = bot.engine.reload

    def reload_and_note_thread() -> object:
        threads.append(threading.current_thread())
        return real_reload()

    bot.engine.reload = reload_and_note_thread

    await reload(bot)

    assert threads
    assert threads[0] is not threading.main_thread()


def test_the_report_says_how_many_processes_took_the_reload() -> None:
    report = ReloadReport(count=80, added=(), removed=(), changed=("release-date",))
    outcome = Outcome(
        report, took=2, processes=4, failed=("host:7 shards 3: test.yaml:2: YAML syntax error",), silent=1
    )

    embed = report_embed(replace(outcome, shared=True), "en")
    german = report_embed(replace(outcome, shared=True), "de")
    alone = report_embed(Outcome(report), "en")

    assert embed.description == "80 entries are live.\n2 of 4 bot processes took the new knowledge. 1 did not answer."
    assert [field.name for field in embed.fields] == ["Changed (1)", "Kept their old knowledge"]
    assert embed.fields[1].value == "• host:7 shards 3: test.yaml:2: YAML syntax error"
    assert german.description == (
        "80 Einträge sind aktiv.\n2 von 4 Bot-Prozessen haben das neue Wissen übernommen. Keine Antwort von 1."
    )
    assert alone.description == "80 entries are live."  # one process: nothing about processes
