from . import ar_demo_history
