"""A message as Discord lays it out, in plain text: what `python -m bot show` prints, and what the
tests read to check what a reader sees.

It reads the JSON payload the bot sends (a message, or an interaction callback's `data`), so the
preview cannot drift from the real reply. Embeds are drawn with a bar (┃ a stated fact, ┆ the
neutral grey), buttons as [ label ], menus as [ ▾ placeholder ], link buttons as [ label ↗ ].
Markdown stays as Discord receives it (**bold**, ||spoiler||); masked links read as their text and ↗,
command mentions as /name.
"""

from __future__ import annotations

import re
from typing import Any

EPHEMERAL = 1 << 6
NEUTRAL = 0x99AAB5
_COMMAND = re.compile(r"</([-\w ]+):\d+>")
_MASKED_LINK = re.compile(r"\[([^\]]+)\]\(https?://[^)\s]+\)")
_BUTTON, _ROW, _LINK = 2, 1, 5


def render(payload: dict[str, Any]) -> str:
    """The message in `payload` (or in a callback's `data`) as text, one line per screen line."""
    message = payload.get("data") if "type" in payload and "data" in payload else payload
    message = message or {}
    lines: list[str] = []
    if message.get("content"):
        lines += str(message["content"]).splitlines()
    for embed in message.get("embeds") or []:
        lines += _embed(embed)
    for row in message.get("components") or []:
        items = row.get("components", []) if row.get("type") == _ROW else [row]
        lines.append(" ".join(_component(item) for item in items))
    if int(message.get("flags") or 0) & EPHEMERAL:
        lines.append("(only you can see this)")
    return _MASKED_LINK.sub(r"\1 ↗", _COMMAND.sub(r"/\1", "\n".join(lines)))


def _embed(embed: dict[str, Any]) -> list[str]:
    bar = "┆ " if embed.get("color") == NEUTRAL else "┃ "
    body: list[str] = []
    if embed.get("title"):
        body.append(f"{embed['title']}")
        body.append("")
    if embed.get("description"):
        body += str(embed["description"]).splitlines()
    for field in embed.get("fields") or []:
        body += ["", str(field["name"]), *str(field["value"]).splitlines()]
    if (embed.get("footer") or {}).get("text"):
        body += ["", str(embed["footer"]["text"])]
    return [(bar + line).rstrip() for line in body]


def _component(item: dict[str, Any]) -> str:
    if item.get("type") == _BUTTON:
        emoji = (item.get("emoji") or {}).get("name") or ""
        label = " ".join(part for part in (emoji, item.get("label") or "") if part)
        suffix = " ↗" if item.get("style") == _LINK else ""
        return f"[ {label}{suffix} ]"
    return f"[ ▾ {item.get('placeholder') or ''} ]"


def visible_length(payload: dict[str, Any]) -> int:
    """How many characters a reader gets: the rendered text without the drawing and markdown marks."""
    text = re.sub(r"^[┃┆] ?", "", render(payload), flags=re.MULTILINE)
    return len(text.replace("**", "").replace("||", ""))
