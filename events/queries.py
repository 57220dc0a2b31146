from django.db.models import QuerySet

from .enums import PHASES_PUBLIC
from .models import Event


def events_for_home(user) -> QuerySet[Event]:
    """Public events, plus the drafts the user organises."""
    public = Event.objects.filter(phase__in=PHASES_PUBLIC)
    if user.is_authenticated:
        return (public | Event.objects.filter(organisers=user)).distinct()
    return public
