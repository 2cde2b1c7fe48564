from . import ar_credit_release_wizard
