"""Pure pieces of the UI: errors in words, polling back-off, search words, the login script."""

from closient_app.errors import ValidationFailed
from closient_app.pages.onboarding.first_sync import POLL_MAX_S, POLL_MIN_S, next_delay
from closient_app.services.onboarding_sync import UNKNOWN_ERROR, error_in_words
from closient_app.services.search_preview import search_words
from closient_app.state.feedback import (
    NETWORK_TROUBLE,
    envelope_problems,
    post_json_script,
    problem_text,
)
from closient_app.state.session import NotAllowed


def test_polling_never_runs_faster_than_every_five_seconds_and_backs_off() -> None:
    delay, seen = POLL_MIN_S, []
    for _ in range(8):
        delay = next_delay(delay, moved=False)
        seen.append(delay)
    assert all(POLL_MIN_S <= d <= POLL_MAX_S for d in seen)
    assert seen == sorted(seen) and seen[-1] == POLL_MAX_S
    assert next_delay(POLL_MAX_S, moved=True) == POLL_MIN_S


def test_sync_errors_are_told_in_words_a_retailer_can_act_on() -> None:
    assert "temporary problem" in error_in_words("PosUnavailable: HTTP 500 from Shopify")
    assert "slow down" in error_in_words("ThrottledError: 429 Too Many Requests")
    assert "Connect it again" in error_in_words("ReconnectRequired: token rejected")
    assert error_in_words("KeyError: 'variants'") == UNKNOWN_ERROR
    assert error_in_words(None) == ""


def test_a_suggested_search_is_safe_for_the_query_syntax() -> None:
    assert search_words("Prairie Waxed Mug - Oat") == "Prairie Waxed Mug"
    assert "-" not in search_words("3-in-1 Oil")


def test_the_api_error_envelope_becomes_a_message_and_field_errors() -> None:
    answer = {
        "status": 422,
        "body": {
            "error": {
                "message": "The sign-up details are not valid: see details.",
                "details": [{"field": "body.password", "message": "Use at least 10 characters."}],
            }
        },
    }
    message, fields = envelope_problems(answer)
    assert message.startswith("The sign-up details")
    assert fields == {"password": "Use at least 10 characters."}
    assert envelope_problems({"status": 0, "body": {}}) == (NETWORK_TROUBLE, {})


def test_the_login_script_reads_inputs_by_id_and_embeds_nothing_typed() -> None:
    script = post_json_script("/account/api/v1/login", {"email": "login-email"})
    assert 'document.getElementById("login-email").value' in script
    assert "credentials: 'same-origin'" in script


def test_a_refused_action_reads_as_its_message_never_the_agents_next_step() -> None:
    refused = ValidationFailed(
        "The shop domain is not valid.",
        details=[{"field": "shop", "message": "use the myshopify.com address"}],
        next_step="POST /integrations/api/v1/connect with a valid shop",
    )

    assert problem_text(refused) == "The shop domain is not valid."
    assert problem_text(NotAllowed("Only owners and managers can do this.")) == (
        "Only owners and managers can do this."
    )
