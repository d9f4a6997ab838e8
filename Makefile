# splynx-host: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8080
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/*/setup.cfg)

.PHONY: demo test venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml requirements/test.txt $(PLUGINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e . $(foreach p,$(dir $(PLUGINS)),-e $(p)) -r requirements/test.txt
	touch $@

## run the demo on SQLite: seeds data, serves on 127.0.0.1:$(PORT)
demo: venv
	SPLYNX_INSTANCE_PATH=$(CURDIR)/instance $(BIN)/splynx demo --port $(PORT)

## run the whole test suite (SQLite unless SPLYNX_DATABASE_URL is set)
test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance build test-artifacts
