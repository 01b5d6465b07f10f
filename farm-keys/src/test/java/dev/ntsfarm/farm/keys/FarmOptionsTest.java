package dev.ntsfarm.farm.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cluster and key directives, with file:line errors. */
class FarmOptionsTest {

    private static Config parse(String text) {
        return ((ConfigResult.Parsed) Config.parse("farm.conf", text)).config();
    }

    @Test
    void defaults() throws Exception {
        ClusterOptions c = ClusterOptions.fromConfig(parse(""));
        assertEquals("ntsfarm", c.name());
        assertEquals(List.of(), c.members());
        assertEquals("127.0.0.1", c.bindHost());
        assertEquals(ClusterOptions.AUTO_PORT, c.bindPort());
        assertEquals(ClusterOptions.HAZELCAST_DEFAULT, c.heartbeatSeconds());
        assertEquals(ClusterOptions.HAZELCAST_DEFAULT, c.mergeSeconds());
        FarmKeyOptions k = FarmKeyOptions.fromConfig(parse(""));
        assertEquals(604800, k.rotateSeconds());
        assertEquals(2, k.pastSlots());
        assertEquals(Optional.empty(), k.dumpDir());
    }

    @Test
    void clusterDirectives() throws Exception {
        ClusterOptions c =
                ClusterOptions.fromConfig(
                        parse(
                                """
                cluster name blue
                cluster member 10.0.0.5:5701
                cluster member [fd00::6]:5702
                cluster bind 10.0.0.4:5801
                cluster heartbeat 10
                cluster merge 30
                """));
        assertEquals("blue", c.name());
        assertEquals(
                List.of("10.0.0.5:5701", "[fd00::6]:5702"),
                c.members().stream().map(ClusterOptions.Member::address).toList());
        assertEquals("10.0.0.4", c.bindHost());
        assertEquals(5801, c.bindPort());
        assertEquals(10, c.heartbeatSeconds());
        assertEquals(30, c.mergeSeconds());
        assertEquals(c, c.withHeartbeat(10).withMerge(30));
    }

    @Test
    void keyDirectives() throws Exception {
        FarmKeyOptions k =
                FarmKeyOptions.fromConfig(
                        parse(
                                "ntsrotate 3600\nntsdumpdir /var/lib/ntsfarm\nfarmsecret /etc/ntsfarm/secret\n"));
        assertEquals(3600, k.rotateSeconds());
        assertEquals(Optional.of(Path.of("/var/lib/ntsfarm/ntsfarm-seeds")), k.dumpFile());
        assertEquals(Optional.of(Path.of("/etc/ntsfarm/secret")), k.farmSecretFile());
    }

    @Test
    void mistakesNameFileAndLine() {
        assertEquals(
                "farm.conf:2: cluster: expected a port number from 1 to 65535, got \"99999\"",
                assertThrows(
                                ConfigException.class,
                                () ->
                                        ClusterOptions.fromConfig(
                                                parse("cluster name a\ncluster member h:99999\n")))
                        .getMessage());
        assertEquals(
                "farm.conf:1: cluster: expected a heartbeat timeout in seconds from 2 to 3600, got \"0\"",
                assertThrows(
                                ConfigException.class,
                                () -> ClusterOptions.fromConfig(parse("cluster heartbeat 0\n")))
                        .getMessage());
        assertEquals(
                "farm.conf:1: ntsrotate: expected a rotation interval in seconds >= 0, got \"-1\"",
                assertThrows(
                                ConfigException.class,
                                () -> FarmKeyOptions.fromConfig(parse("ntsrotate -1\n")))
                        .getMessage());
    }
}
