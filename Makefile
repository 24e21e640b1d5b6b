# Every target installs what it needs first, so each works on a fresh machine of this kind.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLES := tests/data/samples

.PHONY: run run-cluster check test lint bench system-deps browser-deps deploy-deps install clean

system-deps:
	@# CJK fonts render the synthetic invoices; apt is only called when a font is missing.
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fonts-wqy-microhei fontconfig >/dev/null; \
	fi
	@# Tesseract 5 with simplified Chinese is the OCR baseline the evaluation compares against.
	@if ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-chi-sim >/dev/null; \
	fi

browser-deps:
	@# The reviewer page tests drive Debian's Chromium through Playwright (Playwright's own download is not used).
	@if ! [ -x /usr/bin/chromium ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

deploy-deps:
	@# The deployment test validates docker-compose.yml with Compose; no Docker engine is needed for that.
	@if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; \
	fi

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,eval]'
	touch $(STAMP)

install: system-deps $(STAMP)

run: install
	@# Three demo merchants, written fresh so that their year of takings ends yesterday (eval/demo.py).
	$(BIN)/python -m eval.demo var/demo >/dev/null
	$(BIN)/attest service run --demo --demo-documents var/demo

# The multi-process topology on 127.0.0.1: API, one Celery worker per core (the machine's Redis as broker),
# PostgreSQL (database attest_cluster), a Chroma server, blobs under var/cluster.
run-cluster: install
	$(BIN)/attest service cluster

check: install
	$(BIN)/attest check $(SAMPLES)/*.pdf $(SAMPLES)/*.png $(SAMPLES)/*.jpg

lint: install
	$(BIN)/ruff check attest eval tests prompts setup.py
	$(BIN)/mypy attest eval
	$(BIN)/lint-imports

test: lint browser-deps deploy-deps
	$(BIN)/python -m pytest --cov=attest --cov-report=term $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m eval.bench
	$(BIN)/python -m eval.bench_patterns
	$(BIN)/python -m eval.bench_service
	$(BIN)/python -m eval.bench_310
	$(BIN)/python -m eval.stage_costs
	$(BIN)/python -m eval.bench_web
	$(BIN)/python -m eval.bench_einvoice
	$(BIN)/python -m eval.bench_statement

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
