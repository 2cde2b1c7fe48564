"""Rules of the grade scale, as pure functions: ranges of scores and their overlaps."""


def find_overlap(ranges):
    """Return the first pair of (key, low, high) ranges that overlap, or None.

    A range covers low <= score < high, so [40, 55) and [55, 70) touch
    without overlapping.
    """
    ordered = sorted(ranges, key=lambda item: (item[1], item[2]))
    for previous, current in zip(ordered, ordered[1:], strict=False):
        if current[1] < previous[2]:
            return previous, current
    return None


def score_in_range(score, low, high):
    """True when ``score`` lies in [low, high); the top of the scale (100) is included."""
    return low <= score < high or score == high == 100
