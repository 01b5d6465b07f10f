package dev.ntsfarm.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built image without Docker: its OCI tarball's layers unpacked in order into a root file
 * system, and its own entrypoint (read from the image config) run there as the image's user, in a
 * mount and pid namespace of its own whose root it is (pivot_root), with {@code /proc}, {@code
 * /dev} and {@code /etc/hosts} as a container runtime provides them; the host's root stays
 * reachable under {@code /.host} for the one {@code chroot} that sets the user. It answers {@code
 * --help}, and a short {@code up} from it gives chronyd NTS time.
 */
@Timeout(300)
class ImageRootFsIT {

    static final Path TARBALL = Path.of("target/ntsfarm-image.tar");
    private static final Pattern DIGEST = Pattern.compile("\"digest\":\"sha256:([0-9a-f]{64})\"");

    @TempDir static Path dir;
    static Path root;
    static List<String> entrypoint;
    static String config;

    @BeforeAll
    static void unpack() throws Exception {
        assertTrue(
                Files.isRegularFile(TARBALL),
                TARBALL.toAbsolutePath() + " (built by the package phase)");
        Path oci = Files.createDirectories(dir.resolve("oci"));
        run(List.of("tar", "-xf", TARBALL.toAbsolutePath().toString(), "-C", oci.toString()));
        String index = Files.readString(oci.resolve("index.json"));
        List<String> manifestDigests = digests(index);
        assertEquals(1, manifestDigests.size(), index);
        List<String> manifest = digests(Files.readString(blob(oci, manifestDigests.getFirst())));
        config = Files.readString(blob(oci, manifest.getFirst()));
        root = Files.createDirectories(dir.resolve("rootfs"));
        for (String layer : manifest.subList(1, manifest.size())) {
            run(List.of("tar", "-xzf", blob(oci, layer).toString(), "-C", root.toString()));
        }
        Matcher m = Pattern.compile("\"Entrypoint\":\\[(.*?)]").matcher(config);
        assertTrue(m.find(), config);
        entrypoint = new ArrayList<>();
        for (String arg : m.group(1).split("\",\"")) {
            entrypoint.add(arg.replace("\"", ""));
        }
        // what a container runtime mounts into every container
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve(".host"));
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
    }

    private static Path blob(Path oci, String digest) {
        return oci.resolve("blobs/sha256").resolve(digest);
    }

    private static List<String> digests(String json) {
        List<String> out = new ArrayList<>();
        Matcher m = DIGEST.matcher(json);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + ":\n" + out);
    }

    /** The image's entrypoint with {@code args}, as the image's user, inside the unpacked root. */
    private static ProcessBuilder inImage(String user, List<String> args) {
        // the root becomes the namespace's root (pivot_root), so /proc/self/mounts reads as in a
        // container
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "unshare",
                                "--mount",
                                "--pid",
                                "--fork",
                                "--kill-child=SIGTERM",
                                "sh",
                                "-c",
                                "mount --make-rprivate / && mount --bind \"$0\" \"$0\" && mount -t proc proc \"$0/proc\""
                                        + " && mount --rbind /dev \"$0/dev\" && cd \"$0\" && pivot_root . .host"
                                        + " && exec /.host/usr/sbin/chroot --userspec="
                                        + user
                                        + " / \"$@\"",
                                root.toString()));
        cmd.addAll(entrypoint);
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    private static String user() {
        Matcher m = Pattern.compile("\"User\":\"([0-9]+:[0-9]+)\"").matcher(config);
        assertTrue(m.find(), "the image names its user: " + config);
        return m.group(1);
    }

    @Test
    void isScratchWithItsOwnRuntimeAndANonRootUser() {
        assertTrue(Files.isExecutable(root.resolve("opt/java/bin/java")), "the jlink-made runtime");
        assertFalse(
                Files.exists(root.resolve("bin/sh")),
                "nothing but the runtime and the app: no shell");
        assertEquals("65532:65532", user());
        assertEquals("/opt/java/bin/java", entrypoint.getFirst());
    }

    @Test
    void theEntrypointAnswersHelp() throws Exception {
        Process p = inImage(user(), List.of("--help")).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("usage: ntsfarm COMMAND"), out);
    }

    @Test
    void aShortUpFromTheImageGivesChronydNtsTime() throws Exception {
        int ntp = Ports.freeUdp();
        int ke = Ports.freeTcp();
        Path log = dir.resolve("up.log");
        Process up =
                inImage(
                                user(),
                                List.of(
                                        "up",
                                        "port " + ntp,
                                        "ntsport " + ke,
                                        "cmdport 0",
                                        "ntsdumpdir /var/lib/ntsfarm/state",
                                        "cluster name farm-image-" + ProcessHandle.current().pid(),
                                        "cluster bind 127.0.0.1:" + Ports.freeTcp()))
                        .redirectOutput(log.toFile())
                        .start();
        try {
            String text =
                    Await.until(
                            Duration.ofSeconds(120),
                            Duration.ofMillis(250),
                            () -> Files.readString(log),
                            t -> t.contains(": running") || !up.isAlive());
            assertTrue(text.contains(": running"), text);
            Path cert = root.resolve("var/lib/ntsfarm/state/cert.pem");
            try (Chronyd chronyd = Chronyd.in(dir)) {
                String out =
                        chronyd.measureOnce(
                                15,
                                "server 127.0.0.1 port "
                                        + ntp
                                        + " ntsport "
                                        + ke
                                        + " iburst nts maxsamples 1",
                                "ntstrustedcerts " + cert);
                assertTrue(
                        out.contains("System clock wrong by"), out + "\n" + Files.readString(log));
            }
        } finally {
            // the image's process is pid 1 of its own namespace: SIGTERM it directly, SIGKILL what
            // stays
            List<ProcessHandle> inside = up.descendants().toList();
            inside.forEach(ProcessHandle::destroy);
            up.destroy();
            for (ProcessHandle h : inside) {
                try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                }
            }
            if (!up.waitFor(10, TimeUnit.SECONDS)) {
                up.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertFalse(
                    inside.stream().anyMatch(ProcessHandle::isAlive),
                    "the image's processes are gone");
        }
    }
}
