package dev.ntsfarm.control.impl;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * One control method: its name in its service, how its request is parsed, whether it is read-only
 * (free, as the seed's list of chronyc commands) or operational (command key or root on the Unix
 * socket), and what it does.
 */
public record Rpc<Req extends Message, Resp extends Message>(
        String method, Parser<Req> parser, Access access, Call<Req, Resp> call) {

    /** chronyc's two kinds of command. */
    public enum Access {
        READ_ONLY,
        OPERATIONAL
    }

    /** The method's work, given the parsed request and the call it serves. */
    @FunctionalInterface
    public interface Call<Req, Resp> {
        Future<Resp> apply(Req request, CallContext context);
    }

    public Rpc {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(call, "call");
    }

    public static <Req extends Message, Resp extends Message> Rpc<Req, Resp> readOnly(
            String method, Parser<Req> parser, Call<Req, Resp> call) {
        return new Rpc<>(method, parser, Access.READ_ONLY, call);
    }

    public static <Req extends Message, Resp extends Message> Rpc<Req, Resp> operational(
            String method, Parser<Req> parser, Call<Req, Resp> call) {
        return new Rpc<>(method, parser, Access.OPERATIONAL, call);
    }
}
