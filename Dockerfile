# Osez production image: one image for web (uvicorn), worker and beat (celery). See docker-compose.yml.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext for compilemessages; Pango for WeasyPrint's PDFs (core/pdf.py; the fonts are in
# static/fonts); nothing else is needed at run time (psycopg ships its libpq).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes do not reinstall them (pyproject installs no package code).
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Translations and static files are built into the image, as the osez user will not write /app.
RUN python manage.py compilemessages --ignore '.venv' -v 0
RUN python manage.py collectstatic --no-input -v 0

RUN useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin osez \
    && mkdir -p /data/media /data/beat \
    && chown -R osez:osez /data
USER osez

EXPOSE 8000
# The web service's command (docker-compose.yml sets the same, with its variables).
CMD ["sh", "-c", "exec uvicorn config.asgi:application --host 0.0.0.0 --port \"${PORT:-8000}\" --workers \"${WEB_PROCESSES:-2}\" --backlog \"${WEB_BACKLOG:-2048}\" --proxy-headers --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS:-127.0.0.1}\" --lifespan off --no-access-log --timeout-graceful-shutdown 20"]
