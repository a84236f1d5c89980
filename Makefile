# The two commands: `make run` (the app on $PORT, default 3000) and `make test` (everything CI runs).
.PHONY: run test setup lint stop

PY := .venv/bin/python

setup:
	@bash closient_app/ops/bootstrap.sh
	@$(PY) -m closient_app setup

run: setup
	@$(PY) -m closient_app serve

test:
	@bash closient_app/ops/bootstrap.sh
	@$(PY) -m closient_app setup --no-seed
	@$(PY) -m closient_app test

lint:
	@.venv/bin/ruff check .

stop:
	@$(PY) -m closient_app db-stop
