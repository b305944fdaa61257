"""Stage the third-party .proto files the contract imports, taken from installed packages."""

import shutil
import sys
from pathlib import Path

import google.api

# Only what proto/ imports (annotations.proto imports http.proto); buf supplies
# google/protobuf itself.
IMPORTS = (
    "google/api/annotations.proto",
    "google/api/field_behavior.proto",
    "google/api/field_info.proto",
    "google/api/http.proto",
    "google/api/resource.proto",
)


def main(destination: str) -> None:
    """Copy each imported file from googleapis-common-protos into destination."""
    package_root = Path(next(iter(google.api.__path__))).parent.parent
    out = Path(destination)
    shutil.rmtree(out, ignore_errors=True)
    for name in IMPORTS:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package_root / name, target)


if __name__ == "__main__":
    main(sys.argv[1])
