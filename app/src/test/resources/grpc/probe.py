#!/usr/bin/python3
"""A generic gRPC client that knows nothing of ntsfarm: it lists a server's services through server
reflection (grpc.reflection.v1) and asks the standard health service (grpc.health.v1) about each.
Speaks raw protobuf bytes, so Debian's python3-grpcio is all it needs.

Usage: probe.py TARGET     (TARGET: 127.0.0.1:9323, [::1]:323 or unix:/run/ntsfarm/ntsfarm.sock)
Prints "service NAME" per service, then "health NAME STATUS" for "" (the server) and each service.
"""
import sys
import grpc

def varint(data, i):
    shift = result = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7

def fields(data):
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, kind = key >> 3, key & 7
        if kind == 0:
            value, i = varint(data, i)
        elif kind == 2:
            length, i = varint(data, i)
            value = data[i:i + length]
            i += length
        elif kind == 5:
            value = data[i:i + 4]; i += 4
        elif kind == 1:
            value = data[i:i + 8]; i += 8
        else:
            raise ValueError("wire type %d" % kind)
        yield number, value

def string_field(number, text):
    b = text.encode()
    return bytes([number << 3 | 2, len(b)]) + b

def main(target):
    channel = grpc.insecure_channel(target)
    grpc.channel_ready_future(channel).result(timeout=10)
    identity = lambda b: b
    reflect = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                    request_serializer=identity, response_deserializer=identity)
    names = []
    for response in reflect(iter([string_field(7, "")]), timeout=10):
        for number, value in fields(response):
            if number == 6:   # list_services_response
                for n, service in fields(value):
                    if n == 1:
                        names += [v.decode() for k, v in fields(service) if k == 1]
            elif number == 7:
                raise SystemExit("reflection error: %r" % value)
    for name in names:
        print("service " + name)
    check = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=identity,
                                response_deserializer=identity)
    statuses = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}
    for name in [""] + names:
        reply = check(string_field(1, name) if name else b"", timeout=10)
        status = dict(fields(reply)).get(1, 0)
        print("health %s %s" % (name or '""', statuses.get(status, status)))

if __name__ == "__main__":
    main(sys.argv[1])
