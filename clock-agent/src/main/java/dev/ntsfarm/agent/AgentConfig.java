package dev.ntsfarm.agent;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.clock.Discipline;
import dev.ntsfarm.core.clock.NtsAssociation;
import dev.ntsfarm.core.clock.SelectOptions;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.Directive;
import dev.ntsfarm.core.config.MakeStep;
import dev.ntsfarm.core.config.MaxChange;
import dev.ntsfarm.core.config.SourceDirective;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The clock agent's settings, read from chrony's directives. Every mistake is a {@link
 * ConfigException} naming the file, the line and what was expected. The control endpoint's
 * directives ({@code cmdport}, {@code bindcmdaddress}, {@code cmdallow}, {@code commandkey}) are
 * the control plane's to read.
 *
 * @param peerPort {@code port}: the local port of symmetric peers, 0 for an ephemeral one
 * @param noCertTimeCheck {@code nocerttimecheck}: clock updates before certificate dates count
 * @param maxChange {@code maxchange}: the largest correction, and what to do beyond it
 * @param selectOptions {@code maxdistance}, {@code maxjitter}, {@code minsources}
 * @param maxUpdateSkew {@code maxupdateskew}, seconds per second (the directive is in ppm)
 */
public record AgentConfig(
        List<SourceDirective> sources,
        List<Path> trustedCerts,
        boolean systemCerts,
        int noCertTimeCheck,
        long ntsRefreshSeconds,
        Optional<Path> ntsDumpDir,
        Optional<Path> keyFile,
        int peerPort,
        Optional<MakeStep> makeStep,
        Optional<Path> driftFile,
        List<AeadAlgorithm> aeads,
        Optional<MaxChange> maxChange,
        SelectOptions selectOptions,
        double maxUpdateSkew) {

    /** AES-SIV-CMAC-256 first: every NTS server has it; GCM-SIV second. */
    public static final List<AeadAlgorithm> DEFAULT_AEADS =
            List.of(AeadAlgorithm.AES_SIV_CMAC_256, AeadAlgorithm.AES_128_GCM_SIV);

    public AgentConfig {
        sources = List.copyOf(sources);
        trustedCerts = List.copyOf(trustedCerts);
        aeads = List.copyOf(aeads);
    }

    public static AgentConfig from(Config c) throws ConfigException {
        List<Path> certs = new ArrayList<>();
        for (Directive d : c.directives("ntstrustedcerts")) {
            d.expectArgs(1, 2);
            certs.add(Path.of(d.word(d.size() - 1, "a certificate file")));
        }
        int noCertTimeCheck = 0;
        Optional<Directive> d = c.last("nocerttimecheck");
        if (d.isPresent()) {
            d.get().expectArgs(1, 1);
            noCertTimeCheck = d.get().integer(0, "a number of clock updates", 0, Integer.MAX_VALUE);
        }
        long refresh = NtsAssociation.DEFAULT_REFRESH_SECONDS;
        d = c.last("ntsrefresh");
        if (d.isPresent()) {
            d.get().expectArgs(1, 1);
            refresh = d.get().integer(0, "a refresh interval in seconds", 1, Integer.MAX_VALUE);
        }
        int port = 0;
        d = c.last("port");
        if (d.isPresent()) {
            d.get().expectArgs(1, 1);
            port = d.get().integer(0, "a port number", 0, 65535);
        }
        List<AeadAlgorithm> aeads = DEFAULT_AEADS;
        d = c.last("ntsaeads");
        if (d.isPresent()) {
            d.get().expectArgs(1, Integer.MAX_VALUE);
            List<AeadAlgorithm> list = new ArrayList<>();
            for (int i = 0; i < d.get().size(); i++) {
                AeadAlgorithm a = AeadAlgorithm.fromId(d.get().integer(i, "an AEAD id", 0, 65535));
                if (a == null) {
                    throw d.get()
                            .fail(
                                    "expected an AEAD id of 15, 16, 17 or 30, got \""
                                            + d.get().word(i)
                                            + "\"");
                }
                if (!list.contains(a)) {
                    list.add(a);
                }
            }
            aeads = list;
        }
        Optional<MakeStep> makeStep =
                c.last("makestep").isPresent()
                        ? Optional.of(MakeStep.from(c.last("makestep").get()))
                        : Optional.empty();
        Optional<MaxChange> maxChange =
                c.last("maxchange").isPresent()
                        ? Optional.of(MaxChange.from(c.last("maxchange").get()))
                        : Optional.empty();
        double maxUpdateSkew = Discipline.DEFAULT_MAX_UPDATE_SKEW;
        d = c.last("maxupdateskew");
        if (d.isPresent()) {
            d.get().expectArgs(1, 1);
            maxUpdateSkew = d.get().decimal(0, "a skew in ppm", 0, Double.MAX_VALUE) * 1e-6;
        }
        return new AgentConfig(
                c.sources(),
                certs,
                !c.has("nosystemcert"),
                noCertTimeCheck,
                refresh,
                path(c, "ntsdumpdir", "a directory"),
                path(c, "keyfile", "a key file"),
                port,
                makeStep,
                path(c, "driftfile", "a drift file"),
                aeads,
                maxChange,
                SelectOptions.from(c),
                maxUpdateSkew);
    }

    private static Optional<Path> path(Config c, String name, String what) throws ConfigException {
        Optional<Directive> d = c.last(name);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        d.get().expectArgs(1, 1);
        return Optional.of(Path.of(d.get().word(0, what)));
    }

    /** Whether any source speaks NTS. */
    public boolean usesNts() {
        return sources.stream().anyMatch(SourceDirective::nts);
    }
}
