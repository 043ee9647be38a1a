from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    # Django's own text warns that both fields may be case-sensitive. Every
    # account stores its address in lower case and clean_username lower-cases
    # the typed one, so only the password's case matters.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or the password is incorrect. Upper and lower "
            "case matter in the password but not in the e-mail address."
        ),
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case, and the lookup is case-sensitive.
        return str(self.cleaned_data["username"]).strip().lower()
