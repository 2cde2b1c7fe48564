"""Pure rules of the receivables aging: bucket bounds and labels (no ORM)."""

from dataclasses import dataclass

#: Default bounds: current (not due), 1-30, 31-60, 61-90, 91-120, >120 days past due.
DEFAULT_BUCKETS = "0,30,60,90,120"
#: At most seven buckets (six bounds), the columns of the reports.
MAX_BOUNDS = 6


class AgingBucketError(ValueError):
    """Invalid bucket definition; ``args[0]`` says why."""


@dataclass(frozen=True)
class AgingBuckets:
    """Upper bounds (days past due, inclusive) of every bucket but the last one."""

    bounds: tuple

    @property
    def count(self):
        """Number of buckets: one per bound and one beyond the last bound."""
        return len(self.bounds) + 1

    def labels(self, current="Current"):
        """Labels of the buckets, e.g. ``Current, 1-30, 31-60, 61-90, 91-120, >120``."""
        labels, low = [], None
        for bound in self.bounds:
            if low is None:
                labels.append(current if bound == 0 else f"0-{bound}")
            else:
                labels.append(f"{low + 1}-{bound}")
            low = bound
        labels.append(f">{low}")
        return labels

    def index(self, days_past_due):
        """Index of the bucket of an item ``days_past_due`` days past its due date."""
        for position, bound in enumerate(self.bounds):
            if days_past_due <= bound:
                return position
        return len(self.bounds)


def parse_buckets(text):
    """Parse ``"0,30,60,90,120"`` into :class:`AgingBuckets`.

    The bounds are whole numbers of days, not negative, strictly increasing,
    one to six of them. Raises :class:`AgingBucketError` otherwise.
    """
    parts = [part.strip() for part in (text or "").split(",")]
    if not parts or parts == [""]:
        raise AgingBucketError("No aging bucket defined.")
    try:
        bounds = tuple(int(part) for part in parts)
    except ValueError as error:
        raise AgingBucketError(f"Aging buckets must be whole numbers of days: {text!r}.") from error
    if len(bounds) > MAX_BOUNDS:
        raise AgingBucketError(f"At most {MAX_BOUNDS} aging bounds (seven buckets).")
    if min(bounds) < 0:
        raise AgingBucketError("Aging bounds cannot be negative.")
    if any(later <= earlier for earlier, later in zip(bounds, bounds[1:], strict=False)):
        raise AgingBucketError("Aging bounds must be strictly increasing.")
    return AgingBuckets(bounds)
