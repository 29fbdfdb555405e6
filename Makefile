# Banso — the two commands of the README, and what they stand on.
# Works with only Python 3.11, make and git: everything else is installed into .venv, exactly as locked in
# requirements/*.lock (every package pinned with its hashes).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
MAIN_LOCK := requirements/main.lock
DEV_LOCK := requirements/dev.lock
# WHEELHOUSE=folder installs from a folder of wheels with no network (make wheelhouse writes one).
WHEELHOUSE ?=
FROM := $(if $(WHEELHOUSE),--no-index --find-links $(abspath $(WHEELHOUSE)),)
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test install install-main messages catalogue lint check-messages lock wheelhouse clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 が見つかりません / Python 3.11 is required ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# What running Banso needs, then Banso itself (built with the locked setuptools, no build isolation: nothing
# is fetched behind the lock's back).
$(VENV)/.installed-main: $(BIN)/python pyproject.toml $(MAIN_LOCK)
	$(PIP) install --quiet --require-hashes $(FROM) -r $(MAIN_LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation $(FROM) -e .
	@touch $@

# What developing and testing it needs on top.
$(VENV)/.installed-dev: $(VENV)/.installed-main $(DEV_LOCK)
	$(PIP) install --quiet --require-hashes $(FROM) -r $(DEV_LOCK)
	@touch $@

install-main: $(VENV)/.installed-main messages-main
install: $(VENV)/.installed-dev messages-main

# Compiled catalogues are build output: made from the .po with polib, no gettext tools needed.
messages-main: $(VENV)/.installed-main
	@$(BIN)/python scripts/i18n.py compile
messages: messages-main

demo: install-main
	$(BIN)/banso manage migrate --no-input -v0
	$(BIN)/banso demo
	$(BIN)/banso serve --port $(PORT)

# Two processes by default (xdist; the machines this runs on have two cores); PYTEST_ARGS narrows a run:
#   make test PYTEST_ARGS="banso/tracking -k reminder"
PYTEST_ARGS ?=
test: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy banso

# Rewrite the lock files after changing pyproject.toml (needs the package index).
lock: install
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --generate-hashes --universal --python-version 3.11 -q -o $(MAIN_LOCK)
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra dev --generate-hashes --universal --python-version 3.11 -q -o $(DEV_LOCK)

# Every wheel `make demo` needs, into one folder to carry to a machine without internet (LGWAN). For another
# kind of machine name it: make wheelhouse PLATFORM=win_amd64 (or manylinux2014_aarch64 …).
WHEELHOUSE_DIR ?= wheelhouse
PLATFORM ?=
wheelhouse: $(BIN)/python
	$(PIP) download --quiet --require-hashes --only-binary=:all: --dest $(WHEELHOUSE_DIR) \
	  $(if $(PLATFORM),--platform $(PLATFORM) --python-version 3.11 --implementation cp,) -r $(MAIN_LOCK)
	@echo "$(WHEELHOUSE_DIR)/ に $$(ls $(WHEELHOUSE_DIR) | wc -l) 個の wheel を書き出しました。オフラインの端末で: make demo WHEELHOUSE=$(WHEELHOUSE_DIR)"

# Extract messages into the Japanese catalogue (needs GNU gettext's xgettext), then translate them.
catalogue: install
	cd banso && ../$(BIN)/banso manage makemessages -l ja --no-location --no-obsolete --ignore "*/tests/*" -v0

check-messages: install
	$(BIN)/python scripts/i18n.py check

clean:
	rm -rf $(VENV) var
