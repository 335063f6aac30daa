# The one way in. `make test` runs every check CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
REQUIREMENTS := requirements/runtime.txt requirements/dev.txt requirements/constraints.txt
STAMP := $(VENV)/.requirements.stamp

# The published reference files (hcloud OpenAPI spec, Kamal reference) live
# beside the checkout on our machines (or beside the worktree folder);
# conformance tests skip without them.
SPECS_DIR ?= $(abspath $(firstword $(wildcard ../shared/specs ../../shared/specs)))
export BF_SPECS_DIR := $(SPECS_DIR)
export PATH := $(BIN):$(PATH)

PYTEST := $(BIN)/pytest

# ansible-lint resolves boltfoundry.infra.* in roles from this checkout, linked
# as a collection under .collections/self (no build, no Galaxy).
COLLECTIONS := $(abspath .collections)
SELF_LINK := $(COLLECTIONS)/self/ansible_collections/boltfoundry/infra
lint: export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)/self

.PHONY: help venv lock lint sanity unit integration test bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create .venv from the pinned requirements (no-op when they have not changed)

$(STAMP): $(REQUIREMENTS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements/dev.txt -c requirements/constraints.txt
	@touch $@

lock: ## Re-pin requirements/constraints.txt from requirements/dev.txt
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/pip install --disable-pip-version-check --quiet -r requirements/dev.txt
	{ echo "# Full lock of every package the dev venv holds (pip freeze of requirements/dev.txt)."; \
	  echo "# Regenerate with: make lock"; $(VENV).lock/bin/pip freeze; } > requirements/constraints.txt
	rm -rf $(VENV).lock

lint: venv ## ruff (lint + format check), yamllint, ansible-lint (production profile)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint --strict .
	$(BIN)/antsibull-changelog lint
	@mkdir -p $(dir $(SELF_LINK)) && ln -sfn $(CURDIR) $(SELF_LINK)
	$(BIN)/ansible-lint

sanity: venv ## ansible-test sanity from a temporary ansible_collections tree
	$(BIN)/python tools/ansible_test_sanity.py

unit: venv ## Unit tests (pytest tests/unit)
	$(PYTEST) tests/unit

integration: venv ## Integration tests: real ansible-playbook and SDKs against the sandbox simulators
	$(PYTEST) tests/integration

test: lint sanity unit integration ## Everything CI runs

bench: venv ## Benchmarks (figures, not pass/fail)
	$(BIN)/python -m benchmarks

clean: ## Remove caches and build outputs (keeps .venv)
	rm -rf .pytest_cache .ruff_cache build dist tests/output
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +
