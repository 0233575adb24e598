# helpprof — the README's two commands are `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/release/helpprof
OUT ?= out

.PHONY: setup build release demo test clean

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
