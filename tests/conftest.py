"""Fixtures shared by every test. App-specific ones live in tests/<app>/conftest.py.

The role fixtures (buyer, ess_member, ess_admin, organiser, other_organiser) are the roles of
tests/roles.py, named once there; the other roles are built in `world`."""

import socket

import pytest

from accounts.enums import MembershipRole
from events.enums import RegistrationRole
from tests import roles


def pytest_collection_modifyitems(items):
    """Transactional tests empty every table when they end, including the rows our data migrations
    seed (themes, territories). Serialized rollback puts them back; mixing transactional tests with
    and without it makes the next one fail on duplicate content types. So all of them use it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            # Prepended: a marker on the function itself would otherwise stay the closest one.
            item.add_marker(
                pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}),
                append=False,
            )


@pytest.fixture
def assert_queries_constant(db):
    """The one query-count helper (tests/queries.py): a page or a read costs as many queries with
    1 and 3 items."""
    from tests.queries import assert_queries_constant

    return assert_queries_constant


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager_tasks():
    """Celery tasks run in the process, also on the real stack where REDIS_URL would send them to
    a worker: what a test that reads the emails sent on commit (the outbox's tasks) needs."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_down():
    """The Celery app's broker is a closed port, as when Redis is stopped (its pools are rebuilt
    from the new address, then from the old one afterwards)."""
    from config.celery import app

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    app.conf.task_always_eager = False
    reset_pools()
    yield
    app.conf.broker_url, app.conf.task_always_eager = previous
    reset_pools()


@pytest.fixture
def event(db):
    from tests.factories import EventFactory

    return EventFactory()


@pytest.fixture
def buyer_org(db):
    from tests.factories import BuyerOrganisationFactory

    return BuyerOrganisationFactory()


@pytest.fixture
def ess_org(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory()


def _registered_member(event, organisation, role: str, registration_role: str):
    """A new member of `organisation` with `role` (MembershipRole), registered for `event` as
    `registration_role` (RegistrationRole)."""
    from tests.factories import MembershipFactory, RegistrationFactory

    membership = MembershipFactory(organisation=organisation, role=role)
    RegistrationFactory(
        event=event, user=membership.user, organisation=organisation, role=registration_role
    )
    return membership.user


@pytest.fixture
def buyer(event, buyer_org):
    """The admin of `buyer_org`, registered for `event`."""
    return _registered_member(event, buyer_org, MembershipRole.ADMIN, RegistrationRole.BUYER)


@pytest.fixture
def ess_member(event, ess_org):
    """A plain member (not admin) of `ess_org`, registered for `event`."""
    return _registered_member(event, ess_org, MembershipRole.MEMBER, RegistrationRole.ESS)


@pytest.fixture
def ess_admin(event, ess_org):
    """The admin of `ess_org`, registered for `event`."""
    return _registered_member(event, ess_org, MembershipRole.ADMIN, RegistrationRole.ESS)


@pytest.fixture
def organiser(db, event):
    from tests.factories import UserFactory

    user = UserFactory()
    event.organisers.add(user)
    return user


@pytest.fixture
def other_event(db):
    """Another event than `event`, in the same phase (its organiser: `other_organiser`)."""
    from tests.factories import EventFactory

    return EventFactory()


@pytest.fixture
def other_organiser(db, other_event):
    """Organises another event, not `event`."""
    from tests.factories import UserFactory

    user = UserFactory()
    other_event.organisers.add(user)
    return user


@pytest.fixture
def world(
    event, other_event, buyer_org, ess_org, buyer, ess_member, ess_admin, organiser, other_organiser
):
    """Everything the access matrix needs, one of each. App conftests extend it by overriding
    this fixture and adding attributes (pytest passes the parent `world` to the override).

    The roles past the first six (tests/roles.py): a stranger (signed in, nothing else), the
    admin of another ESS structure registered for `other_event` only, the admin of another ESS
    structure registered for `event` (`world.other_ess_org`), and a staff member."""
    from types import SimpleNamespace

    from tests.factories import OrganisationFactory, UserFactory

    other_ess_org = OrganisationFactory()
    return SimpleNamespace(
        event=event,
        other_event=other_event,
        buyer_org=buyer_org,
        ess_org=ess_org,
        other_ess_org=other_ess_org,
        users={  # keyed by the roles of tests/roles.py
            roles.BUYER: buyer,
            roles.ESS_MEMBER: ess_member,
            roles.ESS_ADMIN: ess_admin,
            roles.ORGANISER: organiser,
            roles.OTHER_ORGANISER: other_organiser,
            roles.STRANGER: UserFactory(),
            roles.OTHER_PARTICIPANT: _registered_member(
                other_event, OrganisationFactory(), MembershipRole.ADMIN, RegistrationRole.ESS
            ),
            roles.OTHER_ESS: _registered_member(
                event, other_ess_org, MembershipRole.ADMIN, RegistrationRole.ESS
            ),
            roles.STAFF: UserFactory(is_staff=True),
        },
    )
