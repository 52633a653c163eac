# Redline: the two commands of the README are `make run` and `make test`.
#
#   make deps        install missing Debian packages (apt-get; quiet, idempotent)
#   make build       configure and build into build/ (the CLI is build/bin/redline)
#   make test        deps, build, Kafka up, every test through ctest, Kafka down; then the
#                    unit tests under ASan+UBSan and a short run of each fuzzer (build-sanitize/)
#   make fuzz        each fuzzer for FUZZ_SECONDS (default 600), new inputs kept in build-sanitize/
#   make soak        the crash-consistency test with SOAK_KILLS (default 500) kill points
#   make run         deps, build, run the main job on an embedded store in build/run-data
#   make bench       deps, build, benchmarks against raw RocksDB (see BENCHMARKS.md)
#   make kafka-up / kafka-down    the loopback KRaft broker of the tests

SHELL := /bin/bash
BUILD_DIR ?= build
JOBS ?= 2
KAFKA_PORT ?= 19092
export KAFKA_PORT

DEBIAN_PACKAGES := g++ cmake ninja-build pkg-config \
  librocksdb-dev librdkafka-dev libcereal-dev libspdlog-dev libgtest-dev libssl-dev \
  nlohmann-json3-dev libsimdjson-dev libcli11-dev libtomlplusplus-dev \
  libjemalloc-dev libabsl-dev kcat maven openjdk-17-jre-headless clang libclang-rt-14-dev

.PHONY: all deps build test sanitize sanitize-build fuzz fuzz-run soak run bench kafka-fetch kafka-up kafka-down clean

all: build

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

kafka-fetch: deps
	tools/kafka/kafka.sh fetch

kafka-up: deps
	tools/kafka/kafka.sh up

kafka-down:
	tools/kafka/kafka.sh down

# The broker is stopped whether the tests pass or not.
test: build
	@tools/kafka/kafka.sh up
	@status=0; \
	REDLINE_TEST_KAFKA=127.0.0.1:$(KAFKA_PORT) ctest --test-dir $(BUILD_DIR) \
	  --output-on-failure -j $(JOBS) || status=$$?; \
	tools/kafka/kafka.sh down; \
	exit $$status
	@$(MAKE) --no-print-directory sanitize

# The unit tests under AddressSanitizer and UndefinedBehaviorSanitizer, and each fuzzer for
# FUZZ_SHORT seconds from its committed corpus (clang, in a build of its own).
SANITIZE_DIR := build-sanitize
UNIT_TESTS := events_test engine_test domain_test projections_test rules_test tools_test
FUZZERS := command_fuzz event_decoder_fuzz projection_toml_fuzz
FUZZ_SHORT ?= 10
FUZZ_SECONDS ?= 600
SOAK_KILLS ?= 500

$(SANITIZE_DIR)/build.ninja:
	cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -gline-tables-only" \
	  -DCMAKE_CXX_COMPILER=clang++ -DREDLINE_SANITIZE=ON -DREDLINE_FUZZ=ON >/dev/null

sanitize-build: deps $(SANITIZE_DIR)/build.ninja
	cmake --build $(SANITIZE_DIR) -j $(JOBS) --target $(UNIT_TESTS) $(FUZZERS)

sanitize: sanitize-build
	@for t in $(UNIT_TESTS); do \
	  echo "sanitize: $$t under ASan+UBSan"; \
	  $(SANITIZE_DIR)/bin/$$t --gtest_brief=1 || exit 1; \
	done
	@$(MAKE) --no-print-directory fuzz-run SECONDS=$(FUZZ_SHORT)

fuzz: sanitize-build
	@$(MAKE) --no-print-directory fuzz-run SECONDS=$(FUZZ_SECONDS)

# Each fuzzer from its committed corpus (fuzz/corpus/NAME) into a work corpus of its own; a
# crash leaves its input in $(SANITIZE_DIR)/fuzz-findings/.
fuzz-run:
	@mkdir -p $(SANITIZE_DIR)/fuzz-findings
	@for f in $(FUZZERS); do \
	  name=$${f%_fuzz}; mkdir -p $(SANITIZE_DIR)/fuzz-work/$$name; \
	  echo "fuzz: $$f for $(SECONDS) s"; \
	  $(SANITIZE_DIR)/bin/$$f -max_total_time=$(SECONDS) -timeout=10 -rss_limit_mb=4096 \
	    -artifact_prefix=$(SANITIZE_DIR)/fuzz-findings/ -print_final_stats=1 \
	    $(SANITIZE_DIR)/fuzz-work/$$name fuzz/corpus/$$name 2>&1 | \
	    grep -E "^stat::number_of_executed_units|^stat::peak_rss|ERROR|SUMMARY|^#[0-9]+ in " ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

soak: build
	REDLINE_KILLS=$(SOAK_KILLS) $(BUILD_DIR)/bin/reliability_test --gtest_filter='*KilledAtRandomPoints*'

RUN_DATA := $(BUILD_DIR)/run-data
REDLINE := $(BUILD_DIR)/bin/redline

# The main job: a simulated city month (6 counties, 300 institutions) submitted to a fresh
# store, its chain verified, and what happened to the hazards, county by county.
run: build
	@rm -rf $(RUN_DATA) && mkdir -p $(RUN_DATA)
	$(REDLINE) simulate --seed 2026 --counties 6 --institutions 300 --days 30 > $(BUILD_DIR)/run-commands.jsonl
	@echo "submitting the month a day at a time, ticking the deadline rules at the end of each day:"
	tools/run_month.sh $(REDLINE) $(RUN_DATA) $(BUILD_DIR)/run-commands.jsonl
	$(REDLINE) --data $(RUN_DATA) audit verify
	@echo; echo "hazards by state, per county:"
	@$(REDLINE) --data $(RUN_DATA) status --summary
	@echo; echo "listed for supervision at the end of the month:"
	@$(REDLINE) --data $(RUN_DATA) supervision
	@echo; echo "alerts of the month, per county (redline alerts lists them one by one):"
	@$(REDLINE) --data $(RUN_DATA) alerts --summary
	@echo; echo "the month's last alerts:"
	@$(REDLINE) --data $(RUN_DATA) alerts | tail -n 12
	@echo; echo "per county: rectification and on-time rates (projection county_summary):"
	@$(REDLINE) --data $(RUN_DATA) projection show county_summary

bench: build
	@tools/kafka/kafka.sh up
	@status=0; \
	$(BUILD_DIR)/bin/redline-bench --dir $(BUILD_DIR)/bench-data --redline $(BUILD_DIR)/bin/redline \
	  --kafka 127.0.0.1:$(KAFKA_PORT) || status=$$?; \
	tools/kafka/kafka.sh down; \
	exit $$status

clean:
	-tools/kafka/kafka.sh down
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
