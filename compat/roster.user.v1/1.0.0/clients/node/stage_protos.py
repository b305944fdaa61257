"""Stage the third-party schemas the TypeScript client needs beyond build/protos."""

import importlib
import importlib.util
import shutil
import sys
from pathlib import Path

from google.protobuf import descriptor_pb2

# The error model the server puts in grpc-status-details-bin; TypeScript has
# no package that ships these, so we generate them like our own contract.
RPC_FILES = ("google/rpc/status.proto", "google/rpc/error_details.proto")
# A module of its own, so buf does not treat the staged tree as part of the
# contract's workspace.
BUF_YAML = "version: v2\n"


def stage_rpc(out: Path) -> None:
    """Copy the google.rpc error model from googleapis-common-protos."""
    spec = importlib.util.find_spec("google.rpc")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("googleapis-common-protos is not installed")
    package_root = Path(next(iter(spec.submodule_search_locations))).parent.parent
    for name in RPC_FILES:
        target = out / "rpc" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package_root / name, target)
    (out / "rpc" / "buf.yaml").write_text(BUF_YAML)


def stage_health(out: Path) -> None:
    """Write grpc.health.v1 as a descriptor image taken from grpcio-health-checking."""
    # The package ships only the compiled module, not health.proto, so the
    # schema comes from the descriptor embedded in it.
    health_pb2 = importlib.import_module("grpc_health.v1.health_pb2")
    image = descriptor_pb2.FileDescriptorSet()
    image.file.add().ParseFromString(health_pb2.DESCRIPTOR.serialized_pb)
    (out / "health.binpb").write_bytes(image.SerializeToString())


def main(destination: str) -> None:
    """Recreate destination with the google.rpc sources and the health image."""
    out = Path(destination)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    stage_rpc(out)
    stage_health(out)


if __name__ == "__main__":
    main(sys.argv[1])
