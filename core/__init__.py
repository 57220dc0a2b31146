"""The small shared core every app stands on: locking, live broadcasts on commit, times in the
event's zone and view helpers. It imports no app of the project (see the import contracts in
pyproject.toml)."""
