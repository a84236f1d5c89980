"""Environment for running Reflex on machines that reach only the package registries.

Reflex would download bun from GitHub and phone home; we point it at the bun that the setup
installed from the npm registry and switch the phone-home calls off.
"""

from __future__ import annotations

import glob
import os

from closient_app.config import LOCAL_DIR

# npm may or may not run bun's postinstall, which moves the platform binary; look in both places.
BUN_CANDIDATES = (
    "bun/node_modules/@oven/bun-linux-*/bin/bun",
    "bun/node_modules/bun/bin/bun.exe",
)


def bun_path() -> str:
    for pattern in BUN_CANDIDATES:
        for path in sorted(glob.glob(str(LOCAL_DIR / pattern))):
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    return path
    raise SystemExit("bun is missing: run `make setup` (installs it from the npm registry)")


def reflex_environment(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "REFLEX_BUN_PATH": bun_path(),
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "NPM_CONFIG_REGISTRY": "https://registry.npmjs.org",
            "REFLEX_DIR": str(LOCAL_DIR / "reflex"),
            "BUN_INSTALL_CACHE_DIR": str(LOCAL_DIR / "bun-cache"),
            "PORT": str(port),
        }
    )
    return env
