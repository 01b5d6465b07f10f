package dev.ntsfarm.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One process's metrics: the Prometheus registry that {@code /metrics} exposes, the history the
 * status page plots, and the page. Families are read at scrape time through callbacks over the
 * counters the services keep anyway, so serving metrics adds nothing to any packet's path.
 */
public final class ProcessMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final History history;
    private final StatusPage page;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * @param title the status page's heading, e.g. "ntsfarm up on host"
     */
    public ProcessMetrics(String title, MetricsOptions options) {
        this.history = new History(options.historySamples());
        this.page = new StatusPage(title, history);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public History history() {
        return history;
    }

    public StatusPage page() {
        return page;
    }

    /** The content type of {@link #exposition()}: Prometheus text format 0.0.4. */
    public String contentType() {
        return writer.getContentType();
    }

    /** Every family, in the Prometheus text format. */
    public byte[] exposition() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
