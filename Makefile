# qunguan: every task runs inside .venv, which the first target that needs it creates.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
READY := $(VENV)/.ready

.PHONY: run demo test lint typecheck unit bench fuzz load package clean

$(READY): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(READY)

## The local stack: embedded DynamoDB (moto), a recording fake of the messenger APIs, `chalice local`.
run: $(READY)
	PORT=$(PORT) $(BIN)/python -m local.stack

## A scripted conversation, signed and encrypted for each platform, sent to the running stack.
demo: $(READY)
	PORT=$(PORT) $(BIN)/python -m local.demo

## The README's test command: lint, types, and the whole suite.
test: $(READY) lint typecheck unit

lint: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(READY)
	$(BIN)/mypy

unit: $(READY)
	$(BIN)/python -m pytest

bench: $(READY)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) out .local .pytest_cache .mypy_cache .ruff_cache
