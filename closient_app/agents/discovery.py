"""Where agents find our skills: `/.well-known/agent-skills/index.json` (the Agent Skills
Discovery draft, v0.2.0 index: name, type, description, url, sha256 digest) and the skill
documents themselves under `/agent-skills/`, served from the package."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from closient_app.agents.skills import BY_FILENAME, SKILLS
from closient_app.config import get_settings
from closient_app.errors import NotFound

router = APIRouter(tags=["discovery"], include_in_schema=False)
INDEX_SCHEMA = "https://schemas.agentskills.io/discovery/0.2.0/schema.json"
MARKDOWN = "text/markdown; charset=utf-8"


def skills_index(base_url: str) -> dict:
    return {
        "$schema": INDEX_SCHEMA,
        "skills": [
            {
                "name": skill.name,
                "type": "skill-md",
                "description": skill.description,
                "url": base_url + skill.path,
                "digest": "sha256:" + hashlib.sha256(skill.read().encode()).hexdigest(),
            }
            for skill in SKILLS
        ],
    }


@router.get("/.well-known/agent-skills/index.json")
def get_skills_index() -> JSONResponse:
    return JSONResponse(skills_index(get_settings().base_url))


@router.api_route("/agent-skills/{filename}", methods=["GET", "HEAD"])
def get_skill(filename: str, request: Request) -> Response:
    skill = BY_FILENAME.get(filename)
    if skill is None:
        raise NotFound(
            f"No skill document {filename!r}.",
            next_step="See the list at /.well-known/agent-skills/index.json.",
        )
    body = "" if request.method == "HEAD" else skill.read()
    return Response(body, media_type=MARKDOWN, headers={"Cache-Control": "public, max-age=300"})
