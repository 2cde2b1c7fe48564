from . import ar_dunning_run_wizard
from . import ar_statement_wizard
from . import ar_credit_dashboard
from . import ar_data_quality_report
