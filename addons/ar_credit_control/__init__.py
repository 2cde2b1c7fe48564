from . import models
from . import report
from . import wizards
from . import demo
from .models.ar_credit_balance import DROP_TRIGGER_SQL


def uninstall_hook(env):
    """Remove the database trigger that feeds ar_credit_balance."""
    env.cr.execute(DROP_TRIGGER_SQL)
