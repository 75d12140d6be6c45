"""A plugin whose decoders hook raises, and whose encoders hook returns junk."""

from dcmcore.codecs import hookimpl


@hookimpl
def dcmcore_decoders():
    raise RuntimeError("hook exploded")


@hookimpl
def dcmcore_encoders():
    return ["not an encoder"]
