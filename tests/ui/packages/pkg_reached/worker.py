from contextlib import suppress

import pyfn_no_such_module

with suppress(ImportError):
    # Optional: not an error.
    import pyfn_no_such_accelerator


def go():
    return pyfn_no_such_module.go()
