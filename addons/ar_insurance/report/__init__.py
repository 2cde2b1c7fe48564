from . import ar_credit_dashboard
