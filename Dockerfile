# The bot in a container: `python -m bot run`, every setting from the environment at run time.
# The image holds no token and no .env (.dockerignore): pass them with `--env-file .env` or compose.
#
#   docker build -t lemans-bot .
#   docker run --env-file .env -v lemans-data:/app/data lemans-bot
#
# The knowledge files are baked in at /app/knowledge; mount a folder over it (read-only is enough)
# to edit them without rebuilding, as compose.yaml does, and /reload picks the edits up.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KNOWLEDGE_DIR=/app/knowledge \
    DATABASE_PATH=/app/data/insights.sqlite3 \
    CACHE_DIR=/app/data/cache

WORKDIR /app
COPY pyproject.toml README.md .ci/constraints.txt ./
COPY bot ./bot
# The versions CI tested (.ci/constraints.txt), not whatever is newest on the day of the build
RUN pip install -c constraints.txt . && rm -rf build constraints.txt
COPY knowledge ./knowledge

# An unprivileged user; it may write only the data folder (SQLite, unused with DATABASE_URL; the knowledge cache).
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin lemans \
    && mkdir -p /app/data && chown lemans /app/data
USER lemans
VOLUME ["/app/data"]
# METRICS_PORT, when it is set to this port
EXPOSE 9108

CMD ["python", "-m", "bot", "run"]
