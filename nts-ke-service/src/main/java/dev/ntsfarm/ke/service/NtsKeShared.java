package dev.ntsfarm.ke.service;

import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.ke.KeProtocol;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/** What every event loop of one NTS-KE service shares: settings, keys, counters and limits. */
record NtsKeShared(
        NtsKeOptions options,
        KeyRingSource keys,
        ServerStats stats,
        NonceSource nonces,
        KeExchange.KeServerPolicy policy,
        AtomicInteger openSessions,
        KeRateLimiter rateLimiter,
        LongConsumer sessionEnded) {

    static final String TLS_1_3 = "TLSv1.3";

    /**
     * The listener's options with the checked certificates {@code pem}; {@code getSslOptions()} is
     * what a reload swaps.
     */
    NetServerOptions serverOptions(String host, int port, PemKeyCertOptions pem) {
        NetServerOptions o =
                new NetServerOptions()
                        .setHost(host)
                        .setPort(port)
                        .setSsl(true)
                        .setUseAlpn(true)
                        // the TLS exporter works with the JDK's engine only (DESIGN section 9)
                        .setSslEngineOptions(new JdkSSLEngineOptions())
                        .setKeyCertOptions(pem)
                        .setEnabledSecureTransportProtocols(Set.of(TLS_1_3))
                        .setSslHandshakeTimeout(options.sessionTimeout().toMillis())
                        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                        .setSni(options.keyCertPairs().size() > 1);
        o.getSslOptions().setApplicationLayerProtocols(List.of(KeProtocol.ALPN));
        return o;
    }
}
