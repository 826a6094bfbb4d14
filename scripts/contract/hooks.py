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
    operation_id = case.operation.definition.raw.get("operationId")
    revoking = operation_id in REVOKING and response.status_code < 300
    if operation_id == "deleteAccount" and response.status_code < 300:
        passwords.pop(PHONES.get(phase, PHONES["examples"]), None)
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
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    real_number(case)
    return case


# map_case does not run for the examples phase's cases; before_call runs for every request.
@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and phase_of(case) == "examples":
        real_number(case)
        real_secrets(case, "examples")


def real_number(case) -> None:
    body = case.body
    if not isinstance(body, dict):
        return
    drawn = body.get("phoneNumber")
    if not isinstance(drawn, str):
        return
    if not REAL_NUMBER.match(drawn):
        body["phoneNumber"] = f"+1415555{zlib.crc32(drawn.encode()) % 10000:04d}"
    # `countryCode` must name the number's country, which for these numbers is the US.
    if "countryCode" in body:
        body["countryCode"] = "US"


# Operations whose success needs a secret no generator can guess (a pending code, a
# verification token, a live refresh token, a VPN session, an existing device, the account's
# password). In the examples phase (before_call above), their positive case gets a real one
# minted through the public flows, so every
# operation reaches its 2xx in every run, not only when the stateful phase happens to chain it
# (scripts/contract/coverage.ts fails the run otherwise). Other phases keep what was drawn.
PASSWORD = "SecurePass123!"
# A password account for `login`, outside the range map_case draws from.
LOGIN_PHONE = "+12025550110"
passwords: dict[str, str] = {}
registered: list[str] = []


def post(path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = requests.post(f"{BASE_URL}{path}", json=body, headers=headers, timeout=10)
    reply.raise_for_status()
    return reply.json()


def pending(phone: str) -> dict:
    return post("/v1/test/auth/bypass", {"phoneNumber": phone, "testMode": True})


def verification_token(phone: str) -> str:
    code = pending(phone)
    return post("/v1/auth/otp/verify", {"phoneNumber": phone, "otp": code["testOtp"], "sessionId": code["sessionId"]})["verificationToken"]


def login_account() -> str:
    if LOGIN_PHONE not in passwords:
        token = verification_token(LOGIN_PHONE)
        post("/v1/auth/register", {"phoneNumber": LOGIN_PHONE, "password": PASSWORD, "verificationToken": token})
        passwords[LOGIN_PHONE] = PASSWORD
    return LOGIN_PHONE


def current_token(case, phase: str) -> str:
    """A token that is live now (an earlier example may have revoked the one the case was given)."""
    token = tokens.get(phase) or sign_in(PHONES.get(phase, PHONES["examples"]))
    tokens[phase] = token
    case.headers = case.headers or {}
    case.headers["Authorization"] = f"Bearer {token}"
    return token


def real_secrets(case, phase: str) -> None:
    operation_id = case.operation.definition.raw.get("operationId")
    body = case.body if isinstance(case.body, dict) else None
    phone = PHONES.get(phase, PHONES["examples"])
    if operation_id in ("changePassword", "deleteAccount", "revokeDevice", "reportTrafficStats"):
        current_token(case, phase)
    if operation_id in ("verifyOtp", "signInWithOtp") and body is not None:
        code = pending(body["phoneNumber"])
        body.update(otp=code["testOtp"], sessionId=code["sessionId"])
    elif operation_id == "register" and body is not None:
        # a number with no account yet (the example's may have signed in through signInWithOtp)
        registered.append(f"+120255501{20 + len(registered):02d}")
        body["phoneNumber"] = registered[-1]
        body["verificationToken"] = verification_token(body["phoneNumber"])
        body["password"] = PASSWORD
    elif operation_id == "login" and body is not None:
        body.update(phoneNumber=login_account(), password=PASSWORD)
    elif operation_id == "refreshToken" and body is not None:
        code = pending(phone)
        signed_in = post("/v1/auth/otp/login", {"phoneNumber": phone, "otp": code["testOtp"], "sessionId": code["sessionId"], "deviceId": DEVICE_ID})
        body["refreshToken"] = signed_in["refreshToken"]
    elif operation_id == "changePassword" and body is not None:
        current = passwords.get(phone)
        body.pop("currentPassword", None)
        body.pop("verificationToken", None)
        if current:
            body["currentPassword"] = current
        else:
            body["verificationToken"] = verification_token(phone)
        body["newPassword"] = "EvenBetterPass456" if current != "EvenBetterPass456" else PASSWORD
        passwords[phone] = body["newPassword"]
    elif operation_id == "deleteAccount" and body is not None:
        # a fresh proof of the signed-in account: its password if it has one, else a verified code
        body.pop("currentPassword", None)
        body.pop("verificationToken", None)
        if passwords.get(phone):
            body["currentPassword"] = passwords[phone]
        else:
            body["verificationToken"] = verification_token(phone)
    elif operation_id == "reportTrafficStats" and body is not None:
        token = tokens[phase]
        body["sessionId"] = post("/v1/vpn/status", {"status": "CONNECTED"}, token)["sessionId"]
    elif operation_id == "revokeDevice":
        # a second device of the signed-in account, so the token in use stays live
        code = pending(phone)
        post("/v1/auth/otp/login", {"phoneNumber": phone, "otp": code["testOtp"], "sessionId": code["sessionId"], "deviceId": "contract-second-device"})
        token = tokens[phase]
        devices = requests.get(f"{BASE_URL}/v1/user/devices", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()["devices"]
        other = next(d for d in devices if d["deviceId"] == "contract-second-device")
        case.path_parameters = {**(case.path_parameters or {}), "deviceId": other["id"]}
