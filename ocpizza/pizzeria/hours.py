"""When a shop takes orders: weekly services, dated exceptions, the manager's pause, and the
quarter-hour slots a customer may order for (issue 17). Reads only.

Hours are wall-clock times in Europe/Paris. Every instant below is an aware datetime computed
with the standard library's zoneinfo, so the daylight-saving nights come out right: a service
20:00-03:00 lasts 7 hours of real time on an ordinary night, 6 on the night the clocks go
forward and 8 on the night they go back; slots step through real time, so that night has
fewer (or more) quarter-hours, never a slot that does not exist.

- A service whose closing time is not after its opening time ends the next day (18:00-02:00).
- A date with special days replaces that date's weekly services: a closed one closes the
  whole date (a public holiday), otherwise its hours are that date's only services (an
  exceptional opening). A service started the day before still ends as planned.
- A wall time that does not exist (the hour skipped in March) is read as the instant the
  clocks jump; one that exists twice (October) as its first occurrence.
- A shop without any weekly service has not set its hours: it takes orders at any time.
- The pause (Pizzeria.paused_until) stops orders until then and ends by itself.

Hand-written on purpose: no maintained library computes services across midnight with dated
closures and openings; the calendar arithmetic is zoneinfo's.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef
from django.utils import timezone

from pizzeria.models import OpeningHours, SpecialDay

PARIS = ZoneInfo("Europe/Paris")
SLOT = timedelta(minutes=15)
SLOT_DAYS = 3  # slots are offered from today to this many days ahead
PAUSE_MINUTES = (15, 30, 60)
ALWAYS = (datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))


def instant(day: date, at: time) -> datetime:
    """The instant the Paris clocks read `at` on `day` (see module docstring for DST)."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=PARIS, fold=0)
    if first.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) == naive:
        return first.astimezone(UTC)
    # Skipped wall time: the first minute whose wall time is at or after `at` is the jump.
    moment = naive.replace(tzinfo=PARIS, fold=1).astimezone(UTC)
    while moment.astimezone(PARIS).replace(tzinfo=None) < naive:
        moment += timedelta(minutes=1)
    return moment


def slot_floor(moment: datetime) -> datetime:
    """The start of the quarter-hour holding `moment` (Paris' offsets are whole hours, so UTC
    and Paris quarter-hours coincide)."""
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def slot_ceil(moment: datetime) -> datetime:
    floor = slot_floor(moment)
    return floor if floor == moment else floor + SLOT


@dataclass(frozen=True)
class Schedule:
    """A shop's hours, read once (two queries); every method is pure computation."""

    weekly: dict  # weekday (Monday 0) -> [(opens, closes)]
    special: dict  # date -> [(opens, closes)], [] for a closed date
    paused_until: datetime | None = None

    @property
    def has_hours(self):
        return bool(self.weekly) or bool(self.special)

    def services_starting(self, day: date):
        """[(start, end)] instants of the services that start on `day` (Paris date)."""
        hours = self.special[day] if day in self.special else self.weekly.get(day.weekday(), [])
        services = []
        for opens, closes in hours:
            end_day = day if closes > opens else day + timedelta(days=1)
            services.append((instant(day, opens), instant(end_day, closes)))
        return sorted(services)

    def intervals(self, start: datetime, end: datetime):
        """Open intervals (merged, before the pause) that overlap [start, end)."""
        if not self.has_hours:
            return [ALWAYS]
        first = start.astimezone(PARIS).date() - timedelta(days=1)
        last = end.astimezone(PARIS).date()
        found = []
        day = first
        while day <= last:
            found.extend(s for s in self.services_starting(day) if s[1] > start and s[0] < end)
            day += timedelta(days=1)
        merged = []
        for s, e in sorted(found):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return merged

    def is_open(self, at: datetime) -> bool:
        """Within its hours at `at` (the pause aside)."""
        return any(s <= at < e for s, e in self.intervals(at, at + timedelta(seconds=1)))

    def is_paused(self, at: datetime) -> bool:
        return self.paused_until is not None and at < self.paused_until

    def takes_orders(self, at: datetime) -> bool:
        """Open and not paused: an order "as soon as possible" is possible."""
        return self.is_open(at) and not self.is_paused(at)

    def reopens_at(self, at: datetime, *, horizon_days=14):
        """The first instant at or after `at` when the shop takes orders, or None within the horizon."""
        earliest = max(at, self.paused_until) if self.paused_until else at
        for s, e in self.intervals(earliest, earliest + timedelta(days=horizon_days)):
            if e > earliest:
                return max(s, earliest)
        return None

    def slots(self, *, now: datetime, earliest: datetime, days=SLOT_DAYS):
        """Slot starts a customer may choose: every quarter-hour inside the hours, from
        `earliest` (the soonest promise, after any pause) up to `days` Paris days ahead."""
        start = slot_ceil(max(earliest, self.paused_until) if self.paused_until else earliest)
        last_day = now.astimezone(PARIS).date() + timedelta(days=days)
        end = instant(last_day + timedelta(days=1), time(0, 0))
        found = []
        for s, e in self.intervals(start, end):
            moment = max(slot_ceil(s), start)
            while moment < min(e, end):
                found.append(moment)
                moment += SLOT
        return found


def with_hours_flag(queryset):
    """Pizzerias annotated with `has_hours` (any weekly service or special day), in the same
    query: schedule_of then needs no query at all for a shop without hours (the menu's budget)."""
    return queryset.annotate(
        has_hours=Exists(OpeningHours.objects.filter(pizzeria=OuterRef("pk")))
        | Exists(SpecialDay.objects.filter(pizzeria=OuterRef("pk")))
    )


def schedule_of(pizzeria, *, around: datetime | None = None) -> Schedule:
    """The shop's Schedule: weekly services and the special days near `around` (two queries,
    none for a pizzeria read through with_hours_flag that has no hours)."""
    if getattr(pizzeria, "has_hours", None) is False:
        return Schedule(weekly={}, special={}, paused_until=pizzeria.paused_until)
    around = around or timezone.now()
    today = around.astimezone(PARIS).date()
    weekly = {}
    for row in OpeningHours.objects.filter(pizzeria=pizzeria).order_by("weekday", "opens"):
        weekly.setdefault(row.weekday, []).append((row.opens, row.closes))
    special, closed = {}, set()
    for row in SpecialDay.objects.filter(
        pizzeria=pizzeria, date__gte=today - timedelta(days=1), date__lte=today + timedelta(days=15)
    ).order_by("date", "opens"):
        hours = special.setdefault(row.date, [])
        if row.closed:
            closed.add(row.date)
        else:
            hours.append((row.opens, row.closes))
    for day in closed:  # a closed date has no services, whatever else is listed for it
        special[day] = []
    return Schedule(weekly=weekly, special=special, paused_until=pizzeria.paused_until)
