from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The agenda's service worker (offline agenda), served from the root for its scope.
    path("sw.js", views.service_worker, name="service_worker"),
    # The language switch also sets a signed-in person's email language (accounts.views).
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("accounts.urls")),
    path("", include("events.urls")),
    path("", include("pitches.urls")),
    path("", include("matching.urls")),
    path("", include("workshops.urls")),
]

# An htmx request refused with 400, 403 or 404 shows its message in the page (core.views.refuse).
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"

if settings.BENCH_PING:  # bench/pages.py's trivial view, never in production
    urlpatterns.append(path("bench/ping", views.bench_ping, name="bench_ping"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
