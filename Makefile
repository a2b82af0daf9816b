# EduCRM: the two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGE_FILES := $(sort $(wildcard services/kit/pyproject.toml) $(wildcard services/*/pyproject.toml) $(wildcard gateway/pyproject.toml))
PACKAGES := $(dir $(PACKAGE_FILES))
SERVICES_WITH_DB := $(patsubst services/%/migrations/env.py,%,$(wildcard services/*/migrations/env.py))
PYTEST := $(BIN)/pytest -q

.PHONY: doctor run test test-fast bench bench-gateway bench-leads bench-scheduling lint proto install servers bus migrate seed clean help

help:
	@echo "make run              start the whole system with demo data (gateway on 127.0.0.1:$${EDUCRM_GATEWAY_PORT:-8000})"
	@echo "make test             install what is needed and run the whole suite"
	@echo "make bench            gateway (beside a minimal FastAPI floor), a read through the real"
	@echo "                      identity api (beside a grpcio floor), event bus (beside raw pika)"
	@echo "                      and audit ingestion (beside the gateway's audit rate)"
	@echo "                      and customer search through the gateway at 100k and 1M customers"
	@echo "make bench-leads      customer search only (lookups by phone, ID number, full text)"
	@echo "make bench-scheduling CB-CTT solver on comp01-comp07, 30 s each"
	@echo "make lint | proto     ruff | regenerate gRPC stubs"
	@echo "make doctor           the production check of every process (docs/production.md)"

# The virtual environment is rebuilt when the pins or any package's metadata change.
$(BIN)/.installed: constraints.txt requirements-dev.txt $(PACKAGE_FILES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt --upgrade pip setuptools wheel
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	@touch $@

install: $(BIN)/.installed

servers:
	@tools/ensure_servers.sh rabbitmq redis

bus: install servers
	$(BIN)/educrm-bus declare

migrate: install
	@for svc in $(SERVICES_WITH_DB); do echo "migrating $$svc"; $(BIN)/educrm-migrate $$svc || exit 1; done

seed: migrate
	@EDUCRM_DEMO=1 $(BIN)/python tools/seed_demo.py

run: install servers bus seed
	@echo "EduCRM: gateway on http://127.0.0.1:$${EDUCRM_GATEWAY_PORT:-8000}/docs (Ctrl-C stops everything)"
	$(BIN)/honcho start -f Procfile

# Two pytest sessions: nameko tests need eventlet's monkey patching, grpcio and asyncio must
# not have it (see conftest.py).
test: install
	@tools/ensure_servers.sh rabbitmq redis postgres
	$(PYTEST) -m "not eventlet"
	EDUCRM_TEST_EVENTLET=1 $(PYTEST) -m eventlet

# Exits non-zero while the configuration in the environment is not fit for production.
doctor: install
	@$(BIN)/educrm-doctor

bench: install servers
	@tools/ensure_servers.sh postgres
	$(BIN)/python bench/gateway/bench_gateway.py
	$(BIN)/python bench/gateway/bench_read_path.py
	$(BIN)/python bench/bus/bench_outbox.py
	$(BIN)/python bench/bus/bench_audit_ingest.py
	$(BIN)/python bench/leads/bench_customer_lookups.py

bench-gateway: bench

bench-leads: install servers
	@tools/ensure_servers.sh postgres
	$(BIN)/python bench/leads/bench_customer_lookups.py

bench-scheduling: install
	$(BIN)/python services/scheduling/bench/cbctt_bench.py --time-limit $${TIME_LIMIT:-30}

lint: install
	$(BIN)/ruff check .

proto: install
	$(BIN)/python tools/gen_protos.py

clean:
	rm -rf var
