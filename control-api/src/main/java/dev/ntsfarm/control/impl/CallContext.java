package dev.ntsfarm.control.impl;

import io.vertx.core.Future;

/**
 * What a method knows of the call it serves: who asked, and whether the caller went away (its
 * connection closed, it cancelled or its deadline passed), so a long call such as {@code waitsync}
 * stops working for nobody.
 *
 * @param peer the caller, as logged ("127.0.0.1:40312", "unix socket uid 0")
 * @param gone completes when the caller went away
 */
public record CallContext(String peer, Future<Void> gone) {}
