"""Discord-side helpers: the user's language, embeds, buttons, translations and checks.

Nothing here decides what a question means; that is the core's job. These helpers only turn
core results into what Discord shows.
"""
