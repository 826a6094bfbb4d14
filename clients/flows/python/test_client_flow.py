"""The client flows through the generated Python client against a live test-mode server
(BARQNET_URL), one test per step, in file order. Every answer must parse into its model and
serialise back to the JSON the server sent. The code comes from the internal test bypass, called
raw: it is not in the public contract the client is generated from."""

import datetime
import json
import os

import pytest
import urllib3

import barqnet_client as bc
from barqnet_client.exceptions import UnauthorizedException

URL = os.environ["BARQNET_URL"]
PHONE, OTP_PHONE, PASSWORD = "+12025550130", "+12025550131", "Python-Flow-Pass1"
OVPN = "client\ndev tun\nproto udp\nremote vpn.example.net 1194\nnobind\nremote-cert-tls server\n"
config = bc.Configuration(host=URL)
client = bc.ApiClient(config)
auth, users, vpn = bc.AuthApi(client), bc.UserApi(client), bc.VPNApi(client)
device = bc.DeviceInfo(platform=bc.Platform.ANDROID, model="Pixel 8", app_version="1.0.0")
state: dict = {}


def normal(node):
    """Null members dropped (absent = null for generated models), numbers as floats, timestamps as instants."""
    if isinstance(node, dict):
        return {k: normal(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [normal(v) for v in node]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return float(node)
    if isinstance(node, str) and len(node) >= 20 and node[4] == "-" and node[10] == "T":
        try:
            return datetime.datetime.fromisoformat(node.replace("Z", "+00:00")).astimezone(datetime.timezone.utc).isoformat()
        except ValueError:
            return node
    return node


def same(answer):
    """The typed model of a *_with_http_info answer, checked to re-serialise to what the server sent."""
    again = client.sanitize_for_serialization(answer.data)
    assert normal(again) == normal(json.loads(answer.raw_data)), f"{type(answer.data).__name__} does not round-trip"
    return answer.data


def bypass(phone):
    answer = urllib3.request("POST", f"{URL}/v1/test/auth/bypass", json={"phoneNumber": phone, "testMode": True})
    assert answer.status == 200
    return answer.json()["testOtp"], answer.json()["sessionId"]


def refused(token):
    config.access_token = token
    with pytest.raises(UnauthorizedException) as error:
        users.get_profile()
    body = error.value.body
    assert normal(client.sanitize_for_serialization(bc.ErrorResponse.from_json(body))) == normal(json.loads(body))


def test_password_send_otp():
    assert same(auth.send_otp_with_http_info(bc.SendOtpRequest(phone_number=PHONE))).success


def test_password_verify_otp_with_bypass_code():
    otp, session_id = bypass(PHONE)
    verified = same(auth.verify_otp_with_http_info(bc.VerifyOtpRequest(phone_number=PHONE, otp=otp, session_id=session_id)))
    assert verified.verified
    state["verification_token"] = verified.verification_token


def test_password_register():
    request = bc.RegisterRequest(phone_number=PHONE, password=PASSWORD, verification_token=state["verification_token"], device_id="python-flow-1", device_info=device)
    assert same(auth.register_with_http_info(request)).token_type == "Bearer"


def test_password_sign_in():
    state["login"] = same(auth.login_with_http_info(bc.LoginRequest(phone_number=PHONE, password=PASSWORD, device_id="python-flow-1", device_info=device)))
    config.access_token = state["login"].access_token


def test_profile_get():
    assert same(users.get_profile_with_http_info()).user.phone_number == PHONE


def test_profile_patch():
    patch = bc.UpdateProfileRequest(name="Python Flow", user_type=bc.UserType.BUYER, email="python@example.com", preferences=bc.Preferences(auto_connect=True))
    assert same(users.update_profile_with_http_info(patch)).user.email == "python@example.com"


def test_profile_clear_email():
    user = same(users.update_profile_with_http_info(bc.UpdateProfileRequest(clear=[bc.ProfileField.EMAIL]))).user
    assert user.email is None and user.name == "Python Flow"


def test_vpn_list_locations():
    state["location_id"] = next(l.id for l in same(vpn.list_locations_with_http_info()).locations if l.available)


def test_vpn_get_config():
    assert same(vpn.get_vpn_config_with_http_info(state["location_id"])).config.location_id == state["location_id"]


def test_vpn_connected_with_ipv4():
    request = bc.ReportConnectionStatusRequest(status=bc.ConnectionStatus.CONNECTED, location_id=state["location_id"], connected_at=datetime.datetime.now(datetime.timezone.utc),
                                               local_ip="10.8.0.2", server_ip="198.51.100.7", platform=bc.Platform.ANDROID, app_version="1.0.0")
    state["vpn_session_id"] = same(vpn.report_connection_status_with_http_info(request)).session_id


def test_vpn_connected_with_ipv6():
    request = bc.ReportConnectionStatusRequest(status=bc.ConnectionStatus.CONNECTED, session_id=state["vpn_session_id"], local_ip="fd00::2", server_ip="2001:db8::7")
    assert same(vpn.report_connection_status_with_http_info(request)).status == bc.ConnectionStatus.CONNECTED


def test_vpn_upload_stats():
    request = bc.ReportTrafficStatsRequest(session_id=state["vpn_session_id"], bytes_in=2000, bytes_out=1000, duration=60)
    assert same(vpn.report_traffic_stats_with_http_info(request)).usage.used_data == 3000


def test_vpn_disconnected():
    same(vpn.report_connection_status_with_http_info(bc.ReportConnectionStatusRequest(status=bc.ConnectionStatus.DISCONNECTED, session_id=state["vpn_session_id"])))


def test_vpn_usage():
    assert same(vpn.get_usage_with_http_info()).usage.used_data == 3000


def test_custom_config_upload():
    state["config_id"] = same(vpn.create_custom_config_with_http_info(bc.CreateCustomConfigRequest(name="Python flow", ovpn_content=OVPN))).config_id


def test_custom_config_list():
    assert any(c.id == state["config_id"] for c in same(vpn.list_custom_configs_with_http_info()).configs)


def test_custom_config_delete():
    same(vpn.delete_custom_config_with_http_info(state["config_id"]))
    assert all(c.id != state["config_id"] for c in same(vpn.list_custom_configs_with_http_info()).configs)


def test_password_refresh():
    rotated = same(auth.refresh_token_with_http_info(bc.RefreshTokenRequest(refresh_token=state["login"].refresh_token)))
    assert rotated.refresh_token != state["login"].refresh_token
    config.access_token = rotated.access_token


def test_password_logout():
    assert same(auth.logout_with_http_info()).success


def test_password_old_access_token_refused():
    refused(state["login"].access_token)


def test_passwordless_send_otp():
    assert same(auth.send_otp_with_http_info(bc.SendOtpRequest(phone_number=OTP_PHONE))).success


def test_passwordless_sign_in_with_bypass_code():
    otp, session_id = bypass(OTP_PHONE)
    request = bc.SignInWithOtpRequest(phone_number=OTP_PHONE, otp=otp, session_id=session_id, device_id="python-flow-2", device_info=device)
    state["otp_login"] = same(auth.sign_in_with_otp_with_http_info(request))
    assert state["otp_login"].needs_profile
    config.access_token = state["otp_login"].access_token


def test_passwordless_complete_profile():
    patch = bc.UpdateProfileRequest(name="Python Seller", user_type=bc.UserType.SELLER)
    assert same(users.update_profile_with_http_info(patch)).user.user_type == bc.UserType.SELLER


def test_passwordless_refresh():
    config.access_token = same(auth.refresh_token_with_http_info(bc.RefreshTokenRequest(refresh_token=state["otp_login"].refresh_token))).access_token


def test_passwordless_logout():
    assert same(auth.logout_with_http_info()).success


def test_passwordless_old_access_token_refused():
    refused(state["otp_login"].access_token)
