"""`lazy`: an attribute worked out on first use, with no lock.

`functools.cached_property` takes one lock per attribute before working a value out, the
same lock for every instance of the class, until Python 3.12. Four answer threads reading
the surface words of their candidates' sentences queued on it: in `benchmarks.discord_load`
a quarter of the answer threads' samples were in `cached_property.__get__`. What is cached
here is a pure function of the instance, so two threads that work it out at once get equal
values and one of them is kept; nothing needs the lock. This is 3.12's `cached_property`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class lazy(Generic[T]):  # lower case: a decorator, like `property`
    """Like `functools.cached_property` (the instance needs a `__dict__`), without a lock."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self._compute = compute
        self._name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> lazy[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | lazy[T]:
        if instance is None:
            return self
        # Not a data descriptor: once stored, the instance's own entry is found first and
        # this is not called again.
        value = self._compute(instance)
        instance.__dict__[self._name] = value
        return value
