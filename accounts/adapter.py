"""allauth adapter: after sign-up or login, someone without an organisation lands on "My space",
which guides them to create or join one."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def _no_organisation(self, request) -> bool:
        user = request.user
        return user.is_authenticated and not user.memberships.exists()

    def get_login_redirect_url(self, request):
        if self._no_organisation(request):
            return reverse("accounts:dashboard")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return reverse("accounts:dashboard")
