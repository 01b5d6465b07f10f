package dev.ntsfarm.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves a process's {@link ProcessMetrics} over HTTP: {@code GET /metrics} in the Prometheus text
 * format and {@code GET /} the status page, on {@code metricsport} at each {@code
 * bindmetricsaddress} (loopback by default). Also takes the history's samples on a timer.
 *
 * <p>When {@code metricsport} was not configured and the default port is taken (another ntsfarm
 * process of the same host has it), the process runs on without metrics and says so: the services
 * matter more than their exporter. A port that was configured and cannot be bound fails the start.
 */
public final class MetricsServer {

    private static final System.Logger LOG = System.getLogger(MetricsServer.class.getName());

    private final Vertx vertx;
    private final MetricsOptions options;
    private final ProcessMetrics metrics;
    private final List<HttpServer> servers = new ArrayList<>();
    private long timer = -1;
    private int port = -1;
    private String notServing;

    public MetricsServer(Vertx vertx, MetricsOptions options, ProcessMetrics metrics) {
        this.vertx = vertx;
        this.options = options;
        this.metrics = metrics;
    }

    /**
     * Binds every address (on one port), starts the history; completes with the bound port, -1 when
     * skipped.
     */
    public Future<Integer> start() {
        metrics.history().sample(System.currentTimeMillis());
        timer =
                vertx.setPeriodic(
                        options.historyInterval().toMillis(),
                        id -> metrics.history().sample(System.currentTimeMillis()));
        Future<Void> chain = Future.succeededFuture();
        List<String> addresses = options.addresses();
        for (int i = 0; i < addresses.size(); i++) {
            String host = addresses.get(i);
            boolean first = i == 0;
            chain =
                    chain.compose(
                            v ->
                                    listen(host, first ? options.port() : port)
                                            .recover(
                                                    e -> {
                                                        if (!first
                                                                && !options.addresses().isEmpty()
                                                                && host.equals("::1")
                                                                && MetricsOptions.DEFAULT_ADDRESSES
                                                                        .equals(addresses)) {
                                                            // a host without IPv6 loopback still
                                                            // serves on 127.0.0.1
                                                            return Future.succeededFuture();
                                                        }
                                                        return Future.failedFuture(e);
                                                    }));
        }
        return chain.map(v -> port)
                .recover(
                        e -> {
                            servers.forEach(HttpServer::close);
                            servers.clear();
                            if (!options.portGiven() && isAddressInUse(e)) {
                                notServing =
                                        "port "
                                                + options.port()
                                                + " is in use (set metricsport to serve metrics)";
                                LOG.log(
                                        System.Logger.Level.WARNING,
                                        "metrics not served: " + notServing);
                                port = -1;
                                return Future.succeededFuture(-1);
                            }
                            return Future.failedFuture(
                                    new IllegalStateException(
                                            "metrics could not listen on "
                                                    + String.join(", ", addresses)
                                                    + " port "
                                                    + options.port()
                                                    + ": "
                                                    + e.getMessage(),
                                            e));
                        });
    }

    private Future<Void> listen(String host, int onPort) {
        HttpServer server =
                vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(onPort));
        server.requestHandler(this::handle);
        return server.listen()
                .map(
                        s -> {
                            servers.add(s);
                            if (port < 0 || port == 0) {
                                port = s.actualPort();
                            }
                            return null;
                        });
    }

    private void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            req.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        String path = req.path();
        switch (path) {
            case "/metrics" -> {
                byte[] body = metrics.exposition();
                req.response()
                        .putHeader("Content-Type", metrics.contentType())
                        .end(Buffer.buffer(body));
            }
            case "/", "/index.html" ->
                    req.response()
                            .putHeader("Content-Type", "text/html; charset=utf-8")
                            .putHeader("Cache-Control", "no-store")
                            .end(
                                    Buffer.buffer(
                                            metrics.page()
                                                    .render()
                                                    .getBytes(StandardCharsets.UTF_8)));
            default ->
                    req.response()
                            .setStatusCode(404)
                            .putHeader("Content-Type", "text/plain; charset=utf-8")
                            .end("not found: " + path + " (this server has /metrics and /)\n");
        }
    }

    private static boolean isAddressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null
                            && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /** The bound port; -1 before start or when metrics are not served. */
    public int port() {
        return port;
    }

    /** Why metrics are not served, or null when they are. */
    public String notServing() {
        return notServing;
    }

    public List<String> addresses() {
        return options.addresses();
    }

    /** Stops the history and closes every listener. */
    public Future<Void> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        List<Future<Void>> closes = new ArrayList<>();
        servers.forEach(s -> closes.add(s.close()));
        servers.clear();
        return Future.join(closes).mapEmpty();
    }
}
