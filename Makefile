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

# Collections that Galaxy would give (ansible.posix, community.general,
# containers.podman), unpacked from the pinned `ansible` wheel by
# `make collections`, and this checkout as boltfoundry.infra: ansible-lint and
# molecule find them here.
COLLECTIONS := $(abspath .collections)
lint molecule sandbox sandbox-down: export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)/self:$(COLLECTIONS)/bundled
SANDBOX_ENV := .sandbox/endpoints.env

.PHONY: help venv lock collections lint sanity unit integration molecule test bench clean sandbox sandbox-down

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

collections: venv ## Unpack the collections lint and molecule need from the pinned ansible wheel (no Galaxy)
	$(BIN)/python tools/test_collections.py

lint: venv collections ## ruff (lint + format check), yamllint, ansible-lint (production profile)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint --strict .
	$(BIN)/antsibull-changelog lint
	$(BIN)/ansible-lint

sanity: venv ## ansible-test sanity from a temporary ansible_collections tree
	$(BIN)/python tools/ansible_test_sanity.py

unit: venv ## Unit tests (pytest tests/unit)
	$(PYTEST) tests/unit

integration: venv collections ## Integration tests: real ansible-playbook and SDKs against the sandbox simulators
	$(PYTEST) tests/integration

molecule: venv collections ## The host role on local systemd containers (podman, runc, debootstrap: see .ci/run)
	image=$$(tools/molecule_image.sh); BF_MOLECULE_IMAGE=$$image $(BIN)/molecule test --scenario-name host

test: lint sanity unit integration molecule ## Everything CI runs

# The main job offline, end to end, with no accounts: the simulators (left
# running for `python -m sandbox status`), a local stand-in host for the server
# (tools/standin), site.yml with inventories/sandbox. Idempotent: run it again
# and site.yml changes nothing. Kamal there is a STAND-IN.
sandbox: venv collections ## site.yml offline against the simulators, a stand-in host and a STAND-IN kamal
	$(BIN)/python -m sandbox up
	image=$$(tools/molecule_image.sh); set -a; . $(SANDBOX_ENV); set +a; \
	  $(BIN)/ansible-playbook tools/standin/sandbox.yml -e standin_image=$$image; \
	  $(BIN)/ansible-playbook playbooks/site.yml -i inventories/sandbox --diff
	@echo
	@echo "NOTE: kamal in the sandbox is a STAND-IN (tests/harness/kamal_standin), NOT Kamal: it checked the config and"
	@echo "      secrets as Kamal reads them and recorded the deploy in .sandbox/standins/kamal/kamal-standin-state.json;"
	@echo "      nothing was built, pushed or started. The server is the local container $$($(BIN)/python -m sandbox.standins | sed -n 's/^BF_SANDBOX_STANDIN=//p')."
	$(BIN)/python -m sandbox status

sandbox-down: venv collections ## Remove make sandbox's stand-in host (container, loop device) and stop the simulators
	set -a; eval "$$($(BIN)/python -m sandbox.standins)"; set +a; \
	  $(BIN)/ansible-playbook tools/standin/sandbox.yml -e standin_state=absent
	$(BIN)/python -m sandbox down

bench: venv ## Benchmarks (figures, not pass/fail)
	$(BIN)/python -m benchmarks

clean: ## Remove caches and build outputs (keeps .venv)
	rm -rf .pytest_cache .ruff_cache build dist tests/output
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +
