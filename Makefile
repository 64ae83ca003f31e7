# t3rs — `make run` and `make test` are all a fresh machine needs.
#
#   make run      build (release) and start the server on the default state dir
#   make test     formatting, clippy -D warnings, every test (unit, actor harness, end to end)
#   make bench    the benchmark tables (see README, "Benchmarks")
#   make install  install the binary and the systemd user unit for the current user

SHELL := /bin/bash
CARGO ?= cargo
CODEX_VERSION := 0.169.0
TOOLS := $(CURDIR)/.tools
CODEX_BIN := $(TOOLS)/node_modules/.bin/codex
# The other agents the tests drive against the fake model, pinned (versions seen working offline
# with ../shared/tools/fake-model; the fixtures in tests/fixtures/claude and acp were recorded with them).
CLAUDE_CODE_VERSION := 2.1.197
CODEX_ACP_VERSION := 0.16.0
CLAUDE_AGENT_ACP_VERSION := 0.23.1
CLAUDE_BIN := $(TOOLS)/node_modules/.bin/claude
CODEX_ACP_BIN := $(TOOLS)/node_modules/.bin/codex-acp
CLAUDE_AGENT_ACP_BIN := $(TOOLS)/node_modules/.bin/claude-agent-acp
AGENTS_STAMP := $(TOOLS)/.agents-$(CLAUDE_CODE_VERSION)-$(CODEX_ACP_VERSION)-$(CLAUDE_AGENT_ACP_VERSION)
PREFIX ?= $(HOME)/.local
UNIT_DIR ?= $(HOME)/.config/systemd/user
RUN_ARGS ?=

.PHONY: run test bench fuzz install check-tools codex agents codex-protocol core-pure lint web web-test web-e2e chromium

check-tools:
	@command -v $(CARGO) >/dev/null || { echo "make: cargo is missing; install Rust from rustup.rs (stable, 1.80 or newer)"; exit 1; }
	@command -v git >/dev/null || { echo "make: git is missing; install it (Debian: apt-get install git)"; exit 1; }

# The real codex CLI, pinned, for tests and as a fallback when none is on PATH.
$(CODEX_BIN):
	@command -v npm >/dev/null || { echo "make: npm is missing; install Node.js 20+ (Debian: apt-get install nodejs npm)"; exit 1; }
	@mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error @openai/codex@$(CODEX_VERSION)

codex: $(CODEX_BIN)

# Claude Code and the two ACP adapters, pinned exactly (.tools/package.json, package-lock.json).
# The stamp names the versions, so changing one reinstalls; `agents` then checks what landed:
# claude's native binary (the optional dependency @anthropic-ai/claude-code-<platform>, which the
# postinstall links to bin/claude.exe), codex-acp's native child, and the SDK's bundled cli.js.
$(AGENTS_STAMP):
	@command -v npm >/dev/null || { echo "make: npm is missing; install Node.js 20+ (Debian: apt-get install nodejs npm)"; exit 1; }
	@mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --save-exact --no-audit --no-fund --loglevel=error \
	  @anthropic-ai/claude-code@$(CLAUDE_CODE_VERSION) @zed-industries/codex-acp@$(CODEX_ACP_VERSION) \
	  @zed-industries/claude-agent-acp@$(CLAUDE_AGENT_ACP_VERSION)
	@touch $@

agents: $(AGENTS_STAMP)
	@nm=$(TOOLS)/node_modules; missing=""; \
	  version() { node -p "require('$$nm/$$1/package.json').version" 2>/dev/null; }; \
	  [ "$$(version @anthropic-ai/claude-code)" = $(CLAUDE_CODE_VERSION) ] || missing="$$missing\n  @anthropic-ai/claude-code@$(CLAUDE_CODE_VERSION)"; \
	  "$(CLAUDE_BIN)" --version 2>/dev/null | grep -q '^$(CLAUDE_CODE_VERSION) ' || missing="$$missing\n  $(CLAUDE_BIN) does not run: the native binary (optional dependency @anthropic-ai/claude-code-<platform>, linked to bin/claude.exe by the postinstall; were optional dependencies or scripts turned off?)"; \
	  [ "$$(version @zed-industries/codex-acp)" = $(CODEX_ACP_VERSION) ] && [ -x "$(CODEX_ACP_BIN)" ] || missing="$$missing\n  @zed-industries/codex-acp@$(CODEX_ACP_VERSION)"; \
	  ls $$nm/@zed-industries/codex-acp-*/bin/codex-acp >/dev/null 2>&1 || missing="$$missing\n  codex-acp's native binary (optional dependency @zed-industries/codex-acp-<platform>)"; \
	  [ "$$(version @zed-industries/claude-agent-acp)" = $(CLAUDE_AGENT_ACP_VERSION) ] && [ -x "$(CLAUDE_AGENT_ACP_BIN)" ] || missing="$$missing\n  @zed-industries/claude-agent-acp@$(CLAUDE_AGENT_ACP_VERSION)"; \
	  [ -f $$nm/@anthropic-ai/claude-agent-sdk/cli.js ] || missing="$$missing\n  @anthropic-ai/claude-agent-sdk (claude-agent-acp's dependency, with its bundled cli.js)"; \
	  if [ -n "$$missing" ]; then \
	    rm -f $(AGENTS_STAMP); \
	    printf 'make: these pinned agents are missing from $(TOOLS) (the tests run them against the fake model):%b\n' "$$missing"; \
	    echo "Remove $(TOOLS)/node_modules and run 'make test' again: npm reinstalls them (it needs the registry, optional dependencies and install scripts)."; exit 1; \
	  fi

# codex's app-server messages as Rust types (src/provider/codex_protocol/generated.rs), from the
# pinned codex's JSON Schema through typify (src/provider/codex_protocol/generator). Not part of `make test`: run it
# after changing CODEX_VERSION, and review the diff.
codex-protocol: check-tools codex
	@rm -rf target/codex-schema && mkdir -p target/codex-schema
	$(CODEX_BIN) app-server generate-json-schema --experimental --out target/codex-schema
	CARGO_TARGET_DIR=$(CURDIR)/target/codex-protocol $(CARGO) run --quiet --locked \
	  --manifest-path src/provider/codex_protocol/generator/Cargo.toml -- \
	  target/codex-schema src/provider/codex_protocol/generated.rs $(CODEX_VERSION)
	rustfmt --edition 2021 src/provider/codex_protocol/generated.rs

# The browser client (web/): dependencies pinned by package-lock.json, built into web/dist,
# which the server serves at /.
web/node_modules/.package-lock.json: web/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is missing; install Node.js 20+ (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --prefix web --no-audit --no-fund --loglevel=error

# Rebuilt only when a source changed, so test, run, bench and web-e2e share one build.
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json -type f 2>/dev/null)
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	npm --prefix web run build --silent

web: web/dist/index.html

# The type check runs here; the production build (vite) does not repeat it.
web-test: web/node_modules/.package-lock.json
	npm --prefix web run typecheck --silent
	npm --prefix web test --silent

# Debian's Chromium drives the browser tests (playwright-core, no downloaded browsers).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	  else echo "make: chromium is missing; install it (Debian: sudo apt-get install chromium)"; exit 1; fi; }

# The browser client end to end: real binary, real codex and Claude Code, the scripted model,
# headless Chromium.
web-e2e: codex agents web chromium
	$(CARGO) build --locked --bin t3rs --example seed_store
	cd web && CHROMIUM="$$(command -v chromium)" T3RS_SEED_STORE=../target/debug/examples/seed_store \
	  node e2e/run.mjs ../target/debug/t3rs "$(CODEX_BIN)" "$(CLAUDE_BIN)"

run: check-tools web
	$(CARGO) build --release --locked
	@CODEX=$$(command -v codex || true); \
	  if [ -z "$$CODEX" ] && [ -x "$(CODEX_BIN)" ]; then CODEX="$(CODEX_BIN)"; fi; \
	  echo "Starting t3rs (Ctrl-C to stop)…"; \
	  exec ./target/release/t3rs serve $${CODEX:+--codex-bin "$$CODEX"} $(RUN_ARGS)

# t3rs-core (core/) is pure: no crate that does I/O may appear beneath it. Its clippy.toml
# refuses std::fs, std::process, std::net and the clock in its own code.
CORE_IO_CRATES := ^((actix|tokio|pty|cap|async|signal-hook|windows)[-a-z0-9_]*|sled|mio|nix|libc|socket2|rustix|tempfile|ignore|iana-time-zone|getrandom|hyper|reqwest|polling|winapi) v

core-pure:
	@tree=$$($(CARGO) tree -p t3rs-core -e normal --prefix none --locked) || { echo "make: cargo tree -p t3rs-core failed"; exit 1; }; \
	  grep -q '^t3rs-core v' <<<"$$tree" || { echo "make: cargo tree printed no t3rs-core"; exit 1; }; \
	  bad=$$(grep -E '$(CORE_IO_CRATES)' <<<"$$tree" | sort -u); \
	  if [ -n "$$bad" ]; then \
	    echo "make: t3rs-core must do no I/O, but these I/O crates are among its dependencies:"; \
	    echo "$$bad" | sed 's/^/  /'; \
	    echo "Keep I/O in the t3rs crate (runtime/, server/, git/, workspace/, store/) and pass data in."; \
	    exit 1; \
	  fi

lint: check-tools core-pure
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

test: check-tools codex agents lint web-test web
	@command -v python3 >/dev/null || { echo "make: python3 is missing (the scripted model server for the codex tests needs it; Debian: apt-get install python3)"; exit 1; }
	@test -f ../shared/tools/fake-model/fake_model.py || [ -n "$$T3RS_FAKE_MODEL" ] || { echo "make: ../shared/tools/fake-model/fake_model.py not found: the steering repo's shared/ must sit beside this repository (or set T3RS_FAKE_MODEL)"; exit 1; }
	T3RS_TEST_CODEX="$(CODEX_BIN)" T3RS_TEST_CLAUDE="$(CLAUDE_BIN)" T3RS_TEST_CODEX_ACP="$(CODEX_ACP_BIN)" T3RS_TEST_CLAUDE_AGENT_ACP="$(CLAUDE_AGENT_ACP_BIN)" \
	  $(CARGO) test --workspace --locked --features t3rs/failpoints
	$(MAKE) --no-print-directory web-e2e

# cargo-fuzz (nightly; not in CI): the request decoder, the client-command decoder and codex's
# JSON-RPC lines, FUZZ_SECONDS (default 300) each; needs `cargo install cargo-fuzz`.
fuzz:
	core/fuzz/run.sh

bench: check-tools
	$(CARGO) bench --locked --bench foundation
	$(CARGO) bench --locked --bench orchestration
	$(CARGO) bench --locked --bench terminals
	$(CARGO) bench --locked --bench provider
	$(CARGO) bench --locked --bench git
	$(MAKE) --no-print-directory web chromium
	$(CARGO) build --release --locked
	cd web && CHROMIUM="$$(command -v chromium)" node e2e/bench.mjs ../target/release/t3rs

install: check-tools web
	$(CARGO) install --locked --path . --root "$(PREFIX)"
	install -Dm644 config/t3rs.service "$(UNIT_DIR)/t3rs.service"
	@if [ -f web/dist/index.html ]; then rm -rf "$(PREFIX)/share/t3rs/web" && mkdir -p "$(PREFIX)/share/t3rs" && cp -r web/dist "$(PREFIX)/share/t3rs/web"; fi
	@sed -i "s|@BINDIR@|$(PREFIX)/bin|g" "$(UNIT_DIR)/t3rs.service"
	@if [ ! -f "$(HOME)/.config/t3rs/t3rs.toml" ]; then install -Dm644 config/t3rs.toml "$(HOME)/.config/t3rs/t3rs.toml"; fi
	@if command -v systemctl >/dev/null && systemctl --user daemon-reload 2>/dev/null; then \
	  echo "Installed. Start it with: systemctl --user enable --now t3rs"; \
	else \
	  echo "Installed $(PREFIX)/bin/t3rs and $(UNIT_DIR)/t3rs.service (no user systemd here to reload)."; \
	fi
