from django import forms
from django.core.exceptions import ValidationError

from .models import Profile
from .names import display_name_key
from .services import check_display_name, profile_update


def _checked_display_name(name: str, *, user=None) -> str:
    """check_display_name, its error put on the field this form is cleaning."""
    try:
        return check_display_name(name, user=user)
    except ValidationError as error:
        raise ValidationError(error.message_dict["display_name"]) from None


class SignupForm(forms.Form):
    """allauth's signup form asks for this too (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        max_length=50, help_text="Shown beside your comments. Not your email address."
    )

    def clean_display_name(self):
        return _checked_display_name(self.cleaned_data["display_name"])

    def signup(self, request, user):
        profile_update(user=user, display_name=self.cleaned_data["display_name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "notify_on_reply", "notify_on_rejection"]

    def clean_display_name(self):
        name = self.cleaned_data["display_name"]
        if display_name_key(name) == self.instance.display_name_key:
            return name.strip()  # unchanged (or only recased): the reader's own name
        return _checked_display_name(name, user=self.instance.user)
