# HCC portal: everyday commands. A fresh machine needs only Python 3.11+ and make.
#
#   make run     serve the portal with demo data on http://127.0.0.1:8000 (make run PORT=8101 ...)
#   make test    run the test suite on SQLite (make test PYTEST_ARGS="-k catalog -x")
#   make bench   the benchmarks in benchmarks/ (the load benchmark needs DATABASE_URL=postgres://...)

PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
TSA_PORT ?= 8318
SMS_DEMO_PORT ?= 8125
PYTEST_ARGS ?=
DEMO_DOSSIERS ?= 40
# The address in the links the portal sends (SMS, e-mail, QR codes): the server's own, unless set.
SITE_URL := $(or $(HCC_SITE_URL),http://$(HOST):$(PORT))
GATEWAY_PORT ?= 8212
DEMO_MERCHANT ?= HCCDEMO1
# Only for the loopback demo gateway that make run starts; a real merchant's secret comes from .env.
DEMO_PAYMENT_SECRET ?= demo-loopback-gateway-secret
NATIONAL_DEMO_PORT ?= 8213
VNEID_DEMO_PORT ?= 8313

.PHONY: run test bench install migrate messages seed lint clean

## Serve the embedded default: SQLite in var/, Celery tasks run eagerly, mail and SMS to the console.
## The loopback payment gateway (payments/gateway_server.py), a national public service portal of
## our own (NATIONAL_DEMO_PORT) with the sender of the sync messages, an OpenID Connect provider
## standing in for VNeID (VNEID_DEMO_PORT), the demo RFC 3161 time-stamping server
## (receipts/timestamp_server.py, on TSA_PORT: papers are signed with the demo certificates seed_demo
## made, and timestamped) and an SMS gateway of our own (SMS_DEMO_PORT, it dedupes on the
## Idempotency-Key) run beside it for the demo, and stop with it.
run: install migrate messages seed
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop); demo payment gateway on http://127.0.0.1:$(GATEWAY_PORT)/"
	@export NATIONAL_PORTAL_URL="$${NATIONAL_PORTAL_URL:-http://127.0.0.1:$(NATIONAL_DEMO_PORT)}" \
	  NATIONAL_PORTAL_USERNAME="$${NATIONAL_PORTAL_USERNAME:-hcc-demo}" NATIONAL_PORTAL_PASSWORD="$${NATIONAL_PORTAL_PASSWORD:-hcc-demo}" \
	  NATIONAL_PORTAL_UNIT_CODE="$${NATIONAL_PORTAL_UNIT_CODE:-000.00.00.H99}" \
	  VNEID_ISSUER="$${VNEID_ISSUER:-http://127.0.0.1:$(VNEID_DEMO_PORT)}" \
	  VNEID_CLIENT_ID="$${VNEID_CLIENT_ID:-hcc-demo}" VNEID_CLIENT_SECRET="$${VNEID_CLIENT_SECRET:-hcc-demo-secret}" \
	  PAYMENT_GATEWAY_URL="$${PAYMENT_GATEWAY_URL:-http://127.0.0.1:$(GATEWAY_PORT)/paymentv2/vpcpay.html}" \
	  PAYMENT_QUERY_URL="$${PAYMENT_QUERY_URL:-http://127.0.0.1:$(GATEWAY_PORT)/merchant_webapi/api/transaction}" \
	  PAYMENT_MERCHANT_CODE="$${PAYMENT_MERCHANT_CODE:-$(DEMO_MERCHANT)}" \
	  PAYMENT_HASH_SECRET="$${PAYMENT_HASH_SECRET:-$(DEMO_PAYMENT_SECRET)}" \
	  SMS_BACKEND="$${SMS_BACKEND:-http}" SMS_GATEWAY_URL="$${SMS_GATEWAY_URL:-http://127.0.0.1:$(SMS_DEMO_PORT)/sms}" \
	  SMS_GATEWAY_DEDUPES="$${SMS_GATEWAY_DEDUPES:-1}"; \
	$(PY) -m payments.gateway_server --port $(GATEWAY_PORT) --merchant $(DEMO_MERCHANT) \
	  --secret "$(DEMO_PAYMENT_SECRET)" --ipn-url "http://$(HOST):$(PORT)/thanh-toan/ipn/" & gateway=$$!; \
	$(PY) -m national.portal_server --port $(NATIONAL_DEMO_PORT) --state var/national-portal.json \
	  --catalog procedures/demo/catalog.json & portal=$$!; \
	$(PY) -m accounts.vneid_provider --port $(VNEID_DEMO_PORT) --redirect-uri http://$(HOST):$(PORT)/tai-khoan/vneid/ve/ & oidc=$$!; \
	$(PY) manage.py national_sync --loop & sync=$$!; \
	$(PY) manage.py serve_demo_tsa --port $(TSA_PORT) & tsa=$$!; \
	$(PY) manage.py sms_gateway --port $(SMS_DEMO_PORT) & sms=$$!; \
	trap 'kill $$gateway $$portal $$oidc $$sync $$tsa $$sms 2>/dev/null' INT TERM EXIT; \
	DEBUG=1 HCC_CENTER_NAME="$${HCC_CENTER_NAME:-Trung tâm Phục vụ Hành chính công tỉnh Sơn Hà}" \
	HCC_SIGNING_TSA_URL="$${HCC_SIGNING_TSA_URL-http://127.0.0.1:$(TSA_PORT)/}" \
	HCC_SITE_URL="$(SITE_URL)" $(PY) manage.py runserver $(HOST):$(PORT)

## Run the tests (SQLite unless DATABASE_URL says otherwise). pytest's "no tests collected" is not a failure.
test: install messages
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): nothing to run, not a failure."; rc=0; fi; \
	exit $$rc

## Run every benchmarks/bench_*.py in turn (each standalone; results printed, tables kept in benchmarks/).
bench: install
	$(VENV)/bin/uv sync --frozen --inexact --group bench
	@failed=""; for script in benchmarks/bench_*.py; do \
	  echo "======== $$script"; \
	  $(PY) $$script || failed="$$failed $$script"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi

## Create .venv and install the locked dependencies (again only when pyproject.toml or uv.lock change).
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "Python 3.11 or newer is needed: make PYTHON=python3.12 ..."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --frozen --inexact
	touch $@

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

## Compile translations (locale/*/LC_MESSAGES/*.po -> .mo) with Babel: no gettext needed.
messages: install
	@for domain in django djangojs; do \
	  if ls locale/*/LC_MESSAGES/$$domain.po >/dev/null 2>&1; then \
	    $(VENV)/bin/pybabel compile -d locale -D $$domain || exit 1; \
	  fi; \
	done

## The demo data of seed_demo; safe to run again. Prints the URL and the demo logins.
seed: migrate
	HCC_SITE_URL="$(SITE_URL)" $(PY) manage.py seed_demo --dossiers $(DEMO_DOSSIERS)

## The linter and the formatting check, as CI runs them (ruff format . fixes the formatting).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Remove what install and the tools built. Keeps var/ (the SQLite database and uploads): rm -rf var to reset.
clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-results
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find locale -name '*.mo' -delete 2>/dev/null || true
