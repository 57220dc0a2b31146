"""What Osez holds about a person, app by app: the registry behind the RGPD export and deletion.

accounts sits below every other app and imports none of them, yet a person's data lives in all of
them. So each app that holds personal data registers one `PersonalData` in its
`AppConfig.ready()` (accounts registers its own in accounts/apps.py):

- `export(user)` returns the app's sections of the JSON export: `{"section": [row, ...]}`, plain
  JSON-ready data (a read; no side effects);
- `erase(user)` runs inside `accounts.services.delete_user_account`'s transaction, before the user
  row goes: it releases what the person holds through the app's own services (cancels meetings and
  tells partners, frees seats...). What the database does by itself at deletion (CASCADE, SET_NULL)
  needs no code;
- `exported`, `erased`: the models ("app_label.ModelName") the app covers in the export and at
  deletion (by `erase` or by the database's `on_delete`), and `not_personal`: models that look
  personal (free text, a link to a person) but are not, with the reason. A sentinel test
  (tests/accounts/test_personal_data.py) walks every model and fails when one with a personal field
  is in none of these lists.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Invitation


@dataclass(frozen=True)
class PersonalData:
    app: str
    export: Callable[[Any], dict[str, Any]]
    erase: Callable[[Any], None] | None = None
    exported: frozenset[str] = frozenset()
    erased: frozenset[str] = frozenset()
    not_personal: Mapping[str, str] = field(default_factory=dict)


PROVIDERS: dict[str, PersonalData] = {}


def register(provider: PersonalData) -> None:
    """Register (or replace) an app's provider; called from its AppConfig.ready()."""
    PROVIDERS[provider.app] = provider


def export_sections(user) -> dict[str, Any]:
    """Every app's sections of the export, in the order the apps were registered."""
    sections: dict[str, Any] = {}
    for provider in PROVIDERS.values():
        sections.update(provider.export(user))
    return sections


def erase_everywhere(user) -> None:
    """Let every app release what the person holds, top app first (meetings before
    registrations), inside the caller's transaction."""
    for provider in reversed(list(PROVIDERS.values())):
        if provider.erase is not None:
            provider.erase(user)


def declared(kind: str) -> set[str]:
    """The models every provider declares as `exported`, `erased` or `not_personal`."""
    return {label for provider in PROVIDERS.values() for label in getattr(provider, kind)}


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# --- The accounts app's own part --------------------------------------------------------------


def _export_accounts(user) -> dict[str, Any]:
    from allauth.account.models import EmailAddress

    return {
        "user": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "job_title": user.job_title,
            "share_contact_details": user.share_contact_details,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "memberships": [
            {
                "organisation": m.organisation.name,
                "siret": m.organisation.siret,
                "role": m.role,
                "joined_at": iso(m.joined_at),
            }
            for m in user.memberships.select_related("organisation").order_by("joined_at")
        ],
        "invitations_received": [
            {
                "organisation": i.organisation.name,
                "role": i.role,
                "sent_at": iso(i.created_at),
                "accepted_at": iso(i.accepted_at),
            }
            for i in Invitation.objects.filter(email__iexact=user.email).select_related(
                "organisation"
            )
        ],
        "invitations_sent": [
            {"organisation": i.organisation.name, "email": i.email, "sent_at": iso(i.created_at)}
            for i in Invitation.objects.filter(invited_by=user).select_related("organisation")
        ],
    }


ACCOUNTS = PersonalData(
    app="accounts",
    export=_export_accounts,
    # The user row, its memberships and invitations go with the account (CASCADE; pending
    # invitations to the address are deleted by delete_user_account; SET_NULL on invited_by).
    exported=frozenset({"accounts.User", "accounts.Membership", "accounts.Invitation"}),
    erased=frozenset({"accounts.User", "accounts.Membership", "accounts.Invitation"}),
    not_personal={
        "accounts.Organisation": "an organisation's profile, written for the other participants",
    },
)
