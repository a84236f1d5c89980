"""Domain logic. No Reflex and no HTTP framework imports: pages, API routes and jobs call these.

Services are keyword-only functions taking the session; they raise `closient_app.api.errors`
domain errors (plain exceptions with a status), mapped to the envelope in one place.
"""
