# helpprof — the README's two commands are `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/release/helpprof
OUT ?= out
PREFIX ?= /usr/local

.PHONY: setup build release demo test clean install

setup:
	@bash tools/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# The main job on built-in defaults: onboard this machine and write its predictor.
demo: release
	@bash tools/demo.sh $(BIN) $(OUT)

# The whole test suite (Swift, then the Python loader's tests).
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test
	@if [ -d tools/tests ]; then bash tools/run_python_tests.sh; fi

clean:
	rm -rf .build $(OUT)

# Installs the release binary to $(PREFIX)/bin and what it reads to $(PREFIX)/share/helpprof: the bundled
# meta-predictors (Resources/) and the public latency datasets (datasets/), where the binary looks for them.
install: release
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/helpprof/Resources" "$(PREFIX)/share/helpprof/datasets"
	install -m 755 $(BIN) "$(PREFIX)/bin/helpprof"
	install -m 644 .build/release/helpprof_Predictor.resources/Resources/*.safetensors "$(PREFIX)/share/helpprof/Resources/"
	install -m 644 profiles/datasets/* "$(PREFIX)/share/helpprof/datasets/"
	@echo "installed $(PREFIX)/bin/helpprof (+ $(PREFIX)/share/helpprof); add $(PREFIX)/bin to PATH if it is not"
