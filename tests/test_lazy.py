"""`bot.lazy.lazy`: worked out once per instance, and never waiting for another thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.lazy import lazy


@dataclass(frozen=True)
class Box:
    number: int
    computed: list[int]

    @lazy
    def double(self) -> int:
        """Twice the number."""
        self.computed.append(self.number)
        return 2 * self.number


def test_a_lazy_attribute_is_worked_out_once_per_instance_even_when_frozen():
    computed: list[int] = []
    one, two = Box(1, computed), Box(2, computed)
    assert (one.double, one.double, two.double, two.double) == (2, 2, 4, 4)
    assert computed == [1, 2]
    assert Box.double.__doc__ == "Twice the number."
    assert one == Box(1, computed)  # the stored value is not a field


@dataclass(frozen=True)
class Meeting:
    """Two threads that each work out one instance's `value`: the first waits for the
    second to start its own."""

    first_started: threading.Event
    second_started: threading.Event


class Waiting:
    def __init__(self, meeting: Meeting, first: bool) -> None:
        self.meeting = meeting
        self.first = first

    @lazy
    def value(self) -> bool:
        if self.first:
            self.meeting.first_started.set()
            return self.meeting.second_started.wait(5)
        self.meeting.second_started.set()
        return True


def test_threads_work_out_lazy_attributes_of_different_instances_at_once():
    """`functools.cached_property` (Python 3.11) holds one lock for the whole class while it
    works a value out: there the second thread would wait for the first, which waits for
    it, and the first would give up after 5 s."""
    meeting = Meeting(threading.Event(), threading.Event())
    first, second = Waiting(meeting, first=True), Waiting(meeting, first=False)
    results: list[bool] = []
    worker = threading.Thread(target=lambda: results.append(first.value))
    worker.start()
    assert meeting.first_started.wait(5)
    assert second.value
    worker.join(10)
    assert results == [True]
