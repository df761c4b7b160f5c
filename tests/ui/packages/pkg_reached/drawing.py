import pyfn_no_such_plotting_module


def draw():
    return pyfn_no_such_plotting_module.draw()
