"""The project's URLs and one view that fails: the 500 of tests/core/test_request_log.py."""

from django.urls import path

from config.urls import urlpatterns as project


def broken(request):
    raise RuntimeError("a fault")


urlpatterns = [*project, path("broken/", broken)]
