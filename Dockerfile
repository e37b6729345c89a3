# syntax=docker/dockerfile:1
#
# moat's container image: the moat binary, the shared libraries it links, /etc/passwd with the
# nonroot user 65532, CA certificates, /tmp and the cache directory. Nothing else: no shell, no
# package manager, no coreutils (docs/deploy.md).
#
#   docker build -t registry.example.com/moat/moat:0.1.0 .
#
# Without Docker, scripts/build-moat-image.sh builds the same final stage as an OCI layout; the
# build stage below runs that script with --rootfs-only, so the two cannot drift apart.
#
# Base images are pinned by digest. The digest below is a PLACEHOLDER (no registry is reachable
# where this file was written): replace it with the digest of swift:6.3-bookworm for your platform,
#   skopeo inspect --format '{{.Digest}}' docker://docker.io/library/swift:6.3-bookworm
# and let a bot (Renovate, Dependabot) keep it current.

# ---- build: Swift 6.3 on Debian bookworm --------------------------------------------------------
FROM docker.io/library/swift:6.3-bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build

# The C libraries moat links (zstd, SQLite, zlib) and the CA bundle the image ships. Versions are
# not pinned (DL3008): the build stage never ships, and bookworm's security updates replace exact
# versions; the base digest fixes the starting point.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libsqlite3-dev libzstd-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Dependencies first, so a source change does not fetch them again. Package.resolved is optional
# (the glob matches nothing in a checkout that has none).
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
COPY scripts/build-moat-image.sh ./scripts/
COPY scripts/lib ./scripts/lib

# --static-swift-stdlib links the Swift runtime and Foundation into the binary, so the image needs
# only the system libraries ldd lists (glibc, libstdc++, zstd, SQLite, zlib, libcurl and its
# dependencies for FoundationNetworking).
RUN swift build -c release --product moat --static-swift-stdlib \
    && scripts/build-moat-image.sh --strip --rootfs-only --binary .build/release/moat /rootfs

# ---- final: scratch + that root filesystem ------------------------------------------------------
# scratch is an empty filesystem, not an image that is pulled, so it has no digest to pin.
FROM scratch
COPY --from=build /rootfs/ /
# The two directories the nonroot user writes (also emptyDir mounts in deploy/deployment.yaml).
COPY --from=build --chown=65532:65532 /rootfs/home/nonroot /home/nonroot
COPY --from=build --chown=65532:65532 /rootfs/var/cache/moat /var/cache/moat
LABEL org.opencontainers.image.title="moat" \
      org.opencontainers.image.description="moat container-security CLI and Kubernetes admission webhook" \
      org.opencontainers.image.version="0.1.0"
ENV MOAT_CACHE_DIR=/var/cache/moat
USER 65532:65532
WORKDIR /
EXPOSE 8443
ENTRYPOINT ["/moat"]
CMD ["--help"]
