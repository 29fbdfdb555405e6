import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The six digits an authenticator app shows (full-width digits and spaces are accepted as typed)."""

    code = forms.CharField(
        label=_("six-digit code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "class": "narrow-input",
            }
        ),
    )

    def clean_code(self) -> str:
        code = unicodedata.normalize("NFKC", self.cleaned_data["code"]).replace(" ", "").replace("-", "")
        if not (code.isdecimal() and len(code) == 6):
            raise forms.ValidationError(_("Enter the six digits your authenticator app shows now."))
        return code


class PasswordCheckForm(forms.Form):
    password = forms.CharField(
        label=_("your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):  # type: ignore[attr-defined]
            raise forms.ValidationError(_("The password is not correct."))
        return password
