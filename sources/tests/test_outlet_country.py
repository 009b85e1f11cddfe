"""An outlet's country is a real ISO 3166-1 code, refused next to the field otherwise,
and shown by its name."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from sources.models import Outlet
from sources.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def outlet_form(**changes):
    form = {
        "name": "Lahore Ledger",
        "slug": "lahore-ledger",
        "homepage": "",
        "country": "PK",
        "language": "en",
        "ownership_type": "unknown",
        "owner": "",
        "domains": "",
        "feed_urls": "",
    }
    return {**form, **changes}


def editor_client():
    client = Client()
    client.force_login(UserFactory(role="editor"))
    return client


def test_zz_is_refused_as_a_country_next_to_the_field_in_the_admin():
    response = editor_client().post(reverse("admin:sources_outlet_add"), outlet_form(country="ZZ"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["country"] == [
        "“ZZ” is not an ISO 3166-1 country code. Use two capital letters, such as PK for "
        "Pakistan or GB for the United Kingdom."
    ]
    assert not Outlet.objects.filter(slug="lahore-ledger").exists()


def test_zz_is_refused_by_full_clean_too():
    with pytest.raises(ValidationError) as refused:
        OutletFactory.build(country="ZZ").full_clean()
    assert "not an ISO 3166-1 country code" in str(refused.value.message_dict["country"])


def test_a_real_code_is_saved_and_shown_by_name_on_the_outlet_page(client):
    response = editor_client().post(reverse("admin:sources_outlet_add"), outlet_form())
    assert response.status_code == 302
    outlet = Outlet.objects.get(slug="lahore-ledger")

    page = client.get(outlet.get_absolute_url())

    assert "<dt>Country</dt><dd>Pakistan</dd>" in page.text
