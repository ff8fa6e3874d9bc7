# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test install install-test lint format node-deps db demo bench clean messages translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# Compiled catalogues (.mo) are built from the committed .po files, never committed themselves.
TRANSLATIONS := planner/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -l $* -d $(TRANSLATIONS)

translations: $(COMPILED)

# Gather the strings to translate and merge them into every catalogue (then translate the .po).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k lazy_ngettext:1,2 -k N_ \
		--project "Remembrance Planner" --version 0.1.0 --no-location --sort-output \
		-o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--no-fuzzy-matching --ignore-obsolete
	@$(MAKE) --no-print-directory translations

# Installing also compiles the catalogues, so `make run` and `make test` always have them.
install: $(VENV)/.installed
	@$(MAKE) --no-print-directory translations

install-test: $(VENV)/.installed-test
	@$(MAKE) --no-print-directory translations

# Node is optional: without it, the ical.js, HTML-checker and axe tests skip with a reason.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the Node-based checks will be skipped"; fi

node-deps: node_modules/.installed

db: install
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo load

run: demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-test
	-@$(MAKE) --no-print-directory node-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# gunicorn (production configuration) against a bare Flask app serving the same bytes, driven
# by wrk (Debian package); writes bench/RESULTS.md. E.g. make bench BENCH_ARGS="--events 1000
# --postgres-events 0" for one small SQLite size only.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .ruff_cache
