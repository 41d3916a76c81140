# Two entry points for a fresh clone (see README):
#   make run   -- the main job: 'corridors demo' on its embedded defaults
#   make test  -- the whole test suite
# Both create .venv and install the project into it on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test docs venv clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/corridors demo

# Property tests run at a fresh random seed each time; the seed is printed before and
# after the run, and CORRIDORS_TEST_SEED=<seed> make test replays it.
test: $(STAMP)
	@seed=$${CORRIDORS_TEST_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	echo "Hypothesis seed: $$seed"; \
	$(VENV)/bin/python -m pytest -n 2 -q -rs --durations=10 --hypothesis-seed=$$seed; rc=$$?; \
	echo "Hypothesis seed: $$seed (replay: CORRIDORS_TEST_SEED=$$seed make test)"; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

docs: $(STAMP)
	$(VENV)/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) build *.egg-info
