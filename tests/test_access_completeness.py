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


def access_modules():
    """Every tests/<app>/test_access*.py module."""
    for package in pkgutil.iter_modules(tests.__path__):
        if not package.ispkg:
            continue
        app_tests = importlib.import_module(f"tests.{package.name}")
        for module in pkgutil.iter_modules(app_tests.__path__):
            if module.name.startswith("test_access"):
                yield importlib.import_module(f"tests.{package.name}.{module.name}")


def covered_names():
    """URL names in the CASES of every tests/<app>/test_access*.py module."""
    return {case.name for access in access_modules() for case in access.CASES}


def test_access_matrix_covers_every_url():
    missing = sorted(set(named_patterns()) - covered_names())

    assert missing == []


def test_every_access_module_runs_its_cases_and_fuzzes_them():
    """Cases listed and not run (or not fuzzed) would cover nothing."""
    lacking = [
        access.__name__
        for access in access_modules()
        if not (hasattr(access, "test_access") and hasattr(access, "test_fuzz"))
    ]

    assert lacking == []


def test_every_url_with_a_post_is_tried_by_every_role():
    """A URL tried only by GET is still refused by POST to whom its GET refuses (tests/access.py
    derives those cases); a URL whose cases are all POSTs has a case for each role. So every URL
    has a POST per role: here, that no URL's cases leave a role out."""
    from tests.roles import ROLES

    for access in access_modules():
        for case in access.CASES:
            assert set(case.expected) == set(ROLES), case.name
