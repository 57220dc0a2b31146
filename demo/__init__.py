"""The demo day (Osez l'ESS, Lille, 26 November 2019) and its loader, `manage.py load_demo`.

It sits above every app because loading a whole day goes through every app's services; no app
imports it (see the import contracts in pyproject.toml)."""
