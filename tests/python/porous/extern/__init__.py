"""`porous.extern.X` is `porous._vendor.X`, as setuptools' `extern`
vendors its dependencies: an import hook of the package's own, on
`sys.meta_path`."""
import importlib
import importlib.util
import sys


class _Vendored:
    prefix = __name__ + "."

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(self.prefix):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module("porous._vendor." + spec.name[len(self.prefix):])

    def exec_module(self, module):
        pass


if not any(isinstance(finder, _Vendored) for finder in sys.meta_path):
    sys.meta_path.append(_Vendored())
