# Portcullis API image: `docker build -t portcullis .` then
# `docker run -p 8000:8000 -e DATABASE_URL=postgres://user:pass@host:5432/db portcullis`.
# Without DATABASE_URL it uses a SQLite file in /app/data (mount a volume there to keep it).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Build and install the project (a regular, non-editable install into site-packages).
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir . \
    && rm -rf build *.egg-info

# Run as an unprivileged user from a directory it owns (the default SQLite file lives in ./data).
RUN useradd --system --create-home --home-dir /home/portcullis --shell /usr/sbin/nologin portcullis \
    && mkdir -p /app/data \
    && chown -R portcullis:portcullis /app
WORKDIR /app
USER portcullis

EXPOSE 8000

# /healthz answers 200 when the database answers, 503 otherwise (urlopen raises on 503).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# `serve` applies the migrations before it starts listening.
CMD ["portcullis", "serve", "--host", "0.0.0.0", "--port", "8000"]
