# The bot in a container: `docker compose up -d --build` (see compose.yaml and README.md, "Docker").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data

RUN useradd --create-home --uid 10001 kiemtra

# LibreOffice renders the record to PDF (`/report`, `python -m bot report … --format pdf`); Liberation
# Serif stands in for Times New Roman with the same metrics, so pages break where they do in Word.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Only what the package needs: .env (the token), data/ and .venv must never end up in the image.
COPY pyproject.toml README.md ./
COPY app ./app
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install .

# A new named volume starts as a copy of this folder, so it is owned by the bot's user.
RUN mkdir /data && chown kiemtra:kiemtra /data
VOLUME /data

USER kiemtra
CMD ["python", "-m", "bot"]
