# Mixco Plan Bot — runtime image. The install step is the README's (pip install . with the lock's
# versions, constraints.txt), so the test suite covers it. Default: the webhook server behind a load
# balancer (python -m bot webhook).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
COPY db ./db
RUN pip install -c constraints.txt . \
    && useradd --create-home --uid 10001 mixco \
    && mkdir -p /app/data && chown mixco /app/data

USER mixco
ENV DATABASE_URL=sqlite+aiosqlite:////app/data/mixco.db \
    WEBHOOK_LISTEN=0.0.0.0 \
    WEBHOOK_PORT=8080 \
    LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
CMD ["python", "-m", "bot", "webhook"]
