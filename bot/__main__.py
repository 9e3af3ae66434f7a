"""`python -m bot …`: the same commands as the `lemans-bot` console script."""

import sys

from bot.cli import main

sys.exit(main())
