from . import ar_statement
from . import ar_dunning_letter_report
from . import ar_statement_report
from . import ar_credit_dashboard
from . import ar_data_quality_report
