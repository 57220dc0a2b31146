"""allauth adapter: after sign-up or login, someone without an organisation lands on "My space",
which guides them to create or join one. allauth's emails (sign-up confirmation, password reset,
"account already exists"...) take the site's name and address from core.sites, like every other
email: never "example.com", never the host that happened to serve the request."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, get_supported_language_variant

from core import sites


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

    def save_user(self, request, user, form, commit=True):
        """A new account's emails are in the language of the page they signed up on."""
        user.language = get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
        return super().save_user(request, user, form, commit=commit)

    def format_email_subject(self, subject: str) -> str:
        return sites.email_subject(str(subject))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's templates read `current_site` (name, domain) and links such as
        `activate_url` or `password_reset_url`: all of them on the site's public address."""
        links = {
            key: sites.absolute_url(value)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str)
        }
        super().send_mail(
            template_prefix, email, {**context, **links, "current_site": sites.current_site()}
        )
