"""taskmap's version, written here and nowhere else: the build reads it from this file
(pyproject.toml, `[tool.hatch.version]`), and so do `taskmap --version`, `taskmap.__version__`
and a dataset's manifest."""

__version__ = "0.1.0"
