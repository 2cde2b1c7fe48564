from . import ar_dunning_demo_history
