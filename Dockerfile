# Portcullis API image: `docker build -t portcullis .` then
# `docker run -p 8000:8000 -e DATABASE_URL=postgres://user:pass@host:5432/db portcullis`.
# Without DATABASE_URL it uses a SQLite file in /app/data (mount a volume there to keep it).
# docker-compose.yml runs it on PostgreSQL behind a reverse proxy; docs/operations.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src

# Dependencies first, in a layer of their own: exactly the versions and files of the lock
# (pip refuses any file whose hash differs), rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

# Then the code: a regular install into site-packages, nothing fetched (the lock brought
# setuptools, and every dependency is already there).
# (.dockerignore keeps tests, benchmarks, data and caches out of the context.)
COPY . .
RUN pip install --no-cache-dir --no-deps --no-build-isolation --no-index . \
    && rm -rf build *.egg-info

# Run as an unprivileged user from a directory it owns (the default SQLite file lives in ./data).
RUN useradd --system --create-home --home-dir /home/portcullis --shell /usr/sbin/nologin portcullis \
    && mkdir -p /app/data \
    && chown -R portcullis:portcullis /app
WORKDIR /app
USER portcullis

# Production defaults: no GraphiQL, no introspection, one JSON log line per request. Set any
# of them at run time to change it (docs/operations.md lists every variable).
ENV PORTCULLIS_GRAPHIQL=0 \
    PORTCULLIS_INTROSPECTION=0 \
    PORTCULLIS_LOG_FORMAT=json \
    PORTCULLIS_LOG_LEVEL=info

EXPOSE 8000

# /readyz answers 200 when the database answers and the migrations are applied.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status == 200 else 1)"]

# `serve` applies the migrations (under a lock) before it starts listening.
# PORTCULLIS_WORKERS (default 1) sets the processes; in compose, scale replicas instead.
CMD ["portcullis", "serve", "--host", "0.0.0.0", "--port", "8000"]
