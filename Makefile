# BarqNet API. `make help` lists the targets. Every target installs what it needs first:
# a project-local Node 24 when the machine's Node is older, then the npm packages.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NODE_VERSION := $(shell cat .nvmrc)
LOCAL_NODE_BIN := $(CURDIR)/.tools/node_modules/node/bin
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell [ $(SYSTEM_NODE_MAJOR) -ge 24 ] && echo yes),yes)
NODE_DEP :=
else
export PATH := $(LOCAL_NODE_BIN):$(PATH)
NODE_DEP := $(LOCAL_NODE_BIN)/node
endif
export npm_config_update_notifier := false
export npm_config_fund := false
export npm_config_audit := false

DEPS := node_modules/.installed

.PHONY: help install start test lint format generate check-generated check-docs typecheck unit integration system browser build-tests tests sdk mock docs bench busy-shutdown contract flows breaking soak clean clients clients-test

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(LOCAL_NODE_BIN)/node:
	@mkdir -p .tools && echo '{"private": true, "allowScripts": {"node": true}}' > .tools/package.json
	npm install --prefix .tools --no-save --no-package-lock node@$(NODE_VERSION)

$(DEPS): package.json package-lock.json clients/typescript/package.json $(NODE_DEP)
	npm ci --no-audit --no-fund
	@touch $@

install: $(DEPS) ## Install Node 24 (when needed) and the npm packages

start: $(DEPS) ## Run the API on http://localhost:8080 (PORT; SQLite in ./data, or DATABASE_URL=postgres://...)
	node --env-file-if-exists=.env server/main.ts

generate: $(DEPS) ## Rebuild generated/ (bundled spec and TypeScript types) from openapi/
	node scripts/generate.ts

check-generated: $(DEPS) ## Fail when generated/ differs from what openapi/ produces
	node scripts/generate.ts --check

lint: $(DEPS) ## Lint the contract (Redocly), the code (ESLint, type-aware), the server's dependency direction and the formatting: zero warnings
	npx redocly lint --config openapi/redocly.yaml --max-problems 50
	npx redocly lint generated/openapi.json generated/openapi.public.json --config openapi/redocly.yaml --max-problems 50
	npx redocly lint --extends recommended-strict openapi/workflows/*.arazzo.yaml
	cd clients/typescript && node scripts/prebuild.mjs --types-only
	npx eslint . --max-warnings 0
	npx depcruise server --config .dependency-cruiser.cjs
	npx prettier --check .

format: $(DEPS) ## Format the hand-written code and JSON with Prettier (what make lint checks)
	npx prettier --write .

typecheck: $(DEPS) ## Type-check the server, scripts, tests and the SDK
	npx tsc -p tsconfig.json
	npm run typecheck -w @barqnet/client

sdk: $(DEPS) ## Build the TypeScript SDK and the barqnet CLI (clients/typescript/dist)
	npm run build -w @barqnet/client

CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium

OPENVPN := /usr/sbin/openvpn
$(OPENVPN):
	apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq openvpn

# A Node 20-23 for the SDK's oldest supported runtime (build-tests): the machine's, else node@20 from npm.
NODE20_LOCAL := $(CURDIR)/.tools/node20/node_modules/node/bin/node
NODE20 := $(or $(shell for n in /usr/bin/node /usr/local/bin/node; do [ -x $$n ] && m=$$($$n -p 'process.versions.node.split(".")[0]') && [ $$m -ge 20 ] && [ $$m -lt 24 ] && echo $$n && break; done),$(NODE20_LOCAL))
$(NODE20_LOCAL):
	@mkdir -p .tools/node20 && echo '{"private": true, "allowScripts": {"node": true}}' > .tools/node20/package.json
	npm install --prefix .tools/node20 --no-save --no-package-lock node@20

# One vitest project (test/tiers.ts); with CI set its JUnit goes to reports/vitest-<tier>-junit.xml.
vitest = VITEST_TIER=$(1) npx vitest run --project $(1)

unit: $(DEPS) ## Unit tests only: no processes, sockets or databases (seconds)
	$(call vitest,unit)

integration: $(DEPS) ## HTTP against the in-process app and the stores, on SQLite and PostgreSQL
	bash scripts/ensure-postgres
	$(call vitest,integration)

system: $(DEPS) $(OPENVPN) $(NODE20) ## Real processes: server, CLI, mock, crashes, outages, shutdown, npm start on Node 20, .ovpn against OpenVPN
	bash scripts/ensure-postgres
	NODE20=$(NODE20) $(call vitest,system)

browser: $(DEPS) $(CHROMIUM) ## The docs page and its headers in headless Chromium
	$(call vitest,browser)

build-tests: $(DEPS) $(NODE20) ## SDK build on Node 24 and Node 20, generate/drift checks, README and guide snippets run
	bash scripts/ensure-postgres
	NODE20=$(NODE20) $(call vitest,build)

tests: unit integration system browser build-tests ## Every vitest tier

test: lint check-generated check-docs breaking typecheck tests contract flows clients-test ## Run every check: lint, drift, breaking changes, types, tests, contract
	@echo "make test: all checks passed"

mock: $(DEPS) ## Serve the Prism mock of the public spec on http://localhost:4010
	scripts/mock

docs: $(DEPS) ## Build docs/index.html (Redoc, self-contained) and docs/errors.md from the public spec
	node scripts/build-docs.ts

check-docs: $(DEPS) ## Fail when docs/index.html or docs/errors.md differ from what the public spec produces
	node scripts/build-docs.ts --check

bench: $(DEPS) ## Benchmarks against in-run baselines; writes docs/benchmarks.md (about 5 min). BENCH_ONLY=overhead,sqlite,...: those phases only, printed, docs not written
	bash scripts/ensure-postgres
	node bench/run.ts

busy-shutdown: $(DEPS) ## The graceful-shutdown test 20 times in a row with every core kept busy (RUNS=20)
	@mkdir -p reports
	bench/busy-shutdown

soak: $(DEPS) ## 200 simulated apps for 60 s: SQLite, then two instances on PostgreSQL; 0 errors, exact totals
	bash scripts/ensure-postgres
	node bench/soak.ts

contract: $(DEPS) ## Schemathesis against a live server (all checks, stateful); JUnit in reports/
	scripts/contract-test

flows: $(DEPS) ## The Arazzo client flows (openapi/workflows) by redocly respect against a live server
	scripts/flows-test

clients: $(DEPS) ## Validate both bundles with OpenAPI Generator; generate the Kotlin, Java, Python, Swift, Dart clients (clients/<lang>/, not committed)
	scripts/clients/generate

clients-test: clients ## The generated Kotlin, Java (Maven) and Python clients run the client flows against a live server; JUnit in reports/
	scripts/clients/test

breaking: $(DEPS) ## Fail on a breaking change against the last released spec (openapi/releases)
	node scripts/breaking-change-check.ts

clean: ## Remove installed tools, packages, reports and local data
	rm -rf node_modules .tools .venv .venv-clients reports data
