from django import forms

from .models import Profile
from .services import profile_update


class SignupForm(forms.Form):
    """allauth's signup form asks for this too (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        max_length=50, help_text="Shown beside your comments. Not your email address."
    )

    def signup(self, request, user):
        profile_update(user=user, display_name=self.cleaned_data["display_name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "notify_on_reply", "notify_on_rejection"]
