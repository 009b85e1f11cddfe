from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from .forms import ProfileForm
from .services import profile_for, profile_update


class ProfileView(LoginRequiredMixin, FormView):
    """A reader's public display name and which emails they get."""

    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": profile_for(user=self.request.user)}

    def form_valid(self, form):
        try:
            profile_update(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your profile is saved.")
        return redirect("accounts:profile")
