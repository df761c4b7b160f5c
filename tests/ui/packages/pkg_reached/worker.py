import pyfn_no_such_module


def go():
    return pyfn_no_such_module.go()
