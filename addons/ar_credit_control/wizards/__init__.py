from . import ar_credit_release_wizard
from . import ar_aging_report_wizard
from . import ar_aging_report_line
from . import ar_credit_kpi
from . import ar_credit_kpi_grade
from . import ar_credit_dashboard
from . import ar_credit_dashboard_line
