from . import ar_dunning_run_wizard
