package dev.ntsfarm.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium (Debian package {@code chromium}, installed by {@code ./ntsfarm setup})
 * that loads a page, runs its scripts and hands back the resulting DOM or a screenshot. Each run
 * has a fresh profile directory and stays off the network beyond the page it is given.
 */
public final class HeadlessChromium {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 60;

    private HeadlessChromium() {}

    /** The browser, or a failure under CI and a skip elsewhere when it is missing. */
    public static Path require() {
        Requirements.program(CHROMIUM, "chromium");
        return CHROMIUM;
    }

    /** The DOM after the page's scripts ran ({@code --dump-dom}). */
    public static String dumpDom(String url, Path workDir)
            throws IOException, InterruptedException {
        Path out = workDir.resolve("dom.html");
        run(workDir, out, "--dump-dom", url);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** A PNG of the page as rendered, {@code width} x {@code height} pixels. */
    public static Path screenshot(String url, Path workDir, int width, int height)
            throws IOException, InterruptedException {
        Path png = workDir.resolve("page.png");
        run(
                workDir,
                workDir.resolve("screenshot.log"),
                "--screenshot=" + png,
                "--window-size=" + width + "," + height,
                "--hide-scrollbars",
                url);
        if (!Files.isRegularFile(png)) {
            throw new IOException(
                    "chromium wrote no screenshot: "
                            + Files.readString(workDir.resolve("screenshot.log")));
        }
        return png;
    }

    private static void run(Path workDir, Path stdout, String... args)
            throws IOException, InterruptedException {
        Path browser = require();
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                browser.toString(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--disable-dev-shm-usage",
                                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Process p =
                new ProcessBuilder(cmd)
                        .redirectOutput(stdout.toFile())
                        .redirectError(workDir.resolve("chromium-stderr.log").toFile())
                        .start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new IOException("chromium did not finish within " + TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(
                    "chromium exited "
                            + p.exitValue()
                            + ": "
                            + Files.readString(workDir.resolve("chromium-stderr.log")));
        }
    }
}
