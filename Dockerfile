# The HCC portal image: one image for the web (gunicorn), worker and beat (Celery) containers.
# Built and run by docker-compose.yml; configuration comes from the environment (.env.example).
# The base: Python 3.11 on Debian 12. CI, which cannot reach Docker Hub, builds with a stand-in
# made from Debian's own packages (.ci/build-image: --build-arg BASE_IMAGE=...).
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    PATH=/opt/venv/bin:$PATH \
    STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media

# What the portal needs from the system. WeasyPrint (the printed papers as PDF): Pango and
# HarfBuzz's subsetter (libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0; fontconfig comes with
# them). Digitisation of scans (OCR to PDF/A with ocrmypdf, in a task): Tesseract with the
# Vietnamese data (English and the orientation data come with tesseract-ocr), Ghostscript, and
# unpaper and pngquant, which ocrmypdf uses for --clean and --optimize. .ci/smoke-production
# installs the same list on the CI machine and runs the production processes against it.
ARG SYSTEM_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 tesseract-ocr tesseract-ocr-vie ghostscript unpaper pngquant"
RUN apt-get update \
    && apt-get install -y --no-install-recommends $SYSTEM_PACKAGES \
    && rm -rf /var/lib/apt/lists/*

# The locked dependencies, without the development group, in /opt/venv.
RUN pip install uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3.11
# Fail the build, not the first citizen's receipt, if a PDF cannot be made or OCR cannot run.
RUN python -c "import weasyprint; assert weasyprint.HTML(string='<p>HCC</p>').write_pdf().startswith(b'%PDF')" \
    && tesseract --list-langs | grep -qx vie \
    && gs --version >/dev/null

COPY . .

# Translations (Babel, no gettext) and static files, at build time. The dummy key and database
# only let Django start; nothing is written to either.
RUN for domain in django djangojs; do \
        if ls locale/*/LC_MESSAGES/$domain.po >/dev/null 2>&1; then \
            pybabel compile -d locale -D $domain || exit 1; \
        fi; \
    done \
    && SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
       python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3*

# Run as an unprivileged user; it owns only var/ (uploaded files live in a volume there).
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home hcc \
    && mkdir -p /app/var/media \
    && chown -R hcc:hcc /app/var
USER hcc

EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
