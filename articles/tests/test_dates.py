"""`|isodatetime`: what goes into `<time datetime>` and OpenGraph times."""

import datetime as dt

from django.template import Context, Template

from articles.templatetags.dates import isodatetime_string

AT = dt.datetime(2025, 5, 6, 14, 30, 0, 123456, tzinfo=dt.UTC)


def test_a_timestamp_has_whole_seconds_and_an_explicit_utc_offset():
    assert isodatetime_string(AT) == "2025-05-06T14:30:00+00:00"


def test_another_time_zone_is_given_in_utc():
    kolkata = dt.timezone(dt.timedelta(hours=5, minutes=30))
    assert isodatetime_string(AT.astimezone(kolkata)) == "2025-05-06T14:30:00+00:00"


def test_date_precision_gives_the_date_alone():
    assert isodatetime_string(AT, "date") == "2025-05-06"
    assert isodatetime_string(AT.date()) == "2025-05-06"


def test_no_value_gives_an_empty_string():
    assert isodatetime_string(None) == ""


def test_every_template_has_the_filter_without_loading_it():
    template = Template('<time datetime="{{ at|isodatetime }}">')
    assert template.render(Context({"at": AT})) == '<time datetime="2025-05-06T14:30:00+00:00">'
