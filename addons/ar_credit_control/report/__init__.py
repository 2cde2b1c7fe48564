from . import ar_aging_report_line
from . import ar_credit_kpi
from . import ar_credit_kpi_grade
from . import ar_credit_dashboard
from . import ar_credit_dashboard_line
from . import ar_data_quality_report
from . import ar_data_quality_issue
from . import ar_payment_behaviour
