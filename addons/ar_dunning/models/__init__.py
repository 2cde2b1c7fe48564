from . import ar_dunning_policy
from . import ar_dunning_level
from . import res_company
from . import res_config_settings
