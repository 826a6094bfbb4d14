"""Schemathesis hooks for scripts/contract-test: how the fuzzer signs in, and real phone numbers.

Signing in takes two requests (the test-mode bypass hands out the pending OTP, then
`signInWithOtp` trades it for tokens), which the one-request `[auth.dynamic]` config cannot
express, so a provider does it. logout, deleteAccount, revokeDevice and changePassword revoke
the token in use; Schemathesis' own 401 retry does not run in the stateful phase, so the
provider keeps the token itself and `after_call` drops it as soon as it may have been revoked:
the next request signs in again instead of collecting 401s.
"""

import os
import re
import zlib

import requests
import schemathesis

BASE_URL = os.environ["CONTRACT_BASE_URL"]
DEVICE_ID = "contract-test-device"
# One account per phase, so what one phase does to its account (a used-up data quota, a deleted
# account) cannot starve the next. Real numbers outside the range map_case draws from, so a
# fuzzed sendOtp cannot void the code the provider is about to use.
PHONES = {
    "examples": "+12025550100",
    "coverage": "+12025550101",
    "fuzzing": "+12025550102",
    "stateful": "+12025550103",
}
REVOKING = {"logout", "deleteAccount", "revokeDevice", "changePassword"}
tokens: dict[str, str] = {}


def sign_in(phone: str) -> str:
    bypass = requests.post(
        f"{BASE_URL}/v1/test/auth/bypass", json={"phoneNumber": phone, "testMode": True}, timeout=10
    )
    bypass.raise_for_status()
    pending = bypass.json()
    login = requests.post(
        f"{BASE_URL}/v1/auth/otp/login",
        json={"phoneNumber": phone, "otp": pending["testOtp"], "sessionId": pending["sessionId"], "deviceId": DEVICE_ID},
        timeout=10,
    )
    login.raise_for_status()
    return login.json()["accessToken"]


def phase_of(case) -> str:
    name = case.meta.phase.name if case.meta else "examples"
    return getattr(name, "value", name)


def requires_bearer(ctx) -> bool:
    # Public operations declare `security: []`; sending them a token would hide a server that
    # wrongly demands one.
    operation = ctx.operation
    return bool(operation.definition.raw.get("security", operation.schema.raw_schema.get("security")))


# No Schemathesis-side caching (refresh_interval=None): `tokens` is the cache, so the hook
# below can drop an entry the moment it goes stale. Runs use one worker, so no request is in
# flight while a token is revoked.
@schemathesis.auth(refresh_interval=None).apply_to(requires_bearer)
class OtpSignIn:
    def get(self, case, context):
        phase = phase_of(case)
        if phase not in tokens:
            tokens[phase] = sign_in(PHONES.get(phase, PHONES["examples"]))
        return tokens[phase]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def after_call(context, case, response):
    phase = phase_of(case)
    token = tokens.get(phase)
    if token is None or response.request.headers.get("Authorization") != f"Bearer {token}":
        return
    revoking = case.operation.definition.raw.get("operationId") in REVOKING and response.status_code < 300
    if revoking or response.status_code == 401:
        del tokens[phase]


# The schema can only state E.164 syntax; the server also refuses numbers no carrier could
# assign (see PhoneNumber in the spec). So a POSITIVE case gets a real number for the server to
# be bound to accept: one of the 10,000 valid San Francisco numbers +1 415 555 XXXX, picked from
# the drawn value so shrinking and replays stay deterministic. A number that is already one
# (carried by a link from an earlier response) is kept. Negative cases keep what was drawn.
REAL_NUMBER = re.compile(r"^\+1415555[0-9]{4}$")


@schemathesis.hook
def map_case(context, case):
    body = case.body
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(body, dict):
        return case
    drawn = body.get("phoneNumber")
    if not isinstance(drawn, str):
        return case
    if not REAL_NUMBER.match(drawn):
        body["phoneNumber"] = f"+1415555{zlib.crc32(drawn.encode()) % 10000:04d}"
    # `countryCode` must name the number's country, which for these numbers is the US.
    if "countryCode" in body:
        body["countryCode"] = "US"
    return case
