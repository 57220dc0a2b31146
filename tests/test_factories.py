"""tests/factories.py has a factory for every model of the project, and each builds a valid row."""

import inspect

import pytest
from django.apps import apps
from factory.django import DjangoModelFactory

from accounts.models import Territory, Theme
from tests import factories

PROJECT_APPS = ["core", "accounts", "events", "pitches", "workshops", "matching", "demo"]
# Seeded by data migrations: tests look them up by code instead of building them.
SEEDED = {Theme, Territory}

FACTORIES = [
    cls
    for _name, cls in inspect.getmembers(factories, inspect.isclass)
    if issubclass(cls, DjangoModelFactory) and cls is not DjangoModelFactory
]


def test_every_model_has_a_factory():
    models = {
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.abstract
    }
    covered = {factory._meta.model for factory in FACTORIES}

    assert sorted(m._meta.label for m in models - SEEDED - covered) == []


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory):
    """Saved, and valid by the model's validators and constraints. Optional fields left empty
    (null links, empty JSON) are not checked: forms never edit them, services fill them."""
    row = factory()
    optional = [
        field.name
        for field in row._meta.concrete_fields
        if field.null or (field.has_default() and not getattr(row, field.attname))
    ]

    row.full_clean(exclude=optional)
    assert type(row).objects.filter(pk=row.pk).exists()
