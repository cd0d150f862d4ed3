# Two commands: `make run` serves the demo, `make test` runs the whole suite.
# While editing: `make check` (ruff and the suite without the browser journeys).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask
PYBABEL := $(VENV)/bin/pybabel
export FLASK_APP := wsgi
TRANSLATIONS := learnhub/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

export CHROMIUM ?= /usr/bin/chromium

.PHONY: run test check install lock browser ffmpeg pdf-tools ralph translations messages db courses demo clean

# The site and, beside it, the task queue's consumer (headcounts, and later reminders and sending).
run: install translations ffmpeg db courses demo
	@echo "LearnHub is at http://127.0.0.1:5000  (Ctrl-C stops it and its task worker)"
	$(FLASK) tasks worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install translations ffmpeg browser pdf-tools
	$(PY) -m ruff check .
	$(PY) -m pytest

# The edit-test loop: what `make test` runs, less the browser journeys (tests/e2e).
check: install translations ffmpeg pdf-tools
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -m "not e2e"

install: $(VENV)/.installed

# requirements*.txt name the direct dependencies; requirements.lock pins every package they
# pull in, so that two machines install the same versions.
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c requirements.lock
	touch $@

# After changing a requirements file: `make lock`, then commit requirements.lock with it. It keeps
# the versions already locked where they still fit; `make lock UPGRADE=1` moves every package that
# no requirements file pins to its newest release. The benchmark's packages are locked too.
PIP_COMPILE := $(VENV)/bin/pip-compile
lock: $(PIP_COMPILE)
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_COMPILE) --quiet --strip-extras --no-emit-index-url \
	  --no-emit-find-links $(if $(UPGRADE),--upgrade) --output-file requirements.lock \
	  requirements-dev.txt requirements-bench.txt

$(PIP_COMPILE):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "$$(grep '^pip-tools==' requirements-dev.txt)"

# The browser journeys (tests/e2e) drive Debian's chromium, with a CJK font so that screenshots
# are readable, and check pages with axe-core from the npm registry. No browser is downloaded.
browser: node_modules/.package-lock.json
	@if ! test -x $(CHROMIUM) || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; \
	  else \
	    echo "make: no chromium; as root: apt-get install chromium fonts-wqy-microhei (until then the browser journeys are skipped)"; \
	  fi; \
	fi

# Uploaded videos get a small rendition for phones (core/video.py): Debian's ffmpeg, installed
# like chromium when missing. Without it uploads still work and the videos wait unconverted.
ffmpeg:
	@if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg; \
	  else \
	    echo "make: no ffmpeg; as root: apt-get install ffmpeg (until then videos get no phone rendition and its tests are skipped)"; \
	  fi; \
	fi

# Printable certificates (recognition/certificate.py) are drawn in Debian's CJK font; their test
# renders them with poppler's pdftoppm and reads them with pdffonts and pdftotext.
pdf-tools:
	@if ! command -v pdftoppm >/dev/null || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils fonts-wqy-microhei; \
	  else \
	    echo "make: no pdftoppm; as root: apt-get install poppler-utils fonts-wqy-microhei (until then the certificate test is skipped)"; \
	  fi; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
	elif [ -n "$$CI" ]; then echo "make: npm is needed for axe-core" >&2; exit 1; \
	else echo "make: no npm (until there is, the browser journeys are skipped)"; fi

# The xAPI tests send statements to a real Learning Record Store: Ralph (ralph-malph on PyPI),
# in a virtualenv of its own, since it pins a click older than Flask's. The test session makes
# it when missing (tests/lrs.py); requirements-ralph.txt pins every package it installs.
RALPH_VENV ?= .venv-ralph
ralph: $(RALPH_VENV)/.installed

$(RALPH_VENV)/.installed: requirements-ralph.txt
	test -x $(RALPH_VENV)/bin/python || $(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-ralph.txt
	touch $@

# Compiled catalogues are build output; the .po files are the source. The Chinese
# catalogue sits in zh/: Babel reads zh_CN as zh_Hans_CN, and gettext falls back to zh.
translations: $(MO_FILES)

%.mo: %.po | install
	$(PYBABEL) compile --statistics -i $< -o $@

# Extract every marked string and merge it into the catalogues (run after changing text).
messages: install
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(PYBABEL) update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

db: install
	$(FLASK) db upgrade

courses: install
	$(FLASK) courses import courses/

demo: install
	$(FLASK) demo load

clean:
	rm -rf $(VENV) $(RALPH_VENV) node_modules test-artifacts instance/learnhub.sqlite3 $(MO_FILES)

# The benchmark (bench/run.py): seeds, serves under gunicorn, drives with locust, writes
# bench/results/<db>.md and .json. `make bench` runs SQLite and PostgreSQL (the server of
# BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1/bench_learnhub);
# `make bench DB=sqlite` or `DB=postgres` runs one. BENCH_WORKERS, BENCH_SECONDS tune it.
DB ?= all
.PHONY: bench
bench: $(VENV)/.bench-installed translations
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "make: no wrk; as root: apt-get install wrk (until then the throughput phase is skipped)"; fi; \
	fi
	$(PY) bench/run.py --db $(DB)

$(VENV)/.bench-installed: requirements-bench.txt requirements.lock $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt -c requirements.lock
	touch $@
