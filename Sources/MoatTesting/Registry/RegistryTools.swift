import Foundation

/// The external programs the registry harness runs, found on `PATH` (or in `/usr/sbin`, `/usr/bin`).
///
/// Each throws a ``RegistryHarnessError`` with code `.toolMissing` that names the Debian package and
/// says that `scripts/test.sh` installs it, so a test on a bare machine fails with a fix, not a crash.
extension TestEnvironment {
    /// Debian's distribution registry (package `docker-registry`).
    public static func dockerRegistry() throws -> String {
        try requireTool("docker-registry", package: "docker-registry")
    }

    /// `htpasswd` from apache2-utils, used to write bcrypt entries the registry accepts.
    public static func htpasswd() throws -> String {
        try requireTool("htpasswd", package: "apache2-utils")
    }

    /// `skopeo`, the independent client used to push images and to check the harness.
    public static func skopeo() throws -> String {
        try requireTool("skopeo", package: "skopeo")
    }

    /// `tinyproxy`, a real HTTP proxy for tests of `https_proxy` (`ForwardProxy`).
    public static func tinyproxy() throws -> String {
        try requireTool("tinyproxy", package: "tinyproxy-bin")
    }

    /// `curl`, used to probe TLS listeners (it takes a per-server CA per call).
    public static func curl() throws -> String {
        try requireTool("curl", package: "curl")
    }

    /// The absolute path of `name`, or an error that says how to install it.
    public static func requireTool(_ name: String, package: String) throws -> String {
        if let path = findExecutable(name) { return path }
        throw RegistryHarnessError(
            .toolMissing,
            "\(name) is not installed (Debian package \(package)): run scripts/test.sh, which installs the registry "
                + "test tools (packages docker-registry, apache2-utils, skopeo, tinyproxy-bin), or apt-get install \(package)"
        )
    }

    /// Searches `PATH`, then the usual system directories (the test runner may have a short `PATH`).
    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

extension TestEnvironment {
    /// The OCI layout `NAME.oci` built by scripts/build-test-images.sh (`scratch`, `minbase`, `bloated`).
    public static func ociLayout(_ name: String) throws -> String {
        try testImage(name + ".oci")
    }

    /// Any file or directory among the built test images (`scratch.docker.tar`, `minbase.oci.tar`, …).
    public static func testImage(_ fileName: String) throws -> String {
        guard let directory = testImages else {
            throw RegistryHarnessError(.imageMissing, missingImagesMessage)
        }
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else {
            throw RegistryHarnessError(.imageMissing, "\(path) does not exist; " + missingImagesMessage)
        }
        return path
    }
}
