# Front door. `make run` builds and starts Mortar on its embedded defaults;
# `make test` builds everything and runs every test. Both install what is
# missing first (scripts/bootstrap).
BUILD_DIR ?= build/release
JOBS ?= $(shell nproc)
PYTEST ?= .venv/bin/pytest

.PHONY: all build run test unit-test system-test fuzz-smoke bootstrap bootstrap-tests clean asan bench fuzz

all: build

bootstrap:
	@scripts/bootstrap

bootstrap-tests:
	@scripts/bootstrap --tests

$(BUILD_DIR)/build.ninja:
	cmake --preset release >/dev/null

build: bootstrap-tests $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/mortar serve $(ARGS)

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Everything on SQLite and, alongside it (a second pytest session: the two
# mostly wait on servers, so on 2 cores this saves about the PostgreSQL run's
# time), the catalog, crawler and jobs tests again with their servers on
# PostgreSQL (tests/README.md, "Store backends"). The PostgreSQL session's
# output follows the SQLite one's; it keeps its temp files apart (--basetemp).
system-test: build
	@pg_dir=$$(mktemp -d); pg_log=$$pg_dir/log; \
	MORTAR_TEST_STORE=postgres MORTAR_BIN=$(abspath $(BUILD_DIR)/mortar) \
	  MORTAR_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTEST) -q -m store_backends \
	  --basetemp=$$pg_dir/tmp tests >$$pg_log 2>&1 & \
	pg=$$!; \
	MORTAR_BIN=$(abspath $(BUILD_DIR)/mortar) MORTAR_BUILD_DIR=$(abspath $(BUILD_DIR)) \
	  $(PYTEST) -q tests; sqlite=$$?; \
	wait $$pg; postgres=$$?; \
	echo "system tests: SQLite session exit $$sqlite, PostgreSQL session exit $$postgres; the PostgreSQL session:"; \
	cat $$pg_log; rm -rf $$pg_dir; \
	test $$sqlite -eq 0 -a $$postgres -eq 0

# Order matters for CI: pytest's summary is the closing line.
test: unit-test fuzz-smoke system-test

fuzz-smoke: bootstrap-tests
	scripts/fuzz-smoke

asan: bootstrap-tests
	cmake --preset asan >/dev/null && cmake --build build/asan -j $(JOBS)

fuzz: bootstrap-tests
	cmake --preset fuzz >/dev/null && cmake --build build/fuzz -j $(JOBS)

bench: build
	MORTAR_BIN=$(abspath $(BUILD_DIR)/mortar) .venv/bin/python bench/catalog/run.py
	MORTAR_BIN=$(abspath $(BUILD_DIR)/mortar) .venv/bin/python bench/formats/run_bench.py
	MORTAR_BUILD_DIR=$(abspath $(BUILD_DIR)) .venv/bin/python bench/formats/s3_throughput.py
	MORTAR_BIN=$(abspath $(BUILD_DIR)/mortar) .venv/bin/python bench/crawler/run.py
	MORTAR_BIN=$(abspath $(BUILD_DIR)/mortar) .venv/bin/python bench/jobs/run.py
	scripts/bootstrap --bench
	MORTAR_BIN=$(abspath $(BUILD_DIR)/mortar) .venv/bin/python bench/etl/run.py --repeat 3
	MORTAR_BUILD_DIR=$(abspath $(BUILD_DIR)) .venv/bin/python bench/etl/python_callables.py

clean:
	rm -rf build
