# SmartTrees: `make run` serves the app with demo data; `make test` runs every test.
# Both install what is missing. DATABASE_URL points them at an existing PostgreSQL/PostGIS.
SHELL := /bin/bash
VENV := .venv
FLASK := $(VENV)/bin/flask --app wsgi
DEMO_TREES ?= 5000
FULL_TREES ?= 1130000
TEST_DB := smarttrees_test
# The server that already runs on this machine, used to prove the DATABASE_URL path.
EXTERNAL_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/smarttrees_external

.PHONY: run test lint stop psql demo-full bench bench-tiles bench-labels bench-import bench-custody bench-ogc bench-reports bench-export bench-load backup restore prepare database migrate reference demo basemap \
        test-local test-external test-unit translations

run: prepare database migrate reference demo basemap
	scripts/serve.sh

test: prepare lint test-local test-external

prepare: $(VENV)/.installed node_modules/.installed translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	scripts/bootstrap.sh
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	scripts/bootstrap.sh
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d smarttrees/translations

database:
	scripts/db.sh ensure smarttrees

migrate: database $(VENV)/.installed
	$(FLASK) db upgrade

reference: migrate
	$(FLASK) reference load

demo: reference
	$(FLASK) demo load --trees $(DEMO_TREES)

# A vector basemap, unless one is there: the reference communes, Vietnam's national roads and
# Natural Earth's rivers and towns (data/basemap; the province's own layers: see README).
basemap: reference
	$(FLASK) basemap build --if-missing \
	  roads=data/basemap/legocity_vietnam_roads/giaothong.geojson \
	  data/basemap/natural_earth_northern_vietnam/ne_10m_rivers_lake_centerlines_northern_vietnam.geojson \
	  data/basemap/natural_earth_northern_vietnam/ne_10m_populated_places_northern_vietnam.geojson \
	  --attribution "Đường: LegoCity (CC BY-SA 4.0) · Sông, đô thị: Natural Earth"

demo-full: prepare migrate reference
	$(FLASK) demo load --trees $(FULL_TREES)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check smarttrees tests migrations bench
	$(VENV)/bin/ruff format --check smarttrees tests bench
	$(VENV)/bin/lint-imports

test-unit: prepare
	$(VENV)/bin/pytest -q tests/unit

test-local: prepare
	scripts/bootstrap.sh test
	scripts/db.sh ensure $(TEST_DB)
	TEST_DATABASE_URL=$$(scripts/db.sh url $(TEST_DB)) $(VENV)/bin/pytest -q

# Run the suite again against the external server when one answers and offers PostGIS
# (said plainly, not failed, when there is none: a fresh machine has no such server).
test-external: prepare
	@if ! pg_isready -q -d "$(EXTERNAL_DATABASE_URL)"; then \
	  echo "== no PostgreSQL answers at $(EXTERNAL_DATABASE_URL): external-server run not done"; \
	elif [ -z "$$(psql "$$(DATABASE_URL=$(EXTERNAL_DATABASE_URL) scripts/db.sh url postgres)" -XtAc \
	        "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")" ]; then \
	  echo "== the server at $(EXTERNAL_DATABASE_URL) has no PostGIS: external-server run not done"; \
	else \
	  echo "== the same suite against an external server: $(EXTERNAL_DATABASE_URL)"; \
	  DATABASE_URL=$(EXTERNAL_DATABASE_URL) scripts/db.sh ensure smarttrees_external_test && \
	  TEST_DATABASE_URL=$$(DATABASE_URL=$(EXTERNAL_DATABASE_URL) scripts/db.sh url smarttrees_external_test) \
	    $(VENV)/bin/pytest -q -m external; \
	fi

bench: prepare migrate
	PYTHONPATH=. $(VENV)/bin/python bench/pagination.py

bench-tiles: prepare migrate
	PYTHONPATH=. $(VENV)/bin/python bench/tiles.py

bench-labels: prepare migrate
	PYTHONPATH=. $(VENV)/bin/python bench/labels.py

bench-ogc: prepare migrate
	PYTHONPATH=. $(VENV)/bin/python bench/ogc.py

# The province's GeoPackage export against ogr2ogr on the same SELECT (after make demo-full).
bench-export: prepare migrate
	PYTHONPATH=. $(VENV)/bin/python bench/exports/run.py

# The dashboard and carbon at a province's scale (after make demo-full), against raw SQL.
bench-reports: prepare migrate
	PYTHONPATH=. $(VENV)/bin/python bench/reports.py

bench-custody: prepare migrate
	scripts/bootstrap.sh bench
	scripts/db.sh ensure smarttrees_bench_custody
	DATABASE_URL=$$(scripts/db.sh url smarttrees_bench_custody) PYTHONPATH=. $(VENV)/bin/python bench/custody.py

bench-import: prepare migrate reference
	scripts/bootstrap.sh bench
	PYTHONPATH=. $(VENV)/bin/python bench/import.py

# Load on loopback for 60 s (bench/load): 50 field users scanning and syncing, a planner panning
# the map, an import committing, in a database of its own; p50/p95 per endpoint; exit 1 on errors.
bench-load: prepare
	scripts/db.sh ensure smarttrees_bench_load
	DATABASE_URL=$$(scripts/db.sh url smarttrees_bench_load) PYTHONPATH=. $(VENV)/bin/python bench/load/run.py

# The app's database (pg_dump) and photos, with a manifest of counts and checksums, in a new
# folder under var/backups (or BACKUP_DIR). make restore BACKUP=FOLDER restores and checks one:
# into the app's database, or TARGET_DATABASE_URL; a database that holds tables only with FORCE=1.
backup: prepare database
	$(FLASK) backup create

restore: prepare database
	@[ -n "$(BACKUP)" ] || { echo "usage: make restore BACKUP=var/backups/NAME [TARGET_DATABASE_URL=URL] [FORCE=1]" >&2; exit 2; }
	$(FLASK) backup restore "$(BACKUP)" $(if $(filter 1,$(FORCE)),--force)

stop:
	scripts/stop-app.sh
	scripts/db.sh stop

psql:
	@scripts/db.sh psql smarttrees
