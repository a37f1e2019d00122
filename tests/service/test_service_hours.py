"""Opening hours (issue 17): services across midnight, closed days, closures and openings by
date, the daylight-saving nights and the pause, computed by pizzeria.hours in Paris time."""
from datetime import UTC, date, datetime, time, timedelta

import pytest

from pizzeria.hours import PARIS, Schedule, instant, schedule_of
from pizzeria.models import OpeningHours, SpecialDay
from tests.factories import PizzeriaFactory

EVENINGS = {day: [(time(18, 0), time(2, 0))] for day in range(6)}  # Monday to Saturday, 18:00-02:00; Sunday closed


def paris(*args, fold=0):
    return datetime(*args, tzinfo=PARIS, fold=fold).astimezone(UTC)


def test_a_service_across_midnight_ends_the_next_day():
    schedule = Schedule(weekly=EVENINGS, special={})
    # Wednesday 2026-12-02 evening service, then the small hours of Thursday.
    assert not schedule.is_open(paris(2026, 12, 2, 17, 59))
    assert schedule.is_open(paris(2026, 12, 2, 18, 0))
    assert schedule.is_open(paris(2026, 12, 3, 1, 59))
    assert not schedule.is_open(paris(2026, 12, 3, 2, 0))
    assert schedule.reopens_at(paris(2026, 12, 3, 2, 0)) == paris(2026, 12, 3, 18, 0)


def test_a_closed_day_still_ends_the_service_of_the_night_before():
    schedule = Schedule(weekly=EVENINGS, special={})
    # Saturday's service runs into Sunday; Sunday itself has no service.
    assert schedule.is_open(paris(2026, 12, 6, 1, 30))
    assert not schedule.is_open(paris(2026, 12, 6, 20, 0))
    assert schedule.reopens_at(paris(2026, 12, 6, 20, 0)) == paris(2026, 12, 7, 18, 0)


def test_several_services_a_day():
    lunch_and_dinner = {2: [(time(11, 30), time(14, 30)), (time(18, 30), time(23, 0))]}
    schedule = Schedule(weekly=lunch_and_dinner, special={})
    assert schedule.is_open(paris(2026, 12, 2, 12, 0))
    assert not schedule.is_open(paris(2026, 12, 2, 16, 0))
    assert schedule.reopens_at(paris(2026, 12, 2, 16, 0)) == paris(2026, 12, 2, 18, 30)
    slots = schedule.slots(now=paris(2026, 12, 2, 10, 0), earliest=paris(2026, 12, 2, 14, 5), days=0)
    assert slots[0] == paris(2026, 12, 2, 14, 15)
    assert paris(2026, 12, 2, 14, 30) not in slots and paris(2026, 12, 2, 18, 30) in slots
    assert slots[-1] == paris(2026, 12, 2, 22, 45)


def test_a_closure_by_date_and_an_exceptional_opening():
    christmas, sunday = date(2026, 12, 25), date(2026, 12, 27)
    schedule = Schedule(
        weekly=EVENINGS, special={christmas: [], sunday: [(time(12, 0), time(15, 0))]},
    )
    assert not schedule.is_open(paris(2026, 12, 25, 20, 0))  # a Friday, closed for Christmas
    assert schedule.is_open(paris(2026, 12, 25, 1, 0))  # Thursday's service still ends as planned
    assert schedule.reopens_at(paris(2026, 12, 25, 3, 0)) == paris(2026, 12, 26, 18, 0)
    assert schedule.is_open(paris(2026, 12, 27, 13, 0))  # a Sunday opened for lunch
    assert not schedule.is_open(paris(2026, 12, 27, 20, 0))


@pytest.mark.django_db
def test_hours_read_from_the_database_with_a_closed_date():
    shop = PizzeriaFactory()
    for weekday in range(7):
        OpeningHours.objects.create(pizzeria=shop, weekday=weekday, opens=time(11, 0), closes=time(23, 0))
    SpecialDay.objects.create(pizzeria=shop, date=date(2026, 12, 25), closed=True, note="Noël")
    schedule = schedule_of(shop, around=paris(2026, 12, 24, 12, 0))
    assert schedule.is_open(paris(2026, 12, 24, 12, 0))
    assert not schedule.is_open(paris(2026, 12, 25, 12, 0))
    assert schedule.reopens_at(paris(2026, 12, 25, 12, 0)) == paris(2026, 12, 26, 11, 0)


def test_the_night_the_clocks_go_forward():
    # Saturday 27 March 2027, 20:00-03:00: the clocks jump from 02:00 to 03:00 during it.
    schedule = Schedule(weekly={5: [(time(20, 0), time(3, 0))]}, special={})
    opens, closes = paris(2027, 3, 27, 20, 0), datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert closes.astimezone(PARIS).hour == 3  # 03:00 summer time
    assert schedule.is_open(closes - timedelta(minutes=1))  # 01:59 winter time
    assert not schedule.is_open(closes)
    slots = schedule.slots(now=opens, earliest=opens, days=1)
    assert len(slots) == 6 * 4  # six real hours, not seven
    labels = [s.astimezone(PARIS).strftime("%H:%M") for s in slots]
    assert "02:00" not in labels and labels[-2:] == ["01:30", "01:45"]


def test_a_wall_time_skipped_in_march_is_the_jump():
    assert instant(date(2027, 3, 28), time(2, 30)) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_the_night_the_clocks_go_back():
    # Saturday 24 October 2026, 20:00-03:00: 02:00-03:00 happens twice.
    schedule = Schedule(weekly={5: [(time(20, 0), time(3, 0))]}, special={})
    opens = paris(2026, 10, 24, 20, 0)
    slots = schedule.slots(now=opens, earliest=opens, days=1)
    assert len(slots) == 8 * 4  # eight real hours
    labels = [s.astimezone(PARIS).strftime("%H:%M") for s in slots]
    assert labels.count("02:15") == 2  # two different instants, one label each
    assert schedule.is_open(paris(2026, 10, 25, 2, 30, fold=1))  # the second 02:30, winter time
    assert not schedule.is_open(datetime(2026, 10, 25, 2, 0, tzinfo=UTC))  # 03:00 winter time


def test_the_pause_starts_and_ends_by_itself():
    now = paris(2026, 12, 2, 20, 0)
    schedule = Schedule(weekly=EVENINGS, special={}, paused_until=now + timedelta(minutes=30))
    assert schedule.is_open(now) and not schedule.takes_orders(now)
    assert schedule.reopens_at(now) == now + timedelta(minutes=30)
    assert schedule.takes_orders(now + timedelta(minutes=30))  # nothing had to run
    slots = schedule.slots(now=now, earliest=now + timedelta(minutes=20), days=0)
    assert slots[0] == now + timedelta(minutes=30)  # only slots after the pause


def test_a_shop_without_hours_always_takes_orders():
    schedule = Schedule(weekly={}, special={})
    assert schedule.takes_orders(paris(2026, 12, 6, 3, 0))
