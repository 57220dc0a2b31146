"""Every named URL of the project is in some app's access matrix."""

import importlib
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver

import tests

# Libraries' own pages (allauth, admin) and the language switch are not ours to test by role.
FOREIGN_NAMESPACES = {"admin", "djdt"}
FOREIGN_PREFIXES = ("account_", "socialaccount_", "set_language", "mfa_", "usersessions_")


def named_patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in FOREIGN_NAMESPACES:
                continue
            yield from named_patterns(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if not namespace and pattern.name.startswith(FOREIGN_PREFIXES):
                continue
            yield f"{namespace}{pattern.name}"


def covered_names():
    """URL names in the CASES of every tests/<app>/test_access*.py module."""
    names = set()
    for package in pkgutil.iter_modules(tests.__path__):
        if not package.ispkg:
            continue
        app_tests = importlib.import_module(f"tests.{package.name}")
        for module in pkgutil.iter_modules(app_tests.__path__):
            if module.name.startswith("test_access"):
                access = importlib.import_module(f"tests.{package.name}.{module.name}")
                names |= {case.name for case in access.CASES}
    return names


def test_access_matrix_covers_every_url():
    missing = sorted(set(named_patterns()) - covered_names())

    assert missing == []
