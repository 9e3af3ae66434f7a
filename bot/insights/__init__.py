"""What admins learn from the bot's use: unanswered questions and unhelpful answers. No discord import."""
