"""The local web page (`taskmap serve`): Starlette + Jinja2 templates + uvicorn, in the
optional extra `taskmap[web]`. Importing this package needs none of them: `require()` says
in one Chinese line what is missing; `taskmap.web.app.create_app()` is the ASGI app and
`taskmap.web.server.serve()` runs it on this machine."""

from __future__ import annotations

from importlib import import_module

from ..errors import MissingExtra

PARTS = {"starlette": "starlette", "jinja2": "jinja2", "uvicorn": "uvicorn",
         "multipart": "python-multipart"}


def require() -> None:
    """Raise MissingExtra, naming the packages, when the `web` extra is not installed."""
    missing = []
    for module, package in PARTS.items():
        try:
            import_module(module)
        except ImportError:
            missing.append(package)
    if missing:
        raise MissingExtra(f"网页界面需要可选组件 taskmap[web],缺少 {'、'.join(missing)}:"
                           "请运行 pip install 'taskmap[web]'")
