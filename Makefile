# splynx-host: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
# the demo runs in its own environment without add-ons: they are installed from Config → Integrations → Add-ons
DEMO_VENV ?= .venv-demo
PORT ?= 8080
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/*/setup.cfg)

.PHONY: demo demo-reset test venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml requirements/test.txt $(PLUGINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[icons]" $(foreach p,$(dir $(PLUGINS)),-e $(p)) -r requirements/test.txt
	touch $@

$(DEMO_VENV)/.installed: setup.cfg pyproject.toml requirements/simulators.txt
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/pip install -q --upgrade pip
	$(DEMO_VENV)/bin/pip install -q -e ".[icons]" -r requirements/simulators.txt
	touch $@

## run the demo on SQLite: seeds data, builds the add-on wheelhouse from plugins/, serves on 127.0.0.1:$(PORT),
## gateway simulators on the next ports (DEMO_ARGS="--simulator-port ippay=9000" to choose)
demo: $(DEMO_VENV)/.installed
	SPLYNX_INSTANCE_PATH=$(CURDIR)/instance SPLYNX_PUBLIC_URL=$${SPLYNX_PUBLIC_URL:-http://127.0.0.1:$(PORT)} \
		$(DEMO_VENV)/bin/splynx demo --port $(PORT) $(if $(wildcard plugins),--plugins plugins) $(DEMO_ARGS)

## start the demo afresh: drop its data (instance/) and the add-ons installed from the Add-ons page
demo-reset:
	rm -rf instance
	if [ -x $(DEMO_VENV)/bin/pip ]; then \
		addons=$$($(DEMO_VENV)/bin/pip list --format=freeze 2>/dev/null | sed -n 's/^\(splynx-[a-z0-9-]*\)==.*/\1/p' | grep -vx splynx-host); \
		if [ -n "$$addons" ]; then $(DEMO_VENV)/bin/pip uninstall -q -y $$addons; fi; \
	fi

## run the whole test suite (SQLite unless SPLYNX_DATABASE_URL is set)
test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_VENV) instance build test-artifacts


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
