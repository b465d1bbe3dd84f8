FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
RUN pip install . && useradd --create-home --uid 10001 blk && mkdir -p /app/data && chown blk /app/data

USER blk
VOLUME ["/app/data"]
# Applies migrations, then long-polls Telegram.
CMD ["blk-bot", "run"]
