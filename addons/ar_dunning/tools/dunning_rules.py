"""Which dunning level a customer reaches, as pure functions.

The run gathers a customer's open items and the policy's levels (in SQL),
then calls :func:`decide`; nothing here touches the database, so every rule is
tested on its own.

Rules:

- an item is an open receivable item of ``ar_credit_control/tools/receivables.py``
  (an instalment, with its own due date); it *reaches* a level when it is at
  least ``level.days`` days past its due date (negative days: that many days
  before it);
- an item never goes down: its level is at least the level it already had;
- the customer reaches a level when the open amount of the items at that
  level or higher is at least ``level.min_amount`` and the previous reminder
  is at least ``level.min_days_since_previous`` days old;
- excluded items, items disputed entirely, and items under an open promise to
  pay or an active payment plan (paused), are left out; an item partly
  disputed counts for its undisputed rest (its ``amount``, see
  ``tools/dispute_sql.py``);
- a communication is due only when some item climbs to a level it did not
  have yet; the highest such level satisfying the rules is chosen;
- the communication lists every item that reaches a level (its amount due is
  theirs) and raises each item to the level it reaches, capped at the level
  sent: the run stores this decision and applies it as it is.
"""

from dataclasses import dataclass, field
from datetime import date

from odoo.tools.float_utils import float_round

from odoo.addons.ar_credit_control.tools import receivables


@dataclass(frozen=True)
class Level:
    """A dunning level, as the rules see it."""

    key: int
    days: int
    min_amount: float = 0.0
    min_days_since_previous: int = 0


@dataclass(frozen=True)
class Item:
    """An open receivable item (instalment) of the customer, company currency.

    ``key``: the journal item; ``move_key``: its invoice (the reminder lists invoices).
    """

    key: int
    due_date: date
    amount: float
    current_days: int | None = None
    excluded: bool = False
    disputed: bool = False
    paused: bool = False
    move_key: int | None = None

    @property
    def dunnable(self):
        """Open, not excluded, not disputed, not under a promise or payment plan."""
        return self.amount > 0 and not (self.excluded or self.disputed or self.paused)


@dataclass(frozen=True)
class Decision:
    """The level to send, the level each item reaches with it, and what the reminder lists.

    ``amount``: open amount of the items at the level sent or higher (what
    ``min_amount`` is compared with); ``items``: keys of the items the
    reminder lists (every dunnable item reaching a level); ``amount_due``:
    their open amount; ``moves``: their invoices.
    """

    level: Level
    item_levels: dict = field(default_factory=dict)
    amount: float = 0.0
    items: tuple = ()
    amount_due: float = 0.0
    moves: tuple = ()


def days_past_due(item, today):
    """Days ``item`` is past its due date (negative before it), as ``receivables`` counts them."""
    return receivables.days_past_due(item.due_date, today)


def item_level(item, levels, today):
    """Highest level ``item`` reaches today, never below its current level (``None``: none)."""
    overdue = days_past_due(item, today)
    reached = [lv for lv in levels if lv.days <= overdue]
    current = [lv for lv in levels if item.current_days is not None and lv.days <= item.current_days]
    candidates = reached + current
    return max(candidates, key=lambda lv: lv.days) if candidates else None


def interval_ok(level, today, last_reminder):
    """The previous reminder is old enough for ``level``."""
    if not last_reminder:
        return True
    return (today - last_reminder).days >= (level.min_days_since_previous or 0)


def decide(items, levels, today, last_reminder=None):
    """The :class:`Decision` for a customer's ``items`` today, or ``None`` when nothing is due."""
    levels = sorted(levels, key=lambda lv: lv.days)
    active = [it for it in items if it.dunnable]
    reached = {it.key: item_level(it, levels, today) for it in active}
    for level in reversed(levels):
        amount = sum(it.amount for it in active if reached[it.key] and reached[it.key].days >= level.days)
        if amount <= 0 or amount < (level.min_amount or 0.0):
            continue
        climbing = [
            it
            for it in active
            if reached[it.key]
            and reached[it.key].days >= level.days
            and (it.current_days is None or it.current_days < level.days)
        ]
        if not climbing or not interval_ok(level, today, last_reminder):
            continue
        listed = [it for it in active if reached[it.key]]
        return Decision(
            level=level,
            item_levels=_raised_levels(active, reached, level),
            amount=amount,
            items=tuple(it.key for it in listed),
            amount_due=sum(it.amount for it in listed),
            moves=tuple(dict.fromkeys(it.key if it.move_key is None else it.move_key for it in listed)),
        )
    return None


def _raised_levels(items, reached, level):
    """``{item key: new level}`` of the items the communication raises, capped at ``level``."""
    raised = {}
    for it in items:
        if not reached[it.key]:
            continue
        new = level if reached[it.key].days >= level.days else reached[it.key]
        if it.current_days is None or new.days > it.current_days:
            raised[it.key] = new
    return raised


def fee_amount(fee_type, fixed, percent, overdue, rounding):
    """The late fee of a level: fixed, or a percentage of the overdue amount, rounded to ``rounding``.

    ``rounding`` is the currency's (a JPY fee has no decimals, a KWD fee three).
    """
    if fee_type == "fixed":
        value = fixed or 0.0
    elif fee_type == "percent":
        value = overdue * (percent or 0.0) / 100.0
    else:
        return 0.0
    return float_round(value, precision_rounding=rounding)
