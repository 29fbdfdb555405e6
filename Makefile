# Banso — the two commands of the README, and what they stand on.
# Works with only Python 3.11, make and git: everything else is installed into .venv.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: demo test install messages catalogue lint check-messages clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 が見つかりません / Python 3.11 is required ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed messages

# Compiled catalogues are build output: made from the .po with polib, no gettext tools needed.
messages: $(VENV)/.installed
	@$(BIN)/python scripts/i18n.py compile

demo: install
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

# Extract messages into the Japanese catalogue (needs GNU gettext's xgettext), then translate them.
catalogue: install
	cd banso && ../$(BIN)/banso manage makemessages -l ja --no-location --no-obsolete --ignore "*/tests/*" -v0

check-messages: install
	$(BIN)/python scripts/i18n.py check

clean:
	rm -rf $(VENV) var
