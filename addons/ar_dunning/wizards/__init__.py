from . import ar_dunning_run_wizard
from . import ar_statement_wizard
from . import ar_balance_confirmation_wizard
