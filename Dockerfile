# Mixco Plan Bot — runtime image. Install steps are the README's (pip install .).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
COPY db ./db
RUN pip install . && useradd --create-home --uid 10001 mixco && mkdir -p /app/data && chown mixco /app/data

USER mixco
ENV DATABASE_URL=sqlite+aiosqlite:////app/data/mixco.db
CMD ["python", "-m", "bot", "run"]
