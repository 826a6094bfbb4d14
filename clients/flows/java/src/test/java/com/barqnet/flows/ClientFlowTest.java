package com.barqnet.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.barqnet.client.ApiClient;
import com.barqnet.client.ApiException;
import com.barqnet.client.api.AuthApi;
import com.barqnet.client.api.UserApi;
import com.barqnet.client.api.VpnApi;
import com.barqnet.client.model.*;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The client flows through the generated Java client against a live test-mode server
 * (BARQNET_URL), one test per step. Every answer must parse into its model and serialise back to
 * the JSON the server sent. The code comes from the internal test bypass, called raw: it is not in
 * the public contract the client is generated from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientFlowTest {
  static final String PHONE = "+12025550120";
  static final String OTP_PHONE = "+12025550121";
  static final String PASSWORD = "Java-Flow-Pass1";
  static final String OVPN = "client\ndev tun\nproto udp\nremote vpn.example.net 1194\nnobind\nremote-cert-tls server\n";

  final String url = System.getenv("BARQNET_URL");
  final RecordingMapper mapper = new RecordingMapper(ApiClient.createDefaultObjectMapper());
  final ApiClient client = new ApiClient(HttpClient.newBuilder(), mapper, url);
  final AuthApi auth;
  final UserApi users;
  final VpnApi vpn;
  final DeviceInfo device = new DeviceInfo().platform(Platform.ANDROID).model("Pixel 8").appVersion("1.0.0");
  String token;
  String verificationToken;
  AuthResult login;
  AuthResult otpLogin;
  String locationId;
  String vpnSessionId;
  String configId;

  ClientFlowTest() {
    // Before the APIs are made: each takes the client's interceptor when it is constructed.
    client.setRequestInterceptor(request -> {
      if (token != null) request.header("Authorization", "Bearer " + token);
    });
    auth = new AuthApi(client);
    users = new UserApi(client);
    vpn = new VpnApi(client);
  }

  /** The model re-serialised is the JSON tree the server sent (see JsonTree). */
  <T> T same(T value) throws Exception {
    Object sent = mapper.readValue(mapper.last, Object.class);
    Object again = mapper.readValue(mapper.writeValueAsString(value), Object.class);
    assertEquals(JsonTree.normal(sent), JsonTree.normal(again), value.getClass().getSimpleName() + " does not re-serialise to what the server sent");
    return value;
  }

  String[] bypass(String phone) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/test/auth/bypass"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"phoneNumber\":\"" + phone + "\",\"testMode\":true}")).build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    Map<?, ?> answer = mapper.readValue(response.body(), Map.class);
    return new String[] {(String) answer.get("testOtp"), (String) answer.get("sessionId")};
  }

  void refused(String old) throws Exception {
    token = old;
    ApiException error = assertThrows(ApiException.class, users::getProfile);
    assertEquals(401, error.getCode());
    mapper.last = error.getResponseBody();
    assertFalse(same(mapper.readValue(mapper.last, ErrorResponse.class)).getSuccess());
  }

  @Test @Order(1) void password_sendOtp() throws Exception {
    assertTrue(same(auth.sendOtp(new SendOtpRequest().phoneNumber(PHONE))).getSuccess());
  }

  @Test @Order(2) void password_verifyOtpWithBypassCode() throws Exception {
    String[] code = bypass(PHONE);
    VerifyOtp200Response verified = same(auth.verifyOtp(new VerifyOtpRequest().phoneNumber(PHONE).otp(code[0]).sessionId(code[1])));
    assertTrue(verified.getVerified());
    verificationToken = verified.getVerificationToken();
  }

  @Test @Order(3) void password_register() throws Exception {
    AuthResult result = same(auth.register(new RegisterRequest().phoneNumber(PHONE).password(PASSWORD)
        .verificationToken(verificationToken).deviceId("java-flow-1").deviceInfo(device)));
    assertEquals(AuthResult.TokenTypeEnum.BEARER, result.getTokenType());
  }

  @Test @Order(4) void password_signIn() throws Exception {
    login = same(auth.login(new LoginRequest().phoneNumber(PHONE).password(PASSWORD).deviceId("java-flow-1").deviceInfo(device)));
    token = login.getAccessToken();
  }

  @Test @Order(5) void profile_get() throws Exception {
    assertEquals(PHONE, same(users.getProfile()).getUser().getPhoneNumber());
  }

  @Test @Order(6) void profile_patch() throws Exception {
    UpdateProfileRequest patch = new UpdateProfileRequest().name("Java Flow").userType(UserType.BUYER)
        .email("java@example.com").preferences(new Preferences().autoConnect(true));
    assertEquals("java@example.com", same(users.updateProfile(patch)).getUser().getEmail());
  }

  @Test @Order(7) void profile_clearEmail() throws Exception {
    User user = same(users.updateProfile(new UpdateProfileRequest().clear(Set.of(ProfileField.EMAIL)))).getUser();
    assertNull(user.getEmail());
    assertEquals("Java Flow", user.getName());
  }

  @Test @Order(8) void vpn_listLocations() throws Exception {
    locationId = same(vpn.listLocations()).getLocations().stream().filter(Location::getAvailable).findFirst().orElseThrow().getId();
  }

  @Test @Order(9) void vpn_getConfig() throws Exception {
    assertEquals(locationId, same(vpn.getVpnConfig(locationId)).getConfig().getLocationId());
  }

  @Test @Order(10) void vpn_connectedWithIpv4() throws Exception {
    vpnSessionId = same(vpn.reportConnectionStatus(new ReportConnectionStatusRequest().status(ConnectionStatus.CONNECTED)
        .locationId(locationId).connectedAt(OffsetDateTime.now()).localIp("10.8.0.2").serverIp("198.51.100.7")
        .platform(Platform.ANDROID).appVersion("1.0.0"))).getSessionId();
  }

  @Test @Order(11) void vpn_connectedWithIpv6() throws Exception {
    assertEquals(ConnectionStatus.CONNECTED, same(vpn.reportConnectionStatus(new ReportConnectionStatusRequest()
        .status(ConnectionStatus.CONNECTED).sessionId(vpnSessionId).localIp("fd00::2").serverIp("2001:db8::7"))).getStatus());
  }

  @Test @Order(12) void vpn_uploadStats() throws Exception {
    assertEquals(3000L, same(vpn.reportTrafficStats(new ReportTrafficStatsRequest().sessionId(vpnSessionId)
        .bytesIn(2000L).bytesOut(1000L).duration(60))).getUsage().getUsedData());
  }

  @Test @Order(13) void vpn_disconnected() throws Exception {
    same(vpn.reportConnectionStatus(new ReportConnectionStatusRequest().status(ConnectionStatus.DISCONNECTED).sessionId(vpnSessionId)));
  }

  @Test @Order(14) void vpn_usage() throws Exception {
    assertEquals(3000L, same(vpn.getUsage()).getUsage().getUsedData());
  }

  @Test @Order(15) void customConfig_upload() throws Exception {
    configId = same(vpn.createCustomConfig(new CreateCustomConfigRequest().name("Java flow").ovpnContent(OVPN))).getConfigId();
  }

  @Test @Order(16) void customConfig_list() throws Exception {
    assertTrue(same(vpn.listCustomConfigs()).getConfigs().stream().anyMatch(c -> c.getId().equals(configId)));
  }

  @Test @Order(17) void customConfig_delete() throws Exception {
    same(vpn.deleteCustomConfig(configId));
    assertTrue(same(vpn.listCustomConfigs()).getConfigs().stream().noneMatch(c -> c.getId().equals(configId)));
  }

  @Test @Order(18) void password_refresh() throws Exception {
    RefreshToken200Response rotated = same(auth.refreshToken(new RefreshTokenRequest().refreshToken(login.getRefreshToken())));
    assertNotEquals(login.getRefreshToken(), rotated.getRefreshToken());
    token = rotated.getAccessToken();
  }

  @Test @Order(19) void password_logout() throws Exception {
    assertTrue(same(auth.logout()).getSuccess());
  }

  @Test @Order(20) void password_oldAccessTokenRefused() throws Exception {
    refused(login.getAccessToken());
  }

  @Test @Order(21) void passwordless_sendOtp() throws Exception {
    assertTrue(same(auth.sendOtp(new SendOtpRequest().phoneNumber(OTP_PHONE))).getSuccess());
  }

  @Test @Order(22) void passwordless_signInWithBypassCode() throws Exception {
    String[] code = bypass(OTP_PHONE);
    otpLogin = same(auth.signInWithOtp(new SignInWithOtpRequest().phoneNumber(OTP_PHONE).otp(code[0]).sessionId(code[1])
        .deviceId("java-flow-2").deviceInfo(device)));
    assertTrue(otpLogin.getNeedsProfile());
    token = otpLogin.getAccessToken();
  }

  @Test @Order(23) void passwordless_completeProfile() throws Exception {
    assertEquals(UserType.SELLER, same(users.updateProfile(new UpdateProfileRequest().name("Java Seller").userType(UserType.SELLER))).getUser().getUserType());
  }

  @Test @Order(24) void passwordless_refresh() throws Exception {
    token = same(auth.refreshToken(new RefreshTokenRequest().refreshToken(otpLogin.getRefreshToken()))).getAccessToken();
  }

  @Test @Order(25) void passwordless_logout() throws Exception {
    assertTrue(same(auth.logout()).getSuccess());
  }

  @Test @Order(26) void passwordless_oldAccessTokenRefused() throws Exception {
    refused(otpLogin.getAccessToken());
  }
}
