# attest: API (default command) or Celery worker (`attest worker`). Multi-stage: the build stage runs the same
# install command as the README (`make install`: Debian CJK fonts and Tesseract, the venv with attest and its
# pinned-by-range dependencies, the OCR models inside the rapidocr wheel); the runtime stage copies the venv and
# runs as an unprivileged user. Nothing is downloaded when the container starts.
FROM python:3.11-slim-bookworm AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        make gcc libc6-dev fontconfig && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml setup.py README.md Makefile ./
COPY attest ./attest
COPY eval ./eval
COPY prompts ./prompts
COPY tests/data/samples ./tests/data/samples
# The README's setup command. An editable install would point into /app; the runtime needs a real one.
RUN make install && .venv/bin/pip install -q --no-deps --force-reinstall . \
    && .venv/bin/python -c "from attest.ocr import create_ocr_engine; from attest.settings import OcrSettings; create_ocr_engine(OcrSettings())"

FROM python:3.11-slim-bookworm AS runtime
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        fonts-noto-cjk fonts-wqy-microhei fontconfig libgl1 libglib2.0-0 && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin attest \
    && mkdir -p /data && chown attest /data
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY --from=build /app/tests/data/samples /app/samples
ENV PATH=/app/.venv/bin:$PATH \
    ATTEST_DATA_DIR=/data \
    PYTHONUNBUFFERED=1
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["attest", "service", "run", "--host", "0.0.0.0", "--port", "8000"]
