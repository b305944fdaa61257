"""A protoc plugin that runs grpcio-tools' built-in grpc_python generator.

grpcio-tools ships the generator only inside its embedded protoc, which buf
cannot call as a plugin; this adapter speaks the plugin protocol on stdin and
stdout and delegates to that protoc through a descriptor set.
"""

import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc


def main() -> None:
    """Read a CodeGeneratorRequest, generate *_pb2_grpc.py files, write the response."""
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    response = plugin_pb2.CodeGeneratorResponse(
        supported_features=plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    )
    with tempfile.TemporaryDirectory() as work:
        descriptors = Path(work, "set.binpb")
        files = descriptor_pb2.FileDescriptorSet(file=request.proto_file)
        descriptors.write_bytes(files.SerializeToString())
        out = Path(work, "out")
        out.mkdir()
        args = [
            "protoc",
            f"--descriptor_set_in={descriptors}",
            f"--grpc_python_out={out}",
            *request.file_to_generate,
        ]
        if protoc.main(args) != 0:
            response.error = "grpc_python generation failed"
        for path in sorted(out.rglob("*.py")):
            generated = response.file.add()
            generated.name = str(path.relative_to(out))
            generated.content = path.read_text()
    sys.stdout.buffer.write(response.SerializeToString())


if __name__ == "__main__":
    main()
