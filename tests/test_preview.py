"""The terminal drawing of a message payload, as `python -m bot show` prints it."""

from __future__ import annotations

from bot.utils.preview import render, visible_length


def test_a_callback_is_drawn_with_its_embed_buttons_menus_and_privacy() -> None:
    callback = {
        "type": 4,
        "data": {
            "flags": 64,
            "embeds": [
                {
                    "title": "Release date",
                    "description": "It came out on **9 June 2017**.\n\nSee </episodes:42>.",
                    "fields": [{"name": "Where", "value": "Prime Video", "inline": False}],
                    "footer": {"text": "Source: Deadline"},
                    "color": 0x0B5394,
                }
            ],
            "components": [
                {"type": 1, "components": [{"type": 2, "style": 2, "label": "More", "custom_id": "x"}]},
                {"type": 1, "components": [{"type": 2, "style": 5, "label": "Trailer", "url": "https://t.example"}]},
                {"type": 1, "components": [{"type": 2, "style": 2, "emoji": {"name": "👍"}, "custom_id": "y"}]},
                {"type": 1, "components": [{"type": 3, "custom_id": "z", "placeholder": "Open…", "options": []}]},
            ],
        },
    }

    assert render(callback).splitlines() == [
        "┃ Release date",
        "┃",
        "┃ It came out on **9 June 2017**.",
        "┃",
        "┃ See /episodes.",
        "┃",
        "┃ Where",
        "┃ Prime Video",
        "┃",
        "┃ Source: Deadline",
        "[ More ]",
        "[ Trailer ↗ ]",
        "[ 👍 ]",
        "[ ▾ Open… ]",
        "(only you can see this)",
    ]


def test_neutral_embeds_have_their_own_bar_and_content_comes_first() -> None:
    message = {"content": "Hi", "embeds": [{"description": "No source says.", "color": 0x99AAB5}]}

    assert render(message) == "Hi\n┆ No source says."
    assert visible_length(message) == len("Hi\nNo source says.")
