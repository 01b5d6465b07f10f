package dev.ntsfarm.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ntsfarm.agent.ctl.AgentCtl;
import dev.ntsfarm.proto.control.v1.AgentActivityReply;
import dev.ntsfarm.proto.control.v1.AgentAuthData;
import dev.ntsfarm.proto.control.v1.AgentAuthDataReply;
import dev.ntsfarm.proto.control.v1.AgentAuthMode;
import dev.ntsfarm.proto.control.v1.AgentSource;
import dev.ntsfarm.proto.control.v1.AgentSourceState;
import dev.ntsfarm.proto.control.v1.AgentSourcesReply;
import org.junit.jupiter.api.Test;

/** AgentCtl against chronyc 4.3's output captured from chronyd as an NTS client (DESIGN section 5). */
class AgentCtlFormatTest {

    @Test
    void authdataMatchesChronyc() {
        AgentAuthDataReply r = AgentAuthDataReply.newBuilder().addSources(AgentAuthData.newBuilder()
                .setName("127.0.0.1").setAddress("127.0.0.1").setMode(AgentAuthMode.AGENT_AUTH_NTS).setKeyId(1)
                .setType(15).setKeyLength(256).setLastSeconds(9).setAttempts(0).setNaks(0).setCookies(8)
                .setCookieLength(100)).build();
        assertEquals("""
                Name/IP address             Mode KeyID Type KLen Last Atmp  NAK Cook CLen
                =========================================================================
                127.0.0.1                    NTS     1   15  256    9    0    0    8  100
                """, AgentCtl.formatAuthData(r, true));
    }

    @Test
    void sourcesMatchesChronyc() {
        AgentSourcesReply r = AgentSourcesReply.newBuilder().addSources(AgentSource.newBuilder().setName("127.0.0.1")
                .setAddress("127.0.0.1").setState(AgentSourceState.AGENT_STATE_SELECTED).setStratum(1).setPoll(0)
                .setReach(0xFF).setLastRxSeconds(1).setAdjustedOffset(-2477e-9).setMeasuredOffset(-2448e-9)
                .setErrorBound(6708e-9).setHasSample(true)).build();
        String text = AgentCtl.formatSources(r, false);
        assertEquals("^* 127.0.0.1                     1   0   377     1  +2477ns[+2448ns] +/- 6708ns",
                text.lines().skip(2).findFirst().orElseThrow());
    }

    @Test
    void activityMatchesChronyc() {
        assertEquals("""
                200 OK
                1 sources online
                0 sources offline
                0 sources doing burst (return to online)
                0 sources doing burst (return to offline)
                0 sources with unknown address
                """, AgentCtl.formatActivity(AgentActivityReply.newBuilder().setOnline(1).build()));
    }
}
