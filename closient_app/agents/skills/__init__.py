"""Our skill documents for agents, shipped inside the package and served at /agent-skills/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Skill:
    name: str
    filename: str
    description: str

    @property
    def path(self) -> str:
        return f"/agent-skills/{self.filename}"

    @property
    def resource_uri(self) -> str:
        return f"closient://agent-skills/{self.filename}"

    def read(self) -> str:
        return _read(self.filename)


@cache
def _read(filename: str) -> str:
    return resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")


SKILLS = (
    Skill(
        name="onboard-retailer",
        filename="onboard-retailer.md",
        description="Take a retailer from signed up to found in local search, over the API: "
        "headless POS connect, first sync, stores published, readiness, search.",
    ),
)
BY_FILENAME = {skill.filename: skill for skill in SKILLS}
