"""What every app's admin shares: state that a service owns (an event's phase, a registration's
status, an organisation's verification, capacities...) is read-only in the admin and changes
only through admin actions that call the service, which checks, logs and tells people."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def run_service_action(
    modeladmin, request, queryset, service: Callable, done: Callable[[int], str]
) -> int:
    """Call `service(obj)` for each selected object and report, in the person's language, how
    many succeeded (`done(count)`, an ngettext sentence) and each refusal with the object's name.
    A refusal on one object does not stop the others. Returns the number that succeeded."""
    succeeded = 0
    for obj in queryset:
        try:
            service(obj)
        except ValidationError as error:
            refusal = _("%(object)s: %(reason)s") % {
                "object": obj,
                "reason": " ".join(error.messages),
            }
            modeladmin.message_user(request, refusal, messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done(succeeded), messages.SUCCESS)
    return succeeded
