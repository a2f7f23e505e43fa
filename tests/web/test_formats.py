from datetime import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template


def test_dates_and_times_show_in_uk_style_with_24_hour_clock():
    moment = datetime(2026, 11, 24, 23, 34, tzinfo=ZoneInfo("UTC"))
    rendered = Template("{{ moment }}|{{ moment|date }}|{{ moment|time }}").render(
        Context({"moment": moment})
    )
    assert rendered == "24 November 2026, 23:34|24 November 2026|23:34"


def test_times_are_shown_in_london_time():
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert Template("{{ moment|time }}").render(Context({"moment": summer})) == "13:00"
