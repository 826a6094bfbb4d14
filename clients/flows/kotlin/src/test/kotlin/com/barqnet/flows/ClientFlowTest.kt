package com.barqnet.flows

import com.barqnet.client.apis.AuthApi
import com.barqnet.client.apis.UserApi
import com.barqnet.client.apis.VPNApi
import com.barqnet.client.infrastructure.ApiClient
import com.barqnet.client.infrastructure.ClientException
import com.barqnet.client.infrastructure.Serializer
import com.barqnet.client.models.*
import okhttp3.MediaType.Companion.toMediaType
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody.Companion.toRequestBody
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder
import org.junit.jupiter.api.assertThrows
import java.time.OffsetDateTime

/**
 * The client flows through the generated Kotlin client against a live test-mode server
 * (BARQNET_URL), one test per step. Every answer must parse into its model and serialise back to
 * the JSON the server sent. The code comes from the internal test bypass, called raw: it is not
 * in the public contract the client is generated from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class ClientFlowTest {
    private val url = System.getenv("BARQNET_URL") ?: error("BARQNET_URL is not set")
    private var lastBody = ""
    private val http = OkHttpClient.Builder()
        .addInterceptor { chain -> chain.proceed(chain.request()).also { lastBody = it.peekBody(Long.MAX_VALUE).string() } }
        .build()
    private val auth = AuthApi(url, http)
    private val users = UserApi(url, http)
    private val vpn = VPNApi(url, http)
    private val moshi = Serializer.moshi
    private val device = DeviceInfo(platform = Platform.ANDROID, model = "Pixel 8", appVersion = "1.0.0")

    private var verificationToken = ""
    private var login: AuthResult? = null
    private var locationId = ""
    private var vpnSessionId = ""
    private var configId = ""
    private var otpLogin: AuthResult? = null

    /** The model re-serialised is the JSON tree the server sent (JsonTree.normal: null = absent, instants). */
    private inline fun <reified T : Any> same(value: T): T {
        val sent = moshi.adapter(Any::class.java).fromJson(lastBody)
        val again = moshi.adapter(Any::class.java).fromJson(moshi.adapter(T::class.java).serializeNulls().toJson(value))
        assertEquals(JsonTree.normal(sent), JsonTree.normal(again), "${T::class.simpleName} does not re-serialise to what the server sent")
        return value
    }

    private fun bypass(phone: String): Pair<String, String> {
        val body = """{"phoneNumber":"$phone","testMode":true}""".toRequestBody("application/json".toMediaType())
        http.newCall(Request.Builder().url("$url/v1/test/auth/bypass").post(body).build()).execute().use {
            assertEquals(200, it.code)
            val answer = moshi.adapter(Map::class.java).fromJson(it.body.string())!!
            return answer["testOtp"] as String to answer["sessionId"] as String
        }
    }

    private fun refused(token: String) {
        ApiClient.accessToken = token
        val error = assertThrows<ClientException> { users.getProfile() }
        assertEquals(401, error.statusCode)
        assertEquals(false, same(moshi.adapter(ErrorResponse::class.java).fromJson(lastBody)!!).success)
    }

    @Test @Order(1) fun password_sendOtp() { assertTrue(same(auth.sendOtp(SendOtpRequest(PHONE))).success) }

    @Test @Order(2) fun password_verifyOtpWithBypassCode() {
        val (otp, sessionId) = bypass(PHONE)
        val verified = same(auth.verifyOtp(VerifyOtpRequest(PHONE, otp, sessionId)))
        assertTrue(verified.verified)
        verificationToken = verified.verificationToken
    }

    @Test @Order(3) fun password_register() {
        val result = same(auth.register(RegisterRequest(PHONE, PASSWORD, verificationToken, "kotlin-flow-1", device)))
        assertEquals(AuthResult.TokenType.BEARER, result.tokenType)
    }

    @Test @Order(4) fun password_signIn() {
        login = same(auth.login(LoginRequest(PHONE, PASSWORD, "kotlin-flow-1", device)))
        ApiClient.accessToken = login!!.accessToken
    }

    @Test @Order(5) fun profile_get() { assertEquals(PHONE, same(users.getProfile()).user.phoneNumber) }

    @Test @Order(6) fun profile_patch() {
        val patch = UpdateProfileRequest(name = "Kotlin Flow", userType = UserType.BUYER, email = "kotlin@example.com", preferences = Preferences(autoConnect = true))
        assertEquals("kotlin@example.com", same(users.updateProfile(patch)).user.email)
    }

    @Test @Order(7) fun profile_clearEmail() {
        val user = same(users.updateProfile(UpdateProfileRequest(clear = setOf(ProfileField.EMAIL)))).user
        assertNull(user.email)
        assertEquals("Kotlin Flow", user.name)
    }

    @Test @Order(8) fun vpn_listLocations() { locationId = same(vpn.listLocations()).locations.first { it.available }.id }

    @Test @Order(9) fun vpn_getConfig() { assertEquals(locationId, same(vpn.getVpnConfig(locationId)).config.locationId) }

    @Test @Order(10) fun vpn_connectedWithIpv4() {
        val request = ReportConnectionStatusRequest(ConnectionStatus.CONNECTED, locationId = locationId, connectedAt = OffsetDateTime.now(),
            localIp = "10.8.0.2", serverIp = "198.51.100.7", platform = Platform.ANDROID, appVersion = "1.0.0")
        vpnSessionId = same(vpn.reportConnectionStatus(request)).sessionId
    }

    @Test @Order(11) fun vpn_connectedWithIpv6() {
        val request = ReportConnectionStatusRequest(ConnectionStatus.CONNECTED, sessionId = vpnSessionId, localIp = "fd00::2", serverIp = "2001:db8::7")
        assertEquals(ConnectionStatus.CONNECTED, same(vpn.reportConnectionStatus(request)).status)
    }

    @Test @Order(12) fun vpn_uploadStats() {
        assertEquals(3000L, same(vpn.reportTrafficStats(ReportTrafficStatsRequest(vpnSessionId, 2000L, 1000L, 60))).usage.usedData)
    }

    @Test @Order(13) fun vpn_disconnected() {
        same(vpn.reportConnectionStatus(ReportConnectionStatusRequest(ConnectionStatus.DISCONNECTED, sessionId = vpnSessionId)))
    }

    @Test @Order(14) fun vpn_usage() { assertEquals(3000L, same(vpn.getUsage()).usage.usedData) }

    @Test @Order(15) fun customConfig_upload() { configId = same(vpn.createCustomConfig(CreateCustomConfigRequest("Kotlin flow", OVPN))).configId }

    @Test @Order(16) fun customConfig_list() { assertTrue(same(vpn.listCustomConfigs()).configs.any { it.id == configId }) }

    @Test @Order(17) fun customConfig_delete() {
        same(vpn.deleteCustomConfig(configId))
        assertTrue(same(vpn.listCustomConfigs()).configs.none { it.id == configId })
    }

    @Test @Order(18) fun password_refresh() {
        val rotated = same(auth.refreshToken(RefreshTokenRequest(login!!.refreshToken)))
        assertTrue(rotated.refreshToken != login!!.refreshToken)
        ApiClient.accessToken = rotated.accessToken
    }

    @Test @Order(19) fun password_logout() { assertTrue(same(auth.logout()).success) }

    @Test @Order(20) fun password_oldAccessTokenRefused() { refused(login!!.accessToken) }

    @Test @Order(21) fun passwordless_sendOtp() { assertTrue(same(auth.sendOtp(SendOtpRequest(OTP_PHONE))).success) }

    @Test @Order(22) fun passwordless_signInWithBypassCode() {
        val (otp, sessionId) = bypass(OTP_PHONE)
        otpLogin = same(auth.signInWithOtp(SignInWithOtpRequest(phoneNumber = OTP_PHONE, otp = otp, sessionId = sessionId, deviceId = "kotlin-flow-2", deviceInfo = device)))
        assertTrue(otpLogin!!.needsProfile)
        ApiClient.accessToken = otpLogin!!.accessToken
    }

    @Test @Order(23) fun passwordless_completeProfile() {
        assertEquals(UserType.SELLER, same(users.updateProfile(UpdateProfileRequest(name = "Kotlin Seller", userType = UserType.SELLER))).user.userType)
    }

    @Test @Order(24) fun passwordless_refresh() {
        ApiClient.accessToken = same(auth.refreshToken(RefreshTokenRequest(otpLogin!!.refreshToken))).accessToken
    }

    @Test @Order(25) fun passwordless_logout() { assertTrue(same(auth.logout()).success) }

    @Test @Order(26) fun passwordless_oldAccessTokenRefused() { refused(otpLogin!!.accessToken) }

    companion object {
        const val PHONE = "+12025550110"
        const val OTP_PHONE = "+12025550111"
        const val PASSWORD = "Kotlin-Flow-Pass1"
        const val OVPN = "client\ndev tun\nproto udp\nremote vpn.example.net 1194\nnobind\nremote-cert-tls server\n"
    }
}
