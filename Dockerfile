# Production image: gunicorn (web), `python -m newsroom.worker` (tasks) or migrate,
# configured entirely by environment; nginx runs from the official image (compose).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=newsroom.settings.prod

RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# collectstatic needs settings to import; these throwaway values never reach runtime.
RUN SECRET_KEY=build ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build \
    EMAIL_URL=consolemail:// python manage.py collectstatic --no-input -v 0

RUN useradd --system --uid 1000 newsroom && mkdir -p /app/var/media /app/var/cache && chown -R newsroom /app/var
USER newsroom
EXPOSE 8000
# The web container's health check is `python -m newsroom.healthcheck` (compose sets
# it on web only: the worker and migrate containers run from this image too).
CMD ["gunicorn", "newsroom.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--forwarded-allow-ips", "*", "--no-control-socket", "--access-logfile", "-"]
