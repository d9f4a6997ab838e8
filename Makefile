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


# --- Debian packages (packaging/debian/; needs root: mmdebstrap, chroot) ---------------------
DEB_ENV := env PATH=/usr/sbin:/usr/bin:/sbin:/bin

.PHONY: debs repo test-debian

## build splynx-host and every plugins/*/ add-on as .debs into build/debs/ (lintian-checked)
debs:
	$(DEB_ENV) sh packaging/debian/ci-deps.sh
	$(DEB_ENV) /usr/bin/python3 packaging/debian/build_debs.py --all --out build/debs

## signed apt repository of build/debs/ in build/repo/ (throwaway key unless REPO_GNUPGHOME is set)
repo: debs
	$(DEB_ENV) sh packaging/debian/mkrepo.sh build/repo build/debs/*.deb

## install test: build, sign, apt-get install/upgrade/remove/purge in a Debian 13 chroot
test-debian: venv
	$(DEB_ENV) sh packaging/debian/ci-deps.sh
	$(DEB_ENV) $(BIN)/pytest packaging/debian/tests --confcutdir=packaging/debian/tests -p no:cacheprovider -v -s
