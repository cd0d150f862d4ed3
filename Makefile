# Two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask
PYBABEL := $(VENV)/bin/pybabel
export FLASK_APP := wsgi
TRANSLATIONS := learnhub/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install translations messages db courses demo clean

run: install translations db courses demo
	@echo "LearnHub is at http://127.0.0.1:5000  (Ctrl-C stops it)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install translations
	$(PY) -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Compiled catalogues are build output; the .po files are the source. The Chinese
# catalogue sits in zh/: Babel reads zh_CN as zh_Hans_CN, and gettext falls back to zh.
translations: $(MO_FILES)

%.mo: %.po | install
	$(PYBABEL) compile --statistics -i $< -o $@

# Extract every marked string and merge it into the catalogues (run after changing text).
messages: install
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(PYBABEL) update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

db: install
	$(FLASK) db upgrade

courses: install
	$(FLASK) courses import courses/

demo: install
	$(FLASK) demo load

clean:
	rm -rf $(VENV) instance/learnhub.sqlite3 $(MO_FILES)

# The benchmark (bench/run.py): seeds, serves under gunicorn, drives with locust, writes
# bench/results/<db>.md and .json. `make bench` runs SQLite and PostgreSQL (the server of
# BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1/bench_learnhub);
# `make bench DB=sqlite` or `DB=postgres` runs one. BENCH_WORKERS, BENCH_SECONDS tune it.
DB ?= all
.PHONY: bench
bench: $(VENV)/.bench-installed translations
	$(PY) bench/run.py --db $(DB)

$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@
