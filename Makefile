# qunguan: every task runs inside .venv, which the first target that needs it creates.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
READY := $(VENV)/.ready
TOOLS := $(VENV)/tools
PACKAGE_READY := $(TOOLS)/.ready
REGION ?= us-east-1

.PHONY: run demo test lint typecheck unit bench fuzz load package clean

## The project itself goes in editable, with no dependencies of its own (they are pinned above): that
## installs the `qunguan` command into .venv/bin, working from any directory.
$(READY): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(READY)

## The local stack: embedded DynamoDB (moto), a recording fake of the messenger APIs, `chalice local`.
run: $(READY)
	PORT=$(PORT) $(BIN)/python -m local.stack

## A scripted conversation, signed and encrypted for each platform, sent to the running stack.
demo: $(READY)
	PORT=$(PORT) $(BIN)/python -m local.demo

## A month of activity for a sample group, assessed by the worker: the HTML report and charts in out/report-demo/.
.PHONY: report-demo
report-demo: $(READY)
	$(BIN)/python -m local.report_demo

## The README's test command: lint (ruff, and the import layers of .importlinter), types, and the whole suite.
test: $(READY) lint typecheck unit

lint: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(READY)
	$(BIN)/mypy

unit: $(READY)
	$(BIN)/python -m pytest

bench: $(READY)
	$(BIN)/python -m bench

## Fuzz every route and parser with 10 000 examples per test (CI runs a few dozen of each), and time every
## rule on 10 000 adversarial text families of 1 and 8 KB (tests/security/test_redos.py).
fuzz: $(READY)
	QG_FUZZ_PROFILE=fuzz $(BIN)/python -m pytest -q tests/reliability/test_fuzz_routes.py \
		tests/reliability/test_fuzz_parsers.py tests/security/test_redos.py

## A bounded burst of signed webhooks on loopback (2 000, 100 at a time): throughput, p50/p99 ack latency, errors.
load: $(READY)
	$(BIN)/python -m local.load

$(PACKAGE_READY): requirements-package.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet -r requirements-package.txt
	touch $@

## The deployable artefacts, out/sam.json and out/deployment.zip, checked by cfn-lint and checkov.
## No AWS credentials needed; chalice wants a region to pick the AWS partition (the template stays region-free).
package: $(READY) $(PACKAGE_READY)
	$(BIN)/python -m infra.build --check
	rm -rf out
	AWS_DEFAULT_REGION=$(REGION) $(BIN)/chalice package --stage prod --merge-template infra/template.json out/ \
		> $(VENV)/chalice-package.log 2>&1 || { cat $(VENV)/chalice-package.log; exit 1; }
	@cat $(VENV)/chalice-package.log
	@! grep -q "Could not install dependencies" $(VENV)/chalice-package.log || \
		{ echo "chalice left dependencies out of the zip (no Lambda wheel): see above"; exit 1; }
	$(TOOLS)/bin/cfn-lint out/sam.json
	$(TOOLS)/bin/checkov --config-file .checkov.yaml --file out/sam.json
	@echo "Lambda package: out/deployment.zip, $$(( $$(wc -c < out/deployment.zip) / 1024 )) KiB"

clean:
	rm -rf $(VENV) out .local .pytest_cache .mypy_cache .ruff_cache
