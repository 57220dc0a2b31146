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
    names = set()
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            access = importlib.import_module(f"tests.{module.name}.test_access")
        except ModuleNotFoundError:
            continue
        names |= {case.name for case in access.CASES}
    return names


def test_access_matrix_covers_every_url():
    missing = sorted(set(named_patterns()) - covered_names())

    assert missing == []
