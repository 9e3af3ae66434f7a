"""The events the Discord layer dispatches for listeners in later features (statistics, storage).

* ``question_answered(answer: Answer, guild_id: int | None, user_id: int)``: after every question,
  by slash command, mention or DM, whatever its kind; `guild_id` is None in DMs; `user_id` is the
  asker's (stored by the insights cog only when STORE_USER_IDS is on).
* ``answer_feedback(feedback: AnswerFeedback)``: a user pressed 👍 or 👎 under an answer.

Listen with ``@commands.Cog.listener()`` on ``on_question_answered`` / ``on_answer_feedback``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.schema import Lang

QUESTION_ANSWERED = "question_answered"
ANSWER_FEEDBACK = "answer_feedback"


@dataclass(frozen=True, slots=True)
class AnswerFeedback:
    """One 👍/👎 press: which answer, by whom, where, and the question it answered."""

    entry_id: str
    helpful: bool
    guild_id: int | None
    user_id: int
    lang: Lang
    question: str
