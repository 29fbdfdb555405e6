from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and staying signed in safely: lockout, second factor, session limits, sign-in history."""

    name = "banso.accounts"
    label = "accounts"

    def ready(self) -> None:
        from banso.accounts import address_lock, signals  # noqa: F401  (connects the receivers)
