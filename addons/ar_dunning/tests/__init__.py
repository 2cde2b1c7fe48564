from . import test_install
from . import test_dunning_policy
from . import test_dunning_rules
from . import test_dunning_run
from . import test_dunning_actions
from . import test_dispute_log
from . import test_promise_plan
from . import test_dunning_concurrency
